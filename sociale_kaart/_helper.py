"""A helper process for the second core.

Forked at the start of a command, before the data take memory, the helper imports the slow
libraries (mapclassify, esda and libpysal pull in scipy and scikit-learn: about 3 s each) while the
main process reads boundaries and figures; later it runs work handed to it (classification, hot
spots, rendering profiles) while the main process does something else. Where fork is not
available the work simply runs in-process.
"""

from __future__ import annotations

import importlib
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor


class HelperProcess:
    """One forked worker that preloads `modules`.

    Examples
    --------
    >>> with HelperProcess(("mapclassify",)) as helper:  # doctest: +SKIP
    ...     classes = helper.run(classify, values, "kwantielen", 5)
    """

    def __init__(self, modules: tuple[str, ...] = ()) -> None:
        self._pool = None
        if "fork" in multiprocessing.get_all_start_methods():
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            self._pool.submit(_preload, modules)

    def submit(self, fn, *args, **kwargs) -> Future:
        """Start `fn` in the helper (a module-level function; arguments are pickled)."""
        if self._pool is None:
            future: Future = Future()
            future.set_result(fn(*args, **kwargs))
            return future
        return self._pool.submit(fn, *args, **kwargs)

    def run(self, fn, *args, **kwargs):
        """Run `fn` in the helper and wait for its result."""
        return self.submit(fn, *args, **kwargs).result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def __enter__(self) -> "HelperProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _preload(modules: tuple[str, ...]) -> None:
    for name in modules:
        importlib.import_module(name)
