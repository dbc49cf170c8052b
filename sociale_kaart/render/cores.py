"""Independent drawings and documents on every core of the machine.

Examples
--------
>>> list(on_all_cores([1, 2, 3], lambda n: n * n))
[1, 4, 9]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized


def on_all_cores(jobs: Iterable, work) -> Iterator:
    """``work(job)`` for every job, on every core, yielding each result as it is done (in order).

    The workers are forked from this process, so they share the run's data and classes without
    copying them; a job's error (an InputError) comes back and stops the run as it would here.
    `jobs` may be a generator: it is then read in a thread of this process while the workers work
    (so what makes a job, such as asking the typesetter a drawing's size, overlaps the drawing).
    """
    import multiprocessing
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if isinstance(jobs, Sized):
        cores = min(cores, len(jobs))
    if cores < 2 or multiprocessing.current_process().daemon:
        yield from map(work, jobs)
        return
    global _WORK
    _WORK = work
    try:
        with multiprocessing.get_context("fork").Pool(cores, initializer=_plain_signals) as pool:
            yield from pool.imap(_run_work, jobs, chunksize=1)
            pool.close()  # done: the workers end by themselves, none is killed while it holds a queue
            pool.join()
    finally:
        _WORK = None


_WORK = None


def _plain_signals() -> None:
    """A worker ends at SIGTERM at once (the run's handler turns it into SystemExit, which in a
    worker could wait for a queue lock another worker holds)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the run in the main process


def _run_work(job):
    return _WORK(job)
