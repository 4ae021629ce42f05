"""The dependency rule of DESIGN.md §3, read from the source.

Layers from the bottom: ``lib``; ``audit`` and ``limits``; ``people``; ``cases``; ``reports``;
then ``channels``, ``office``, ``transparency`` and ``attendance`` side by side;
``ops`` (health, metrics, the scheduler, backup and restore) on top of them all.
(DESIGN.md puts ``audit`` and ``people`` side by side; ``people`` records
sign-ins in the audit trail, so ``audit`` is the lower of the two.)
An app imports only from layers below its own (and from itself); nothing
imports ``office``; ``channels`` never imports ``cases``; ``lib`` imports no
app. The site shell (``tipoff/views.py``, ``middleware.py``) imports no app
either, so any app may use it; ``settings``, ``urls``, ``api`` and ``wsgi``
sit on top and may import anything.

Every ``import`` and ``from … import`` is read with ``ast`` — including those
inside functions, which a lazy import would otherwise hide.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "tipoff"

LAYER = {
    "lib": 0,
    "views": 0,
    "middleware": 0,
    "audit": 1,
    "limits": 1,
    "people": 2,
    "cases": 3,
    "reports": 4,
    "channels": 5,
    "office": 5,
    "transparency": 5,
    "attendance": 5,
    "ops": 6,
}
TOP = {"settings", "urls", "api", "wsgi", "__init__"}
FORBIDDEN = {("channels", "cases")}


def _owner(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".py")


def _imported_apps(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "tipoff":
                names = [f"tipoff.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "tipoff" and len(parts) > 1:
                found.add((parts[1], node.lineno))
    return found


def _sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts)


def violations() -> list[str]:
    problems = []
    for path in _sources():
        owner = _owner(path)
        if owner in TOP:
            continue
        assert owner in LAYER, f"{path}: add the app '{owner}' to the layer table"
        for target, line in _imported_apps(path):
            if target == owner:
                continue
            rel = path.relative_to(ROOT.parent)
            if target in TOP:
                problems.append(f"{rel}:{line} imports the top-level module tipoff.{target}")
            elif target == "office":
                problems.append(f"{rel}:{line} imports office (nothing may)")
            elif (owner, target) in FORBIDDEN:
                problems.append(f"{rel}:{line}: {owner} must not import {target}")
            elif LAYER[target] >= LAYER[owner]:
                problems.append(
                    f"{rel}:{line}: {owner} (layer {LAYER[owner]}) imports "
                    f"{target} (layer {LAYER[target]})"
                )
    return problems


def test_imports_only_point_down():
    assert violations() == []


@pytest.mark.parametrize(
    ("owner", "source", "expected"),
    [
        ("cases", "from tipoff.reports.models import Report", "cases (layer 3) imports reports"),
        ("channels", "import tipoff.cases.selectors", "channels must not import cases"),
        ("reports", "def f():\n    from tipoff.office import views", "imports office"),
        ("lib", "from tipoff import people", "lib (layer 0) imports people"),
    ],
)
def test_the_rule_catches_an_upward_import(tmp_path, monkeypatch, owner, source, expected):
    fake_root = tmp_path / "tipoff"
    (fake_root / owner).mkdir(parents=True)
    (fake_root / owner / "bad.py").write_text(source + "\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", fake_root)
    found = violations()
    assert any(expected in problem for problem in found), found
