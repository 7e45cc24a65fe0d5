"""The architecture a newcomer sees in the tree holds: layers (lint-imports), one UI package, no cycles, thin pages.

The contracts live in pyproject.toml; a test here also breaks a copy of the tree on purpose and checks that
lint-imports then fails, so the contracts are known to bite.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_LINES = 400


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300)


def _product_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "narvaro").rglob("*.py"))]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_lint_imports_keeps_every_contract():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_contracts_fail_on_a_tree_that_breaks_them(tmp_path):
    """A copy of the tree with Streamlit in the core and a cycle in case work, as the tree once had."""
    for name in ("narvaro", "tools"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / "narvaro" / "core" / "db.py").open("a", encoding="utf-8") as fh:
        fh.write("\nimport streamlit  # noqa: E402,F401\n")
    with (tmp_path / "narvaro" / "casework" / "closing.py").open("a", encoding="utf-8") as fh:
        fh.write("\nfrom narvaro.casework import workflow  # noqa: E402,F401\n")
    with (tmp_path / "narvaro" / "core" / "models.py").open("a", encoding="utf-8") as fh:
        fh.write("\nfrom narvaro.reporting import suppression  # noqa: E402,F401\n")
    done = _lint(tmp_path)
    assert done.returncode != 0
    out = " ".join(done.stdout.split())  # lint-imports wraps long contract names
    assert "Only narvaro.ui talks to Streamlit (and plotly draws only there) BROKEN" in out
    assert "No import cycles between sibling modules or packages BROKEN" in out
    assert "which uses core BROKEN" in out
    assert "narvaro.core is not allowed to import narvaro.reporting" in out
    assert "narvaro.core.db -> streamlit" in out


def test_streamlit_is_imported_only_by_app_pages_and_the_ui_package():
    allowed = {ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "narvaro" / "ui").rglob("*.py")}
    offenders = [str(p.relative_to(ROOT)) for p in _product_files()
                 if p not in allowed and any(m.split(".")[0] == "streamlit" for m in _imported_modules(p))]
    assert offenders == []


def test_no_page_runs_a_query():
    """Pages read input, call a service and draw: no SQL, no session.exec, no query building."""
    database = {"sqlalchemy", "sqlmodel"}
    for page in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(page.read_text(encoding="utf-8"))
        assert not {m.split(".")[0] for m in _imported_modules(page)} & database, page.name
        calls = {node.func.attr for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
        assert not calls & {"exec", "execute", "scalars", "scalar", "query"}, page.name


@pytest.mark.parametrize("folder", ["narvaro", "tools"])
def test_no_module_is_over_400_lines(folder):
    """Small modules with one job. Generated migrations are data, not code, and are left out."""
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / folder).rglob("*.py")
            if "versions" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_exception_the_domain_raises_is_declared_in_one_module():
    """One error shape: exception classes live in narvaro/core/errors.py only."""
    classes = []
    for path in (ROOT / "narvaro").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and (b.id.endswith(("Error", "Exception")) or b.id in {"LookupError"})
                    for b in node.bases):
                classes.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert classes and all(c.startswith("narvaro/core/errors.py:") for c in classes), classes


def test_role_rules_are_written_only_in_permissions():
    """A role name compared with, passed as a role, or listed with other roles anywhere but permissions.py is a
    role rule outside its home. (The same words as a URL parameter or a JSON key are not roles.)"""
    roles = {"admin", "teamledare", "koordinator", "registrator", "lasare"}

    def is_role(node) -> bool:
        return isinstance(node, ast.Constant) and node.value in roles

    offenders = []
    for path in (ROOT / "narvaro").rglob("*.py"):
        if path.name == "permissions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            hit = (isinstance(node, ast.Compare) and any(map(is_role, [node.left, *node.comparators]))
                   or isinstance(node, ast.keyword) and node.arg == "role" and is_role(node.value)
                   or isinstance(node, (ast.Set, ast.Tuple, ast.List)) and sum(map(is_role, node.elts)) >= 2)
            if hit:
                offenders.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', getattr(node.value, 'lineno', 0))}")
    assert offenders == []
