"""Shared fixtures: the real CBS data in ../shared/geodata, read by path, never copied."""

from __future__ import annotations

import csv
import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SOCIALE_KAART_SHARED", ROOT.parent / "shared" / "geodata"))


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """No test may touch the network: recorded responses only."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "cbs").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the shared CBS data at {SHARED} (set SOCIALE_KAART_SHARED)")
        pytest.skip(f"real CBS data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def buurten_2016(shared) -> Path:
    return shared / "cbs" / "wijkenbuurten_2016_land.gpkg"


@pytest.fixture(scope="session")
def kwb_2024(shared) -> Path:
    return shared / "kwb" / "kwb_2024_buurten_rijnmond.csv"


@pytest.fixture(scope="session")
def kwb_rows(kwb_2024) -> dict[str, dict[str, str]]:
    """The raw KWB CSV, read with the csv module (independently of the package), by buurtcode."""
    with open(kwb_2024, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return {row["Codering_3"].strip(): row for row in rows}


def raw_number(row: dict[str, str], column: str) -> float | None:
    text = row[column].strip()
    return None if text in ("", ".") else float(text)
