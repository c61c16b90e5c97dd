"""Imports point one way: cli -> webapp -> parks -> geo. Checked by parsing every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "geo": {"parks", "webapp", "cli", "flask", "folium"},
    "parks": {"webapp", "cli", "flask", "folium"},
    "webapp": {"cli"},
}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_one_way(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"package {package} has no modules"
    bad = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in sorted(_imported_roots(path) & FORBIDDEN[package])
    ]
    assert not bad, "\n".join(bad)


def test_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import flask\nfrom webapp.maps import build_map\n", encoding="utf-8")
    assert _imported_roots(module) >= {"flask", "webapp"}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_runtime_never_imports_the_build_pipeline() -> None:
    runtime = [
        path
        for package in ("geo", "parks", "webapp")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "build" not in path.relative_to(ROOT).parts
    ]
    assert runtime
    bad = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in runtime
        for name in sorted(_imported_modules(path))
        if name == "parks.build" or name.startswith("parks.build.")
    ]
    assert not bad, "\n".join(bad)


def test_build_checker_sees_a_build_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from parks.build.outlines import derive_outline\n", encoding="utf-8")
    assert "parks.build.outlines" in _imported_modules(module)
