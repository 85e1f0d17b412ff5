"""Small pieces of the page that run in the browser: sizes, painted frames, address, reconnect.

Each is an ipyvuetify template with a few lines of JavaScript and a trait that
the server reads or sets; none loads anything from outside this machine.
"""

from __future__ import annotations

import ipyvuetify as v
import solara
import traitlets

__all__ = ["FrameAck", "PageLink", "PasteBox", "StageSize"]


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
<template><span style="display: none" class="page-link"></span></template>
<script>
module.exports = {
  mounted() {
    this.apply(this.search);
    this.asked = 0;
    this.timer = setInterval(() => this.watch(), 1000);
  },
  beforeDestroy() { clearInterval(this.timer); },
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
    watch() {
      const kernel = this.kernel();
      if (!kernel || kernel.connectionStatus === 'connected' || kernel.isDisposed) { return; }
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
