"""Reporter on stderr: a line per finished stage with the time elapsed, a line per item of long work.

Examples
--------
>>> import io
>>> stream = io.StringIO()
>>> progress = Reporter(stream=stream, clock=iter([0.0, 1.25, 2.5]).__next__)
>>> with progress.stage("grenzen gelezen"):
...     pass
>>> stream.getvalue()
'[ 1,2 s] grenzen gelezen\\n'
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterable, Iterator


class Reporter:
    """Reports stages as they finish, so that nothing appears all at once at the end.

    Parameters
    ----------
    quiet : bool
        Print nothing (``--stil``).
    stream : file
        Where to print (standard error by default, so that standard output stays clean).
    clock : callable
        Seconds; replaceable in tests.
    """

    def __init__(self, *, quiet: bool = False, stream=None, clock=time.perf_counter) -> None:
        self.quiet = quiet
        self.stream = stream
        self.clock = clock
        self.start = clock()

    def say(self, text: str) -> None:
        if self.quiet:
            return
        elapsed = f"{self.clock() - self.start:4.1f}".replace(".", ",")
        print(f"[{elapsed} s] {text}", file=self.stream or sys.stderr, flush=True)

    @contextlib.contextmanager
    def stage(self, text: str) -> Iterator[None]:
        """Print `text` with the elapsed time when the block has finished."""
        yield
        self.say(text)

    def items(self, items: Iterable, text: str, total: int, name=str) -> Iterator:
        """Yield `items`, printing ``text i/total: name`` as each one is done."""
        for i, item in enumerate(items, 1):
            yield item
            self.say(f"{text} {i}/{total}: {name(item)}")


#: A Reporter that prints nothing, for library use.
SILENT = Reporter(quiet=True)
