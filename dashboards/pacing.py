"""Sharing one server between many laptops: Play yields so that a click is always answered.

Every session that plays draws frames on the same server process. Left alone,
twenty sessions at ten frames a second would keep it busy all the time, and a
presenter's Step would wait behind their frames. :class:`Pacer` keeps the time
all playing sessions spend on frames to a share of the server (half by
default): each waits long enough between frames that, together, they leave
the rest free for clicks. A session's simulation keeps its pace anyway: Play
puts several steps into one frame when frames come less often.
"""

from __future__ import annotations

import threading

__all__ = ["PACER", "Pacer"]


class Pacer:
    """The frame interval each playing session keeps so that all stay within ``share``."""

    def __init__(self, share: float = 0.5, smoothing: float = 0.2):
        self.share, self.smoothing = share, smoothing
        self._lock = threading.Lock()
        self._playing: set[int] = set()
        self.cost = 0.0  # seconds of server time one frame takes (smoothed over all sessions)

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
        """A frame took ``seconds`` of server time (step, draw, encode)."""
        with self._lock:
            self.cost = seconds if self.cost == 0.0 else (
                (1 - self.smoothing) * self.cost + self.smoothing * seconds)

    def interval(self) -> float:
        """Seconds from one frame to the next for each playing session."""
        return self.playing * self.cost / self.share


#: The one pacer of this server process.
PACER = Pacer()
