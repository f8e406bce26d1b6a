"""`zhiban/core` is the bottom layer (docs/ARCHITECTURE.md "Layers"): its modules, tests aside, import only the
standard library, Django, third-party packages and `zhiban.core` itself — never an app above it (accounts, org,
notify, roster, …, config, demo). What core needs from above comes through registries the upper apps fill in their
`AppConfig.ready()` (core/access.py, core/home.py, core/audit_alerts.py).

The walk reads every `import` and `from … import` with `ast`, inside functions too, resolves relative imports, and
also reads the module names passed as strings to `import_module`, `import_string`, `__import__` and `include`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ZHIBAN = Path(__file__).resolve().parent.parent / "zhiban"
CORE = ZHIBAN / "core"
STRING_IMPORTERS = {"import_module", "import_string", "__import__", "include"}


def core_modules() -> list[Path]:
    return sorted(p for p in CORE.rglob("*.py") if "tests" not in p.relative_to(CORE).parts)


def _package_of(path: Path) -> list[str]:
    """The package a module's relative imports start from: its folder, as a dotted name split into parts."""
    return ["zhiban", *path.relative_to(ZHIBAN).parent.parts]


def imported_modules(source: str, path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the source, as `path` would resolve it."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package_of(path)
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names if module == "zhiban"]
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            first = node.args[0] if node.args else None
            if name in STRING_IMPORTERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, first.value))
    return found


def above_core(module: str) -> bool:
    """A zhiban module that is not zhiban.core or inside it (`zhiban` alone counts: it reaches everything)."""
    parts = module.split(".")
    return parts[0] == "zhiban" and parts[1:2] != ["core"]


def violations(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    rel = path.relative_to(ZHIBAN.parent)
    return [f"{rel}:{line}: imports {module}" for line, module in imported_modules(source, path) if above_core(module)]


def test_the_walk_sees_core() -> None:
    names = {p.relative_to(CORE).as_posix() for p in core_modules()}
    assert {"audit.py", "views.py", "urls.py", "management/commands/run.py"} <= names
    assert not any(name.startswith("tests/") for name in names)


def test_core_imports_nothing_above_it() -> None:
    found = [v for path in core_modules() for v in violations(path)]
    assert not found, "zhiban/core imports apps above it:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "from zhiban.roster import views",
        "import zhiban.accounts.models",
        "from zhiban import org",
        "def f():\n    from zhiban.notify.services import notify",
        "from .... import roster",
        "from ....demo.loader import load_demo",
        "import_module('zhiban.leave.jobs')",
        "path('', include('zhiban.roster.board_urls'))",
    ],
)
def test_the_walk_catches_each_way_of_importing_an_app_above(source: str) -> None:
    path = CORE / "management" / "commands" / "example.py"
    assert any(above_core(module) for _, module in imported_modules(source, path)), source


@pytest.mark.parametrize(
    "source",
    [
        "from zhiban.core import audit",
        "import zhiban.core.clock",
        "from . import clock",
        "from ... import jobs",
        "from django.db import models",
        "import_module(name)",
    ],
)
def test_the_walk_lets_core_django_and_the_rest_through(source: str) -> None:
    path = CORE / "management" / "commands" / "example.py"
    assert not any(above_core(module) for _, module in imported_modules(source, path)), source
