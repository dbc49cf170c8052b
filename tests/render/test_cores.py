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
