"""PDF of the printable roster, rendered by Debian's headless chromium from the same HTML (ROS-06)."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from zhiban.roster.exports.printing import COLUMNS, MonthSheet

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_SECONDS = 60


class PdfRenderError(RuntimeError):
    """Chromium is missing, failed or took too long."""


def document_html(sheets: list[MonthSheet]) -> str:
    """The standalone print document (no site chrome), its style sheet linked as a local file."""
    css = finders.find("roster/print.css")
    css_href = Path(str(css)).resolve().as_uri() if css else ""
    return render_to_string("roster/print/document.html", {"sheets": sheets, "columns": COLUMNS, "css_href": css_href})


def render_pdf(html: str, *, chromium: str = CHROMIUM, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Print `html` to PDF with headless chromium (page size and margins from the CSS @page rule)."""
    with tempfile.TemporaryDirectory(prefix="zhiban-pdf-") as work:
        source = Path(work) / "roster.html"
        target = Path(work) / "roster.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(work) / 'profile'}",
            f"--crash-dumps-dir={work}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            # Its own process group, so a hung chromium is ended with all its helper processes.
            process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work, start_new_session=True
            )
        except (FileNotFoundError, PermissionError) as error:
            raise PdfRenderError(f"{chromium} is not installed") from error
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise PdfRenderError(f"chromium did not finish within {timeout:.0f} s") from error
        if not target.exists() or target.stat().st_size == 0:
            raise PdfRenderError("chromium produced no PDF")
        return target.read_bytes()
