"""File names of downloads as an office files them (`客服部值班表-2026年12月.xlsx`), sent so that every browser keeps
the Chinese (RFC 6266 / 5987 `filename*`)."""

from __future__ import annotations

import re

from django.utils.http import content_disposition_header

UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')  # what Windows and the shells refuse in a file name


def file_name(*parts: str, extension: str) -> str:
    """The parts joined by hyphens, with characters no file system takes replaced: `file_name("客服部值班表",
    "2026年12月", extension="xlsx")` → `客服部值班表-2026年12月.xlsx`."""
    stem = "-".join(UNSAFE.sub("_", part).strip() for part in parts if part)
    return f"{stem}.{extension}"


def disposition(name: str, *, inline: bool = False) -> str:
    """The Content-Disposition header for a download called `name` (`inline` shows it in the browser)."""
    header = content_disposition_header(not inline, name)
    assert header is not None
    return header
