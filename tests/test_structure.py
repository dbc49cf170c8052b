"""The package shows the pipeline, and data flows one way through it.

sources -> combine -> analysis -> render -> outputs -> products -> project -> cli, on top of the shared
foundation (errors, texts, settings, progress, atomic). A module may import its own stage, earlier
stages and the foundation, never a later stage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sociale_kaart

PACKAGE = Path(sociale_kaart.__file__).parent
ORDER = ["foundation", "sources", "combine", "analysis", "render", "outputs", "products", "project", "api", "cli"]
FOUNDATION = {"errors", "texts", "settings", "reporter", "atomic", "__init__"}


def stage_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] in ("sources", "combine", "analysis", "render"):
        return parts[0]
    if parts[0] in FOUNDATION:
        return "foundation"
    if parts[0] == "__main__":  # python -m sociale_kaart: the command line
        return "cli"
    return parts[0]


def imports(path: Path) -> list[str]:
    """Package-internal modules imported by `path`, as dotted names relative to the package."""
    return imports_in(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).with_suffix("").parts[:-1])


def imports_in(source: str, here: tuple[str, ...]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - (node.level - 1)])
                target = base + (node.module.split(".") if node.module else [])
                if node.module is None:
                    found += [".".join(target + [alias.name]) for alias in node.names]
                else:
                    found.append(".".join(target))
            elif node.module and node.module.startswith("sociale_kaart."):
                found.append(node.module.removeprefix("sociale_kaart."))
    return [f for f in found if f]


def test_every_import_goes_to_the_same_or_an_earlier_stage():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        mine = stage_of(".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        for target in imports(path):
            theirs = stage_of(target)
            if ORDER.index(theirs) > ORDER.index(mine):
                wrong.append(f"{path.relative_to(PACKAGE)} ({mine}) imports {target} ({theirs})")
    assert wrong == []


def test_the_stage_check_sees_a_backward_import():
    """The check above can fail: a render import inside analysis is found, relative or absolute."""
    source = "from ..render.static import new_figure\nfrom sociale_kaart.products import make\nfrom . import neighbours\n"
    found = imports_in(source, ("analysis",))
    assert found == ["render.static", "products", "analysis.neighbours"]
    assert [ORDER.index(stage_of(f)) > ORDER.index("analysis") for f in found] == [True, True, False]


def test_no_dataframe_attrs_and_no_helper_process():
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if "attrs[" in p.read_text(encoding="utf-8")
                 or ".attrs." in p.read_text(encoding="utf-8")]
    assert offenders == []
    assert not (PACKAGE / "_helper.py").exists()


def test_analysis_reads_no_files_and_draws_nothing():
    for path in (PACKAGE / "analysis").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for banned in ("matplotlib", "to_file", "to_csv", "open(", "savefig", "write_text"):
            assert banned not in text, f"{path.name} uses {banned}"


def test_one_exception_family():
    from sociale_kaart.errors import InputError, NetworkError, SocialeKaartError

    assert issubclass(InputError, SocialeKaartError) and issubclass(NetworkError, SocialeKaartError)
    defined = [p.name for p in PACKAGE.rglob("*.py") if p.name != "errors.py"
               and any(isinstance(n, ast.ClassDef) and any(getattr(b, "id", "").endswith(("Error", "Exception"))
                                                           for b in n.bases)
                       for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))]
    assert defined == []


def test_the_tests_mirror_the_stages():
    """A test folder per stage of the package, and no test module left beside them but the whole-run ones."""
    tests = Path(__file__).parent
    folders = {p.name for p in tests.iterdir() if p.is_dir() and p.name not in ("data", "__pycache__")}
    assert folders <= set(ORDER) and {"sources", "combine", "analysis", "render"} <= folders
    loose = {p.stem for p in tests.glob("test_*.py")}
    assert loose == {"test_structure", "test_suite", "test_trust"}  # the package as a whole
