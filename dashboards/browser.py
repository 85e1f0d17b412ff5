"""Small pieces of the page that run in the browser: sizes, painted frames, address, reconnect.

Each is an ipyvuetify template with a few lines of JavaScript and a trait that
the server reads or sets; none loads anything from outside this machine.
"""

from __future__ import annotations

import ipyvuetify as v
import solara
import traitlets

__all__ = ["AltText", "Choice", "StepWait", "FrameAck", "PageLanguage", "PageLink", "PasteBox", "SHORTCUTS",
           "Shortcuts", "SkipLink", "StageSize"]


class _FrameAck(v.VuetifyTemplate):
    """Reports back which frame the browser has painted (two animation frames after it came)."""

    template = traitlets.Unicode("""
<template><span style="display: none" class="frame-ack">{{ frame }}</span></template>
<script>
module.exports = {
  watch: {
    frame(value) {
      requestAnimationFrame(() => requestAnimationFrame(() => { this.shown = value; }));
    },
  },
};
</script>
""").tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    shown = traitlets.Int(0).tag(sync=True)


@solara.component
def FrameAck(frame: int, on_shown):
    """Calls ``on_shown(frame)`` once the browser has painted ``frame`` (Play's back-pressure)."""
    return _FrameAck.element(frame=frame, on_shown=on_shown)


class _StageSize(v.VuetifyTemplate):
    """Measures the box it fills (its parent's) in CSS pixels, and the screen's pixel ratio."""

    template = traitlets.Unicode("""
<template><div class="stage-measure"
  style="position: absolute; inset: 0; pointer-events: none; visibility: hidden"></div></template>
<script>
module.exports = {
  mounted() {
    this.timer = null;
    this.observer = new ResizeObserver(() => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.measure(), 120);
    });
    this.observer.observe(this.$el);
    this.measure();
  },
  beforeDestroy() {
    this.observer.disconnect();
    clearTimeout(this.timer);
  },
  methods: {
    measure() {
      const box = this.$el.getBoundingClientRect();
      const width = Math.floor(box.width), height = Math.floor(box.height);
      const ratio = Math.min(2, Math.max(1, window.devicePixelRatio || 1));
      if (Math.abs(width - this.width) > 3 || Math.abs(height - this.height) > 3
          || ratio !== this.ratio) {
        this.size = [width, height, ratio];
      }
    },
  },
  computed: {
    width() { return this.size[0]; },
    height() { return this.size[1]; },
    ratio() { return this.size[2]; },
  },
};
</script>
""").tag(sync=True)
    size = traitlets.List([0, 0, 1]).tag(sync=True)


@solara.component
def StageSize(on_size):
    """Calls ``on_size((width, height, ratio))`` when the stage's box changes size."""
    return _StageSize.element(on_size=on_size)


class _PageLink(v.VuetifyTemplate):
    """Keeps the address current; if the server goes away, reconnects as soon as it is back.

    The page's own reconnect waits longer and longer between tries (up to
    minutes, then gives up); this asks the server every second instead and,
    once it answers, tells the connection to try again at once. The server
    then runs the app again with the current address (see
    :mod:`dashboards.address`).
    """

    template = traitlets.Unicode("""
<template><span class="page-link">
  <div v-if="offline" class="offline-banner" role="alert">
    <b>Server disconnected</b> &mdash; reconnecting (asking every second).
    Play and Step are off until it is back; the run restarts at step 0 with the same values.
  </div>
</span></template>
<script>
module.exports = {
  data() { return {offline: false}; },
  mounted() {
    this.apply(this.search);
    this.asked = 0;
    this.timer = setInterval(() => this.watch(), 1000);
  },
  beforeDestroy() { clearInterval(this.timer); this.hold(false); },
  watch: { search(value) { this.apply(value); } },
  methods: {
    apply(value) {
      const url = new URL(window.location.href);
      url.search = value;
      window.history.replaceState(window.history.state, '', url.toString());
    },
    kernel() {
      const debug = window.solara && window.solara.debug;
      return debug && typeof debug.kernel === 'function' ? debug.kernel() : null;
    },
    hold(off) {
      // buttons a dead server cannot answer: disabled while it is away, as they were after
      document.querySelectorAll('.play-button, .step-button, .reset-button, .event-button')
        .forEach((button) => {
          if (off && !button.disabled) {
            button.disabled = true;
            button.dataset.offline = '1';
          } else if (!off && button.dataset.offline) {
            button.disabled = false;
            delete button.dataset.offline;
          }
        });
    },
    watch() {
      const kernel = this.kernel();
      const offline = !!kernel && kernel.connectionStatus !== 'connected' && !kernel.isDisposed;
      if (offline !== this.offline) { this.offline = offline; }
      this.hold(offline);
      if (!offline) { return; }
      if (Date.now() - this.asked < 3000) { return; }
      fetch(window.location.pathname, {method: 'HEAD', cache: 'no-store'}).then((answer) => {
        if (answer.ok && kernel.connectionStatus !== 'connected') {
          this.asked = Date.now();
          kernel.reconnect().catch(() => {});
        }
      }).catch(() => {});
    },
  },
};
</script>
""").tag(sync=True)
    search = traitlets.Unicode("").tag(sync=True)


@solara.component
def PageLink(search: str):
    """Puts ``search`` into the page's address and reconnects after a server restart."""
    return _PageLink.element(search=search)


class _PasteBox(v.VuetifyTemplate):
    """A text box and a button; the click sends the text it loads, in one message.

    With a synced text field and a separate button, the click and the field's last
    value travel as two messages, and a click handled before the text arrived
    loaded what the box held before (the upload test failed so, now and then).
    """

    template = traitlets.Unicode("""
<template><div class="paste-box">
  <textarea ref="box" class="paste-text" aria-label="TOML text" rows="6" spellcheck="false"
            placeholder="name = ..."></textarea>
  <v-btn outlined small class="load-pasted" @click="send">Load pasted scenario</v-btn>
</div></template>
<script>
module.exports = {
  methods: {
    send() { this.pasted = {n: (this.pasted.n || 0) + 1, text: this.$refs.box.value}; },
  },
};
</script>
""").tag(sync=True)
    pasted = traitlets.Dict({"n": 0, "text": ""}).tag(sync=True)


@solara.component
def PasteBox(on_text):
    """Calls ``on_text(text)`` with the box's text when its button is pressed."""
    return _PasteBox.element(on_pasted=lambda sent: on_text(sent.get("text", "")))


#: The keyboard shortcuts: (key as shown, what it does, the action sent to the server).
SHORTCUTS = (("Space", "Play / Pause", "play"), ("\u2192", "one step", "step"),
             ("R", "Reset", "reset"), ("N", "split stage: the null beside the run on/off", "split"),
             ("P", "presentation mode on/off", "present"), ("?", "this help", "help"),
             ("Esc", "close this help", "close"))


class _Shortcuts(v.VuetifyTemplate):
    """The keyboard shortcuts, and the "?" button that shows them in an overlay.

    Keys pressed while typing (a text field, the paste box, a list) are left to
    that field, and so are the arrow keys on a slider; Space on a button the
    keyboard focused presses that button, as everywhere (a button focused by a
    click does not keep Space from playing).
    """

    template = traitlets.Unicode("""
<template><span class="shortcuts">
  <button type="button" class="help-button" aria-haspopup="dialog"
          aria-label="Keyboard shortcuts (?)" title="Keyboard shortcuts (?)"
          @click="show">?</button>
  <div v-if="open" class="shortcut-overlay" @click.self="close">
    <div class="shortcut-dialog" role="dialog" aria-modal="true"
         aria-labelledby="shortcut-title">
      <h2 id="shortcut-title" class="shortcut-title">Keyboard shortcuts</h2>
      <table class="shortcut-table">
        <tr v-for="row in rows" :key="row[0]">
          <th scope="row"><kbd>{{ row[0] }}</kbd></th><td>{{ row[1] }}</td>
        </tr>
      </table>
      <button type="button" ref="close" class="shortcut-close" @click="close">Close (Esc)</button>
    </div>
  </div>
</span></template>
<script>
module.exports = {
  data() { return {open: false}; },
  mounted() {
    this.listener = (event) => this.key(event);
    document.addEventListener('keydown', this.listener);
  },
  beforeDestroy() { document.removeEventListener('keydown', this.listener); },
  methods: {
    key(event) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
      if (this.open) {
        if (event.key === 'Escape' || event.key === '?') { event.preventDefault(); this.close(); }
        else if (event.key === 'Tab') { event.preventDefault(); this.$refs.close.focus(); }
        return;
      }
      const target = event.target && event.target.closest ? event.target : document.body;
      const typing = target.closest('textarea, select, [contenteditable], [role=listbox], '
        + 'input:not([type=checkbox]):not([type=radio]):not([type=button])');
      if (typing) { return; }
      if (event.key === '?') { event.preventDefault(); this.show(); return; }
      const found = this.rows.find((row) => row[0] === (
        event.key === ' ' ? 'Space' : event.key === 'ArrowRight' ? '\u2192'
          : event.key.length === 1 ? event.key.toUpperCase() : event.key));
      if (!found || found[2] === 'help' || found[2] === 'close') { return; }
      if (event.key === 'ArrowRight' && target.closest('[role=slider]')) { return; }
      const control = target.closest('button, a[href], [role=button], [role=switch], '
        + '[role=checkbox], input, [role=slider]');
      if (event.key === ' ' && control && control.matches(':focus-visible')) { return; }
      event.preventDefault();
      if (event.repeat) { return; }
      if (found[2] === 'step') { document.dispatchEvent(new CustomEvent('contagion-step')); }
      this.pressed = {n: (this.pressed.n || 0) + 1, action: found[2]};
    },
    show() {
      this.back = document.activeElement;
      this.open = true;
      this.$nextTick(() => this.$refs.close && this.$refs.close.focus());
    },
    close() {
      this.open = false;
      const back = this.back;
      this.$nextTick(() => { if (back && back.focus && document.contains(back)) { back.focus(); } });
    },
  },
};
</script>
""").tag(sync=True)
    rows = traitlets.List([list(row) for row in SHORTCUTS]).tag(sync=True)
    pressed = traitlets.Dict({"n": 0, "action": ""}).tag(sync=True)


@solara.component
def Shortcuts(on_action):
    """The "?" button and its overlay; calls ``on_action(name)`` for a shortcut pressed
    anywhere on the page (names: the third column of :data:`SHORTCUTS`)."""
    return _Shortcuts.element(on_pressed=lambda sent: on_action(sent.get("action", "")))


class _AltText(v.VuetifyTemplate):
    """Gives the picture beside it (the ``img`` in the same box) its one-line description."""

    template = traitlets.Unicode("""
<template><span class="alt-text" style="display: none">{{ text }}</span></template>
<script>
module.exports = {
  mounted() {
    this.observer = new MutationObserver(() => this.apply());
    this.observer.observe(this.$el.parentElement, {childList: true, subtree: true});
    this.apply();
  },
  beforeDestroy() { this.observer.disconnect(); },
  watch: { text() { this.apply(); } },
  methods: {
    apply() {
      const box = this.$el.parentElement;
      const image = box && box.querySelector('img');
      if (image && image.getAttribute('alt') !== this.text) { image.setAttribute('alt', this.text); }
    },
  },
};
</script>
""").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)


@solara.component
def AltText(text: str):
    """Put beside a picture (in the same box): its ``alt`` is ``text``, kept current."""
    return _AltText.element(text=text)


class _PageLanguage(v.VuetifyTemplate):
    """Says the page is in English and lets a reader zoom it (Solara's page forbids zooming)."""

    template = traitlets.Unicode("""
<template><span style="display: none" class="page-language"></span></template>
<script>
module.exports = {
  mounted() {
    document.documentElement.setAttribute('lang', 'en');
    const viewport = document.querySelector('meta[name=viewport]');
    if (viewport) { viewport.setAttribute('content', 'width=device-width, initial-scale=1'); }
  },
};
</script>
""").tag(sync=True)


@solara.component
def PageLanguage():
    """``lang="en"`` on the page and zooming allowed."""
    return _PageLanguage.element()


class _SkipLink(v.VuetifyTemplate):
    """The first stop of the Tab key: a link, shown when focused, that jumps to Play."""

    template = traitlets.Unicode("""
<template><a href="#stage" class="skip-link" @click.prevent="jump">Skip to Play</a></template>
<script>
module.exports = {
  methods: {
    jump() {
      const play = document.querySelector('.play-button');
      if (play) { play.focus(); }
    },
  },
};
</script>
""").tag(sync=True)


@solara.component
def SkipLink():
    """A "Skip to Play" link for keyboard users, hidden until focused."""
    return _SkipLink.element()


class _Choice(v.VuetifyTemplate):
    """A labelled native list (``<select>``): one control, nothing nested inside it."""

    template = traitlets.Unicode("""
<template><label :class="'choice ' + extra">
  <span class="choice-label">{{ label }}</span>
  <select class="choice-select" :disabled="disabled" :value="value"
          @change="value = $event.target.value">
    <option v-for="item in items" :key="item" :value="item">{{ item }}</option>
  </select>
</label></template>
""").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    items = traitlets.List([]).tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    extra = traitlets.Unicode("").tag(sync=True)  # more CSS classes


@solara.component
def Choice(label: str, items: list[str], value: str | None, on_value, disabled: bool = False,
           classes: list[str] | None = None):
    """A native drop-down list of ``items`` named ``label``; ``on_value(item)`` on a choice."""
    return _Choice.element(label=label, items=list(items), value=value or "",
                           on_value=on_value, disabled=disabled, extra=" ".join(classes or []))


class _StepWait(v.VuetifyTemplate):
    """After Step or an event button (or the → key), a busy note if the step counter has not
    moved within 0.3 s; it goes as soon as the counter moves (or after 60 s)."""

    template = traitlets.Unicode("""
<template><span class="step-wait-box">
  <div v-if="waiting" class="step-wait" role="status">Working on the next step...</div>
</span></template>
<script>
module.exports = {
  data() { return {waiting: false}; },
  mounted() {
    this.onClick = (event) => {
      const button = event.target.closest && event.target.closest('.step-button, .event-button');
      if (button && !button.disabled) { this.begin(); }
    };
    this.onStep = () => this.begin();
    document.addEventListener('click', this.onClick, true);
    document.addEventListener('contagion-step', this.onStep);
    this.observer = new MutationObserver(() => this.check());
    this.observer.observe(document.body, {childList: true, subtree: true, characterData: true});
  },
  beforeDestroy() {
    document.removeEventListener('click', this.onClick, true);
    document.removeEventListener('contagion-step', this.onStep);
    this.observer.disconnect();
    clearTimeout(this.limit);
  },
  methods: {
    counter() {
      const now = document.querySelector('.step-now');
      return now ? now.textContent : '';
    },
    begin() {
      this.before = this.counter();
      this.waiting = true;
      clearTimeout(this.limit);
      this.limit = setTimeout(() => { this.waiting = false; }, 60000);
    },
    check() {
      if (this.waiting && this.counter() !== this.before) { this.waiting = false; }
    },
  },
};
</script>
""").tag(sync=True)


@solara.component
def StepWait():
    """The busy note of a slow step (see :class:`_StepWait`)."""
    return _StepWait.element()
