"""Work on every core: results in order, also from a generator of jobs; errors back in the run."""

from __future__ import annotations

import pytest

from sociale_kaart.errors import InputError
from sociale_kaart.render.cores import on_all_cores


def test_on_all_cores_keeps_the_order_also_for_a_generator_of_jobs():
    def jobs():
        yield from range(7)

    assert list(on_all_cores(jobs(), lambda n: (n, n * n))) == [(n, n * n) for n in range(7)]
    assert list(on_all_cores([3, 1, 2], lambda n: -n)) == [-3, -1, -2]


def test_a_job_error_stops_the_run_with_its_message():
    def work(n):
        if n == 2:
            raise InputError("fout: buurt BU00000002 heeft geen code")
        return n

    with pytest.raises(InputError, match="BU00000002"):
        list(on_all_cores([1, 2, 3], work))


def test_an_error_while_making_the_jobs_stops_the_run_too():
    def jobs():
        yield 1
        raise InputError("fout: document 'Proef' kan niet gezet worden")

    with pytest.raises(InputError, match="Proef"):
        list(on_all_cores(jobs(), lambda n: n))


@pytest.fixture
def fresh_typesetter(monkeypatch):
    """As in a run's process before its products: the typesetter not yet started here."""
    from sociale_kaart.render import cores

    monkeypatch.setattr(cores, "_TYPESETTER_PID", None)


def test_side_by_side_runs_each_job_in_a_process_of_its_own_that_may_use_every_core(fresh_typesetter):
    import os

    from sociale_kaart.render.cores import side_by_side

    def job(n):
        inner = list(on_all_cores([1, 2], lambda _: os.getpid()))  # a job may start workers of its own
        return n * n, os.getpid(), inner

    results = side_by_side([1, 2, 3], job)
    assert [r[0] for r in results] == [1, 4, 9]  # in the order of the jobs
    pids = {r[1] for r in results}
    assert os.getpid() not in pids and len(pids) == 3
    if len(os.sched_getaffinity(0)) > 1:
        for _, pid, inner in results:
            assert pid not in inner  # the job's own workers drew, not the job's process one by one


#: What the preparation of the next test sets, in the process that prepares.
PREPARED: list[str] = []


@pytest.mark.skipif(len(__import__("os").sched_getaffinity(0)) < 2, reason="one core: the jobs run here")
def test_side_by_side_prepares_once_in_the_run_before_the_first_job_that_wants_it(fresh_typesetter):
    """The jobs before it are forked unprepared and run while this process prepares; every job
    after it is forked from the prepared process."""
    import os

    from sociale_kaart.render.cores import side_by_side

    PREPARED.clear()
    results = side_by_side(["tabel", "kaart", "profiel"], lambda job: (job, list(PREPARED), os.getpid()),
                           prepare=lambda: PREPARED.append(f"warm in {os.getpid()}"),
                           prepared_for=lambda job: job != "tabel")
    assert [seen for _, seen, _ in results] == [[], [f"warm in {os.getpid()}"], [f"warm in {os.getpid()}"]]
    assert PREPARED == [f"warm in {os.getpid()}"]  # once, here
    assert os.getpid() not in {pid for _, _, pid in results}


def test_side_by_side_raises_the_first_error_and_stops_the_other_jobs(fresh_typesetter, tmp_path):
    import time

    from sociale_kaart.render.cores import side_by_side

    def job(n):
        if n == 1:
            raise InputError("fout: kolom 'x' ontbreekt")
        time.sleep(30)
        (tmp_path / "te-laat").write_text("x")

    started = time.monotonic()
    with pytest.raises(InputError, match="kolom 'x'"):
        side_by_side([2, 1, 3], job, at_once=3)
    assert time.monotonic() - started < 20 and not (tmp_path / "te-laat").exists()


def test_after_the_typesetter_started_here_the_jobs_stay_in_this_process(monkeypatch):
    import os

    from sociale_kaart.render import cores

    monkeypatch.setattr(cores, "_TYPESETTER_PID", os.getpid())
    assert cores.side_by_side([1, 2], lambda _: os.getpid()) == [os.getpid()] * 2
    monkeypatch.setattr(cores, "_TYPESETTER_PID", os.getpid() + 1)  # as in a fork of a process that used it
    with pytest.raises(RuntimeError, match="Typst"):
        cores.claim_typesetter()
