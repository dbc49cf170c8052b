"""The test suite itself: browser tests skip cleanly without Playwright, and fail loudly in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROWSER_TEST = "tests/api/test_api.py::test_explore_page_needs_no_network"  # a browser test on the bundled sample


def run_without_playwright(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess:
    blocked = tmp_path / "blocked"
    (blocked / "playwright").mkdir(parents=True)
    (blocked / "playwright" / "__init__.py").write_text('raise ImportError("Playwright is not installed here")\n')
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join([str(blocked), str(ROOT)])
    if ci:
        env["CI"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:randomly", BROWSER_TEST],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.traag
def test_browser_tests_skip_without_playwright(tmp_path):
    done = run_without_playwright(tmp_path, ci=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout and "Playwright not installed" in done.stdout
    assert "error" not in done.stdout.strip().splitlines()[-1]  # the summary line: skipped, not an error


@pytest.mark.traag
def test_browser_tests_fail_in_ci_without_playwright(tmp_path):
    done = run_without_playwright(tmp_path, ci=True)
    assert done.returncode != 0
    assert "CI needs Playwright" in done.stdout
