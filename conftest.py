"""Docstring examples that need data files are marked +SKIP; they are documentation, not tests,
so they are left out of the run instead of being reported as skipped tests."""

import doctest


def pytest_collection_modifyitems(config, items):
    items[:] = [
        item for item in items
        if not (getattr(item, "dtest", None) is not None
                and all(example.options.get(doctest.SKIP) for example in item.dtest.examples))
    ]
