"""Durations on the command line: ``90``, ``90s``, ``30m``, ``4h``, ``1d``."""

from __future__ import annotations

import argparse

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(text: str) -> float:
    """``90``, ``90s``, ``30m``, ``4h`` or ``1d`` as seconds."""
    raw = text.strip().lower()
    unit = _UNITS.get(raw[-1:])
    number = raw[:-1] if unit else raw
    try:
        seconds = float(number) * (unit or 1)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a duration like 90s, 30m or 4h"
        ) from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("a duration must be positive")
    return seconds
