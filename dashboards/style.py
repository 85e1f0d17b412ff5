"""Page styles: the everyday look, and presentation mode (large type, high contrast).

The page is a row: a sidebar of fixed width (the presenter's controls, which
scroll on their own and never cover anything) and the main column. The main
column stacks title, transport, status, readouts and the stage; the stage takes
whatever height is left, and the pictures are drawn for exactly that box.
"""

__all__ = ["BASE", "PRESENTING", "SIDEBAR_PX"]

SIDEBAR_PX = 300

BASE = f"""
.contagion-app {{ padding: 0 !important; margin: 0 !important; }}
html, body {{ overflow: hidden !important; }}
.dashboard {{ position: fixed; top: 0; left: 0; right: 0; bottom: 0; display: flex;
              flex-direction: row; overflow: hidden; }}
.island {{ display: contents; }}
.sidebar {{ flex: 0 0 {SIDEBAR_PX}px; width: {SIDEBAR_PX}px; max-width: {SIDEBAR_PX}px;
            height: 100%; overflow-y: auto; overflow-x: hidden; box-sizing: border-box;
            padding: 8px 12px 24px 12px; border-right: 1px solid #bbb; background: #fafafa; }}
.sidebar * {{ max-width: 100%; overflow-wrap: anywhere; }}
.paste-text {{ width: 100%; box-sizing: border-box; font-family: monospace; font-size: 12px;
               border: 1px solid #888; border-radius: 4px; padding: 4px; margin-bottom: 6px;
               background: #fff; resize: vertical; }}
.main {{ flex: 1 1 0; min-width: 0; height: 100%; overflow-y: auto; overflow-x: hidden;
         box-sizing: border-box; padding: 4px 14px 0 14px; display: flex;
         flex-direction: column; }}
.main > * {{ flex: none; }}
.main > .stage {{ flex: 1 1 0; min-height: 240px; position: relative; overflow: hidden;
                  margin: 4px 0 6px 0; }}
.header {{ align-items: center; justify-content: space-between; flex-wrap: nowrap;
           margin: 0 !important; }}
.scenario-title {{ font-size: 1.7em; font-weight: 700; margin: 0; line-height: 1.15;
                   min-width: 0; }}
.switches {{ align-items: center; flex-wrap: nowrap; flex: none; }}
.switches .v-input {{ margin: 0 8px 0 0 !important; padding: 0 !important; }}
.switches .v-input__slot {{ margin: 0 !important; }}
.switches .v-messages {{ display: none; }}
.caveat {{ border-left: 5px solid #8a5a00; background: #fff8e6; color: #2b2b2b;
           padding: 2px 10px; font-size: 0.9em; margin: 2px 0; }}
.transport {{ align-items: center; flex-wrap: wrap; margin: 2px 0 !important; }}
.transport .v-btn {{ text-transform: none; }}
.play-button {{ min-width: 7.2em !important; }}
.step-counter {{ display: flex; align-items: baseline; gap: 0.3em; min-width: 7em;
                 font-variant-numeric: tabular-nums; }}
.step-now {{ font-size: 1.5em; font-weight: 700; }}
.step-end {{ color: #333; }}
.step-length {{ color: #333; font-size: 0.85em; white-space: nowrap; }}
.speed {{ width: 12em; }}
.speed .v-input {{ margin: 0 !important; }}
.speed .v-messages {{ display: none; }}
.event-buttons {{ padding-left: 12px; border-left: 2px solid #bbb; flex-wrap: wrap; }}
.status {{ display: block; min-height: 1.45em; font-weight: 600; }}
.status.message {{ color: #b00020; }}
.status.pending {{ color: #6a4a00; }}
.status.ended, .status.busy {{ color: #003d80; }}
.readouts {{ flex-wrap: nowrap; margin: 0 !important; }}
.readout {{ border: 1px solid #999; border-radius: 6px; padding: 0 8px; flex: 0 1 auto;
            min-width: 0; }}
.readout-label {{ display: block; font-size: 0.9em; color: #333; line-height: 1.2; }}
.readout-line {{ display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 0.5em;
                 row-gap: 0; white-space: nowrap; }}
.readout-value {{ font-size: 1.6em; font-weight: 700; line-height: 1.15;
                  font-variant-numeric: tabular-nums; }}
.readout-null {{ font-size: 1em; font-weight: 600; color: #333;
                 font-variant-numeric: tabular-nums; }}
.pictures {{ flex-wrap: nowrap; align-items: flex-start; margin: 0 !important; }}
.picture img {{ display: block; max-width: none; }}
.stage-busy .pictures {{ opacity: 0.35; }}
.busy-note {{ position: absolute; inset: 0; display: flex; align-items: center;
              justify-content: center; font-size: 1.5em; font-weight: 700; color: #003d80;
              animation: busy-appear 0.3s step-end; }}
@keyframes busy-appear {{ from {{ visibility: hidden; }} to {{ visibility: visible; }} }}
.param {{ margin-bottom: 10px; }}
.param-row {{ align-items: center; flex-wrap: nowrap; }}
.param-row > :first-child {{ flex: 1 1 auto; min-width: 0; }}
.param-row-wide {{ flex-wrap: wrap; }}
.param-range {{ color: #444; font-size: 0.85em; }}
.param-help {{ font-size: 0.8em; color: #333; line-height: 1.25; }}
.param-input {{ flex: 0 0 6.5em; max-width: 6.5em; }}
.param-input-wide {{ flex: 1 1 100%; max-width: 100%; }}
.control-error {{ display: block; color: #b00020 !important; font-weight: 700;
                  font-size: 0.95em; line-height: 1.3; margin: 2px 0 4px 0;
                  white-space: normal; }}
.section-title {{ display: block; font-weight: 700; margin: 12px 0 4px 0; font-size: 1.05em; }}
.reference {{ font-size: 0.85em; }}
/* keyboard focus: a 3-px ring, black with a white edge, visible on white, grey, blue and black */
.contagion-app :focus-visible, .dashboard :focus-visible,
.dashboard .v-slider__thumb-container:focus, .dashboard .v-input--selection-controls input:focus-visible + * {{
    outline: 3px solid #000000 !important; outline-offset: 2px !important;
    box-shadow: 0 0 0 2px #ffffff, 0 0 0 7px #ffffff !important; border-radius: 3px; }}
.dashboard .v-input--switch input:focus-visible {{ opacity: 1; }}
.dashboard .v-input--is-focused.v-input--switch .v-input--selection-controls__input {{
    outline: 3px solid #000000; outline-offset: 2px; box-shadow: 0 0 0 5px #ffffff; }}
.offline-banner {{ position: fixed; left: 0; right: 0; top: 0; z-index: 50; padding: 18px 28px;
                   background: #000000; color: #ffffff; border-bottom: 8px solid #ffd400;
                   font-size: 28px; line-height: 1.3; text-align: center; }}
.offline-banner b {{ color: #ffd400; }}
.step-wait {{ position: fixed; right: 20px; bottom: 20px; z-index: 35; padding: 12px 20px;
              background: #003d80; color: #ffffff; font-size: 22px; font-weight: 700;
              border-radius: 6px; animation: busy-appear 0.3s step-end; }}
.skip-link {{ position: absolute; left: 8px; top: -60px; z-index: 30; padding: 8px 14px;
              background: #000000; color: #ffffff !important; font-weight: 700;
              border-radius: 4px; text-decoration: none; }}
.skip-link:focus {{ top: 8px; }}
.help-button {{ min-width: 2.2em; height: 2.2em; border-radius: 50%; border: 2px solid #000000;
                background: #ffffff; color: #000000; font-weight: 700; font-size: 16px;
                margin-left: 6px; cursor: pointer; }}
.shortcut-overlay {{ position: fixed; inset: 0; z-index: 40; background: rgba(0, 0, 0, 0.55);
                     display: flex; align-items: center; justify-content: center; }}
.shortcut-dialog {{ background: #ffffff; color: #000000; border: 3px solid #000000;
                    border-radius: 8px; padding: 16px 24px; font-size: 20px; max-width: 90vw; }}
.shortcut-title {{ font-size: 1.3em; margin: 0 0 8px 0; }}
.shortcut-table th {{ text-align: right; padding: 4px 12px 4px 0; font-weight: 400; }}
.shortcut-table td {{ padding: 4px 0; }}
.shortcut-table kbd {{ display: inline-block; min-width: 1.6em; padding: 1px 8px;
                       border: 2px solid #000000; border-radius: 4px; background: #f2f2f2;
                       color: #000000; font-family: inherit; font-weight: 700; text-align: center;
                       box-shadow: none; }}
.shortcut-close {{ margin-top: 12px; padding: 6px 14px; border: 2px solid #000000;
                   border-radius: 4px; background: #000000; color: #ffffff; font-weight: 700;
                   font-size: 18px; cursor: pointer; }}
.fold-button {{ text-transform: none !important; padding: 0 4px !important;
                justify-content: flex-start; height: auto !important; min-height: 32px;
                white-space: normal; text-align: left; }}
.fold-button .v-btn__content {{ white-space: normal; flex: 1 1 auto; }}
.choice {{ display: block; margin: 6px 0; }}
.choice-label {{ display: block; font-size: 0.85em; color: #333333; }}
.choice-select {{ width: 100%; padding: 6px 4px; border: 1px solid #666666; border-radius: 4px;
                  background: #ffffff; color: #000000; font-size: 1em; -webkit-appearance: auto;
                  appearance: auto; }}
"""

PRESENTING = """
.v-application, .v-application .v-main, .main { background: #ffffff !important; }
.main, .main p, .main span, .main div, .main label { color: #000000 !important; }
.main { font-size: 20px !important; }
.main .v-label, .main input { font-size: 20px !important; }
.main .v-btn { font-size: 20px !important; min-height: 46px; font-weight: 700; }
.main .play-button, .main .step-button, .main .reset-button {
    background-color: #000000 !important; }
.main .play-button *, .main .step-button *, .main .reset-button * { color: #ffffff !important; }
.main .v-btn--disabled { opacity: 0.45; }
.main .event-button { border: 2px solid #000000 !important; }
.scenario-title { font-size: 1.6em; }
.scenario-title.title-medium { font-size: 1.4em; }
.scenario-title.title-long { font-size: 1.2em; }
.switches, .switches * { font-size: 16px !important; }
.main .sidebar-button { font-size: 16px !important; min-height: 36px; }
.step-now { font-size: 1.6em; }
.main .event-button { font-size: 18px !important; min-height: 44px; padding: 0 10px !important; }
.caveat { border-left: 8px solid #000000; background: #ffffff; font-size: 0.8em;
          white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.readout { border: 2px solid #000000; }
.readout-label { font-size: 0.9em; }
.readout-value { font-size: 1.6em; }
.main .status.message { color: #a00000 !important; }
.main .status.pending { color: #5a3d00 !important; }
.main .status.ended, .main .status.busy { color: #002a66 !important; }
.main .help-button { font-size: 18px; }
"""
