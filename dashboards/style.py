"""Page styles: the everyday look, and presentation mode (large type, high contrast)."""

__all__ = ["BASE", "PRESENTING"]

BASE = """
.scenario-title { font-size: 1.8em; font-weight: 700; margin: 0 0 4px 0; }
.scenario-description p { margin: 0 0 6px 0; max-width: 75em; }
.step-counter { font-size: 1.5em; font-weight: 700; min-width: 4.5em;
                font-variant-numeric: tabular-nums; }
.readouts { flex-wrap: wrap; }
.readout { border: 1px solid #999; border-radius: 6px; padding: 2px 12px; min-width: 9em; }
.readout-label { display: block; font-size: 0.9em; color: #333; }
.readout-value { display: block; font-size: 1.7em; font-weight: 700;
                 font-variant-numeric: tabular-nums; }
.param { margin-bottom: 10px; }
.param-range { color: #555; font-size: 0.85em; }
.param-help { font-size: 0.8em; color: #444; line-height: 1.25; }
.param-input { max-width: 9em; }
.param .v-input--range-slider, .param .v-slider { min-width: 8em; }
.control-error, .message { color: #b00020; font-weight: 600; }
.pending { color: #6a4a00; font-weight: 600; }
.section-title { font-weight: 700; margin: 12px 0 4px 0; font-size: 1.05em; }
.view-image img, .series-image img { width: 100%; height: auto; object-fit: contain;
    object-position: left top; max-height: max(320px, calc(100vh - 480px)); }
.view-image { flex: 8 1 440px; max-width: 900px; }
.series-image { flex: 7 1 380px; max-width: 790px; }
.caveat { border-left: 5px solid #8a5a00; background: #fff8e6; color: #2b2b2b;
          padding: 6px 12px; max-width: 75em; font-size: 0.95em; }
.speed { min-width: 10em; max-width: 13em; padding-top: 18px; }
.event-buttons { padding-left: 12px; border-left: 2px solid #ccc; }
.event-buttons .v-btn { text-transform: none; }
"""

PRESENTING = """
.v-application, .v-application .v-main, .v-navigation-drawer { background: #ffffff !important; }
.v-application, .v-application p, .v-application span, .v-application div,
.v-application label, .v-application input, .v-application .v-label {
    color: #000000 !important; }
.v-application { font-size: 20px !important; }
.v-application .v-label, .v-application input, .v-application textarea,
.v-application .v-select__selection { font-size: 20px !important; }
.v-application .v-btn { font-size: 20px !important; min-height: 48px; font-weight: 700; }
.v-application .play-button, .v-application .step-button, .v-application .reset-button {
    background-color: #000000 !important; }
.v-application .play-button *, .v-application .step-button *, .v-application .reset-button * {
    color: #ffffff !important; }
.v-application .event-button { border: 2px solid #000000 !important; }
.v-application .v-app-bar, .v-application .v-app-bar * {
    background-color: #000000 !important; color: #ffffff !important; }
.view-image img, .series-image img { max-height: max(320px, calc(100vh - 420px)); }
.scenario-title { font-size: 2.4em; }
.scenario-description p { font-size: 1.15em; line-height: 1.45; }
.step-counter { font-size: 2.2em; min-width: 4.2em; }
.readout { border: 2px solid #000000; }
.caveat { border-left: 8px solid #000000; background: #ffffff; font-size: 0.8em; }
.readout-label { font-size: 1.1em; }
.readout-value { font-size: 2.4em; line-height: 1.2; }
.param-help { font-size: 0.85em; }
.v-application .control-error, .v-application .message, .v-application .error--text,
.v-application .error--text * { color: #a00000 !important; }
.v-application .pending { color: #5a3d00 !important; }
"""
