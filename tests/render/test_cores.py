"""Work on every core: results in order, errors back in the run, background jobs waited for."""

from __future__ import annotations

import os

import pytest

from sociale_kaart.errors import InputError
from sociale_kaart.render.cores import Background, on_all_cores


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


def test_background_jobs_run_beside_the_run_and_are_waited_for(tmp_path):
    with Background() as later:
        for i in range(3):
            later.start(lambda i=i: (tmp_path / f"{i}.txt").write_text(str(os.getpid())))
    pids = {int((tmp_path / f"{i}.txt").read_text()) for i in range(3)}  # all three written once the block ends
    if len(os.sched_getaffinity(0)) > 1:
        assert os.getpid() not in pids  # forked off, not run here


def test_a_background_error_is_raised_when_the_block_ends():
    def fail():
        raise InputError("fout: kolom 'wmo' rij 3 is geen getal")

    with pytest.raises(InputError, match="rij 3"):
        with Background() as later:
            later.start(fail)
