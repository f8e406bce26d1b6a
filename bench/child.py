"""Run a benchmark's Django script in a child process on a fresh SQLite file; its last stdout line is JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def run_child(script: str) -> dict[str, Any]:
    """`script` runs with the project's settings on a throwaway SQLite database; returns what it printed last."""
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zhiban.config.settings",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "ZHIBAN_VAR_DIR": str(tmp / "var"),
            "ZHIBAN_AUDIT_KEY": "bench-key",
            "SECRET_KEY": "bench-secret",
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
        }
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
