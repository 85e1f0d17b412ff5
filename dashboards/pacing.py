"""Sharing one server between many laptops: Play yields so that a click is always answered.

Every session that plays draws frames on the same server process. Left alone,
twenty sessions at ten frames a second would keep it busy all the time, and a
presenter's Step would wait behind their frames. :class:`Pacer` does two things:

- it keeps the server time all playing sessions spend on frames to a share of
  the process (half by default): the cost of a frame is the CPU time the
  playing thread spends on it (step, draw, encode, send; smoothed over all
  sessions), and each playing session waits long enough between frames that,
  together, they stay within the share;
- a click (Step, an event button) goes first: while one is being handled, no
  playing session starts a new frame.

A session's simulation keeps its pace anyway: Play puts several steps into one
frame when frames come less often.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

__all__ = ["PACER", "Pacer"]


class Pacer:
    """The frame interval each playing session keeps so that all stay within ``share``."""

    def __init__(self, share: float = 0.5, smoothing: float = 0.2):
        self.share, self.smoothing = share, smoothing
        self._lock = threading.Condition()
        self._playing: set[int] = set()
        self._clicks = 0
        self.cost = 0.0  # CPU seconds one frame takes (smoothed over all sessions)

    def join(self, key: int) -> None:
        """Session ``key`` starts playing."""
        with self._lock:
            self._playing.add(key)

    def leave(self, key: int) -> None:
        """Session ``key`` stops playing."""
        with self._lock:
            self._playing.discard(key)

    @property
    def playing(self) -> int:
        """How many sessions play now."""
        return len(self._playing)

    def record(self, seconds: float) -> None:
        """A frame took ``seconds`` of CPU time (``time.thread_time`` around it)."""
        with self._lock:
            self.cost = seconds if self.cost == 0.0 else (
                (1 - self.smoothing) * self.cost + self.smoothing * seconds)

    def interval(self) -> float:
        """Seconds from one frame to the next for each playing session."""
        return self.playing * self.cost / self.share

    @contextmanager
    def click(self):
        """Around the handling of a click: playing sessions start no frame meanwhile."""
        with self._lock:
            self._clicks += 1
        try:
            yield
        finally:
            with self._lock:
                self._clicks -= 1
                self._lock.notify_all()

    def after_clicks(self, timeout: float = 2.0) -> bool:
        """Wait (up to ``timeout``) until no click is being handled; False if one still is."""
        with self._lock:
            return self._lock.wait_for(lambda: self._clicks == 0, timeout)


#: The one pacer of this server process.
PACER = Pacer()
