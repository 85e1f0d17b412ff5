"""Many sessions on one server: the playing ones leave room for clicks."""

from __future__ import annotations

import threading
import time

import pytest

from dashboards.pacing import Pacer


def test_playing_sessions_share_half_the_server():
    pacer = Pacer(share=0.5, smoothing=1.0)
    pacer.record(0.04)  # a frame takes 40 ms of CPU
    assert pacer.interval() == 0.0  # nobody plays: no waiting
    pacer.join(1)
    assert pacer.interval() == pytest.approx(0.08)  # one session: 40 ms of each 80 ms
    for key in range(2, 21):
        pacer.join(key)
    assert pacer.playing == 20
    assert pacer.interval() == pytest.approx(1.6)  # twenty: each frame every 1.6 s
    assert 20 * 0.04 / pacer.interval() == pytest.approx(0.5)  # still half the server
    for key in range(1, 21):
        pacer.leave(key)
    assert pacer.playing == 0 and pacer.interval() == 0.0


def test_frame_cost_is_smoothed():
    pacer = Pacer(smoothing=0.5)
    pacer.record(0.02)
    pacer.record(0.06)
    assert pacer.cost == pytest.approx(0.04)


def test_a_click_goes_before_the_next_frame():
    pacer = Pacer()
    assert pacer.after_clicks(timeout=0.01)
    waited = []
    with pacer.click():
        worker = threading.Thread(target=lambda: waited.append(pacer.after_clicks(timeout=5)))
        worker.start()
        time.sleep(0.2)
        assert worker.is_alive()  # a playing session waits while the click is handled
    worker.join(timeout=5)
    assert waited == [True]
    with pacer.click():
        assert not pacer.after_clicks(timeout=0.05)  # and gives up after its timeout
