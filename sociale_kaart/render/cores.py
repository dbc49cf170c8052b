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

    cores = _cores()
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


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Background:
    """Work forked off now and waited for later: drawings that nothing next in the run needs
    (the scatter plots, the PNG to embed) are made beside the next products instead of before them.

    Leaving the ``with`` block waits for every job and raises the first job's error (an
    InputError stops the run as it would have here); leaving it with an error stops the jobs.
    On one core, or inside a worker, a job runs at once.

    Examples
    --------
    >>> with Background() as later:
    ...     later.start(lambda: None)
    """

    def __init__(self) -> None:
        self._running: list = []

    def start(self, work) -> None:
        """Run ``work()`` in a forked process (it shares the run's data without copying it)."""
        import multiprocessing

        if _cores() < 2 or multiprocessing.current_process().daemon:
            work()
            return
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_in_background, args=(work, send))
        process.start()
        send.close()
        self._running.append((process, receive))

    def wait(self) -> None:
        """Wait for every job; raise the first error of one."""
        error = None
        running, self._running = self._running, []
        for process, receive in running:
            try:
                ok, value = receive.recv()
            except EOFError:  # ended without an answer (killed)
                ok, value = False, RuntimeError(f"tekenproces stopte zonder antwoord (exitcode {process.exitcode})")
            process.join()
            receive.close()
            if not ok and error is None:
                error = value
        if error is not None:
            raise error

    def stop(self) -> None:
        """Stop every job that still runs."""
        running, self._running = self._running, []
        for process, receive in running:
            process.terminate()
            process.join()
            receive.close()

    def __enter__(self) -> Background:
        return self

    def __exit__(self, kind, *_) -> None:
        if kind is None:
            self.wait()
        else:
            self.stop()


def _in_background(work, send) -> None:
    _plain_signals()
    try:
        work()
        send.send((True, None))
    except BaseException as error:  # noqa: BLE001 - every error goes back to the run, which raises it
        try:
            send.send((False, error))
        except Exception:  # an error that cannot be pickled: its text
            send.send((False, RuntimeError(str(error))))
    finally:
        send.close()


_WORK = None


def _plain_signals() -> None:
    """A worker ends at SIGTERM at once (the run's handler turns it into SystemExit, which in a
    worker could wait for a queue lock another worker holds)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the run in the main process


def _run_work(job):
    return _WORK(job)
