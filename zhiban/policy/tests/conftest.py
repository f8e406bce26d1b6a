"""Helpers for policy tests: a copy of the shipped packs in tmp_path that a test may break."""

import shutil
from pathlib import Path

import pytest

from zhiban.policy.packs import PACKS_DIR


@pytest.fixture
def packs_copy(tmp_path: Path) -> Path:
    """A copy of the five shipped packs; tests edit the copy, never the real files."""
    target = tmp_path / "packs"
    shutil.copytree(PACKS_DIR, target)
    return target


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
