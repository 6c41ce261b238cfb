"""A plain progress bar for long management commands (no dependency, works in any terminal)."""

import sys
import time


class ProgressBar:
    def __init__(self, total: int, *, label: str = "", stream=None, width: int = 30):
        self.total, self.label, self.width = max(total, 0), label, width
        # Django's OutputWrapper ends every write with a newline; the bar redraws one line.
        self.stream = getattr(stream, "_out", stream) or sys.stdout
        self.done = 0
        self.started = time.monotonic()
        self._last_draw = 0.0

    def __enter__(self) -> "ProgressBar":
        self._draw(force=True)
        return self

    def __exit__(self, *exc) -> None:
        self._draw(force=True)
        self.stream.write("\n")

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        share = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = int(share * self.width)
        rate = self.done / max(now - self.started, 1e-6)
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{self.done}/{self.total} ({share:4.0%}, {rate:,.0f}/s)"
        )
        self.stream.flush()
