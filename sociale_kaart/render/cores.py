"""Independent drawings and documents on every core of the machine.

Examples
--------
>>> list(on_all_cores([1, 2, 3], lambda n: n * n))
[1, 4, 9]
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sized


def on_all_cores(jobs: Iterable, work) -> Iterator:
    """``work(job)`` for every job, on every core, yielding each result as it is done (in order).

    The workers are forked from this process, so they share the run's data and classes without
    copying them; a job's error (an InputError) comes back and stops the run as it would here.
    `jobs` may be a generator: it is then read in a thread of this process while the workers work
    (so what makes a job, such as asking the typesetter a drawing's size, overlaps the drawing).
    """
    import multiprocessing

    cores = core_count()
    if isinstance(jobs, Sized):
        cores = min(cores, len(jobs))
    if cores < 2 or multiprocessing.current_process().daemon:
        yield from map(work, jobs)
        return
    global _WORK
    _WORK = work
    try:
        with _forking():
            pool = multiprocessing.get_context("fork").Pool(cores, initializer=_plain_signals)
        with pool:
            yield from pool.imap(_run_work, jobs, chunksize=1)
            pool.close()  # done: the workers end by themselves, none is killed while it holds a queue
            pool.join()
    finally:
        _WORK = None


_WORK = None


def side_by_side(jobs: list, work, *, at_once: int | None = None, prepare=None, prepared_for=None) -> list:
    """``work(job)`` for every job, each in a process of its own forked from this one, at most
    `at_once` (default: the cores) at a time; the results in the order of `jobs`.

    `prepare` runs once, here, just before the first job for which ``prepared_for(job)`` is true
    starts (default: before the first job): the jobs before it already run meanwhile, and every
    job after it starts prepared (a run's tables need no drawing and start while it warms up).

    Unlike :func:`on_all_cores` a job may use every core itself (its process may start workers),
    so a long job and a short one share the machine instead of waiting for each other. The first
    error of a job (an InputError) stops the others and is raised here; so is an interruption.
    Without a second core, inside a worker, or after this process started the typesetter (whose
    threads do not survive a fork, see :func:`claim_typesetter`), the jobs run here, one by one.

    Examples
    --------
    >>> side_by_side([1, 2, 3], lambda n: n * n)
    [1, 4, 9]
    >>> said = []
    >>> side_by_side(["a", "b"], lambda job: (job, list(said)), prepare=lambda: said.append("warm"),
    ...              prepared_for=lambda job: job == "b")
    [('a', []), ('b', ['warm'])]
    """
    import multiprocessing
    from multiprocessing.connection import wait

    cores = core_count()
    at_once = at_once or cores
    unprepared = [prepare] if prepare is not None else []

    def ready(job) -> None:
        if unprepared and (prepared_for is None or prepared_for(job)):
            unprepared.pop()()

    if len(jobs) < 2 or cores < 2 or multiprocessing.current_process().daemon or typesetter_started():
        results = []
        for job in jobs:
            ready(job)
            results.append(work(job))
        return results
    fork = multiprocessing.get_context("fork")
    results, waiting, running = [None] * len(jobs), list(enumerate(jobs)), {}
    try:
        while waiting or running:
            while waiting and len(running) < at_once:
                i, job = waiting.pop(0)
                ready(job)
                reader, writer = fork.Pipe(duplex=False)
                process = fork.Process(target=_job_process, args=(work, job, writer), daemon=False)
                with _forking():
                    process.start()
                writer.close()
                running[reader] = (i, process)
            for reader in wait(list(running)):
                i, process = running.pop(reader)
                try:
                    ok, value = reader.recv()
                except EOFError:
                    ok, value = False, RuntimeError(f"een deel van de run stopte zonder uitkomst (exit {process.exitcode})")
                process.join()
                if not ok:
                    raise value
                results[i] = value
    finally:
        for _, process in running.values():  # an error or an interruption: the others stop too
            process.terminate()
            process.join(10)
            if process.is_alive():  # its SystemExit lost in a finalizer: it would finish its work first
                process.kill()
                process.join()
    return results


@contextlib.contextmanager
def _forking():
    """Fork inside this block: the forked processes keep their garbage collector off the objects
    they share with this one (collecting would touch, and so copy, every page of them)."""
    import gc

    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # here, they are this process's own again


def _job_process(work, job, writer) -> None:
    """One job of :func:`side_by_side` in its own process; it ends when the run's process does."""
    _end_with_parent()
    try:
        outcome = (True, work(job))
    except BaseException as error:  # noqa: BLE001 - handed to the run's process, which raises it
        outcome = (False, error)
    try:
        writer.send(outcome)
    except Exception:  # an unpicklable result or error: say what it was
        writer.send((False, RuntimeError(repr(outcome[1]))))
    writer.close()


def _end_with_parent() -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (a killed run leaves no job
    drawing on; SIGTERM lets the job stop its own workers)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the job ends when it is done
        pass


def core_count() -> int:
    """The cores this process may use."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


#: The process that started the typesetter (Typst), or None: a fork of it must not use Typst.
_TYPESETTER_PID: int | None = None


def claim_typesetter() -> None:
    """Note that this process uses the typesetter; in a process forked from one that already
    had, refuse (Typst's threads are not in the fork: it would wait for them forever)."""
    import os

    global _TYPESETTER_PID
    if _TYPESETTER_PID not in (None, os.getpid()):
        raise RuntimeError("Typst in een proces dat is afgesplitst van een proces dat Typst al gebruikte")
    _TYPESETTER_PID = os.getpid()


def typesetter_started() -> bool:
    """Whether this process has used the typesetter (so a fork of it may not)."""
    return _TYPESETTER_PID is not None


def _plain_signals() -> None:
    """A worker ends at SIGTERM at once (the run's handler turns it into SystemExit, which in a
    worker could wait for a queue lock another worker holds)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the run in the main process


def _run_work(job):
    return _WORK(job)
