"""How late the GUI thread runs a 10 ms timer: the longest stall a user would feel.

Shared by ui_bench.py and client_bench.py. ``stalls`` holds, per tick, how many
ms later than due it ran (negative: early); a caller copies it at the end of one
phase (a sync) to tell its ticks from the next phase's (indexing).
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer

INTERVAL_MS = 10


class StallMeter:
    def __init__(self) -> None:
        self.stalls: list[float] = []
        self._clock = QElapsedTimer()
        self._clock.start()
        self._last = self._clock.elapsed()
        self._ticker = QTimer()
        self._ticker.setInterval(INTERVAL_MS)
        self._ticker.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self._clock.elapsed()
        self.stalls.append(now - self._last - INTERVAL_MS)
        self._last = now

    def start(self) -> None:
        # Counted from construction: work between it and start() (opening the window,
        # which blocks the GUI thread) shows as the first tick's stall.
        self._ticker.start()

    def stop(self) -> None:
        self._ticker.stop()
