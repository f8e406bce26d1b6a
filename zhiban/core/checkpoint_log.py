"""The audit checkpoint log: an append-only file, outside the database, of the heads the audit chain reached.

One JSON object per line, never rewritten:

    {"v": 1, "database": "adb_…", "sequence": 42, "hash": "<64 hex>", "at": "2026-11-28T01:30:00+00:00",
     "by": "commit", "mac": "<64 hex>"}

- `database` names the database whose chain it is (`AuditChainHead.database_identity`);
- `sequence` and `hash` are the head: the number of events and the last event's hash;
- `by` says who wrote it: `commit` (every audited transaction, right after it committed), `checkpoint` (the
  worker or `zhiban audit checkpoint`, after verifying the whole chain) or `new-database` (an administrator's
  `zhiban audit checkpoint --new-database`: this database takes over a log begun by another);
- `mac` is HMAC-SHA256, keyed by the audit key, over the other fields, so an edited line is detected.

A file of the old single-checkpoint format (one JSON object `{"sequence", "hash", "written_at"}`) is read as
the log's first entry, unsigned and naming no database; lines appended after it are ordinary log lines.

The database that wrote the log's first line owns it; another database's lines count only after a
`new-database` line adopts it. Pure Python: the caller passes the key and the database it verifies.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

FORMAT_VERSION = 1
COMMIT, CHECKPOINT, NEW_DATABASE, LEGACY = "commit", "checkpoint", "new-database", "legacy"
WRITTEN_KINDS = (COMMIT, CHECKPOINT, NEW_DATABASE)
# Kinds written only after the whole chain was verified (the legacy file was written without verifying,
# but it is what verify compared the chain against before the log existed).
VERIFIED_KINDS = (CHECKPOINT, NEW_DATABASE, LEGACY)
_MAC_CONTEXT = b"zhiban audit checkpoint log v1\n"
_HASH = re.compile(r"[0-9a-f]{64}")


class LogDamaged(Exception):
    """A line of the log was edited, forged or is unreadable; the message names the file and the line."""


@dataclass(frozen=True)
class Entry:
    """One line of the log (or the old single checkpoint, `by == "legacy"`, which names no database)."""

    database: str | None
    sequence: int
    hash: str
    at: str
    by: str
    path: Path
    line: int

    def describe(self) -> str:
        where = f"{self.path}, line {self.line}"
        if self.by == LEGACY:
            return f"#{self.sequence} (the old single checkpoint written at {self.at}, {where})"
        return f"#{self.sequence} ({self.by} at {self.at}, {where})"


@dataclass(eq=False)
class LogSummary:
    """What one log file says about one database (`own`), and enough about the others to name them."""

    path: Path
    database: str | None
    exists: bool = False
    lines: int = 0
    owner: str | None = None
    adopted: set[str] = field(default_factory=set)
    legacy: Entry | None = None
    own_newest: Entry | None = None
    own_first: Entry | None = None
    own_lines: int = 0
    own_verified: dict[int, Entry] = field(default_factory=dict)
    others_newest: dict[str, Entry] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.legacy is None and self.lines == 0

    def owns(self, database: str | None) -> bool:
        """The log may be checked against this database: it began it, adopted it, or names no database yet."""
        if self.owner is None:
            return True
        return database is not None and (database == self.owner or database in self.adopted)

    def own_entries(self) -> list[Entry]:
        """Entries to check the database's chain against: its lines, and the legacy checkpoint if it is the owner."""
        entries = list(self.own_verified.values())
        if self.own_newest is not None:
            entries.append(self.own_newest)
        if self.legacy is not None and (self.owner is None or self.owner == self.database):
            entries.append(self.legacy)
        return entries

    def owner_newest(self) -> Entry | None:
        if self.owner is None:
            return self.legacy
        return self.own_newest if self.owner == self.database else self.others_newest.get(self.owner)


def _body(*, database: str, sequence: int, digest: str, at: str, by: str) -> dict[str, Any]:
    return {"v": FORMAT_VERSION, "database": database, "sequence": sequence, "hash": digest, "at": at, "by": by}


def _mac(key: bytes, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(key, _MAC_CONTEXT + canonical, hashlib.sha256).hexdigest()


def format_line(key: bytes, *, database: str, sequence: int, digest: str, at: str, by: str) -> str:
    """The line to append (without its newline)."""
    if by not in WRITTEN_KINDS:
        raise ValueError(f"unknown checkpoint kind {by!r}")
    body = _body(database=database, sequence=sequence, digest=digest, at=at, by=by)
    return json.dumps({**body, "mac": _mac(key, body)}, ensure_ascii=False, separators=(",", ":"))


def append(path: Path, line: str, *, durable: bool) -> None:
    """Append one line under an exclusive lock; `durable` waits until it is on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as log:
        fcntl.flock(log, fcntl.LOCK_EX)
        try:
            end = log.seek(0, os.SEEK_END)
            separator = b""
            if end:
                log.seek(end - 1)
                if log.read(1) != b"\n":
                    separator = _end_unfinished_line(log)
            log.write(separator + line.encode() + b"\n")
            log.flush()
            if durable:
                os.fsync(log.fileno())
        finally:
            fcntl.flock(log, fcntl.LOCK_UN)


def _end_unfinished_line(log: IO[bytes]) -> bytes:
    """The file does not end with a newline: it is the old single checkpoint (keep it, start a new line), or
    a line a crash cut short (drop it: it was never complete, and left in place it would read as an edit)."""
    log.seek(0)
    content = log.read()
    text = content.decode("utf-8", errors="replace")
    legacy, offset = _legacy_entry(text, Path("?"))
    if legacy is not None and not text[offset:].strip():
        return b"\n"
    start = content.rfind(b"\n") + 1
    if _is_json(content[start:].decode("utf-8", errors="replace")):
        return b"\n"
    log.truncate(start)
    return b""


def _legacy_entry(text: str, path: Path) -> tuple[Entry | None, int]:
    """The old single-checkpoint object at the start of the file, and where the log lines after it begin."""
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return None, 0
    try:
        data, end = json.JSONDecoder().raw_decode(stripped)
    except json.JSONDecodeError:
        return None, 0
    if not isinstance(data, dict) or "mac" in data or "sequence" not in data:
        return None, 0
    try:
        sequence, digest = int(data["sequence"]), str(data["hash"])
    except (KeyError, TypeError, ValueError) as error:
        raise LogDamaged(f"{path}: the old single checkpoint at its start is unreadable ({error})") from None
    entry = Entry(None, sequence, digest, str(data.get("written_at", "an unknown time")), LEGACY, path, 1)
    offset = len(text) - len(stripped) + end
    return entry, offset


def _parse_line(key: bytes, raw: str, path: Path, number: int) -> Entry:
    where = f"{path}, line {number}"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        raise LogDamaged(f"{where} is not a checkpoint line (unreadable): the log was edited") from None
    if not isinstance(data, dict) or data.get("v") != FORMAT_VERSION:
        raise LogDamaged(f"{where} is not a version {FORMAT_VERSION} checkpoint line: the log was edited")
    try:
        body = _body(
            database=data["database"], sequence=data["sequence"], digest=data["hash"], at=data["at"], by=data["by"]
        )
        mac = data["mac"]
    except KeyError as missing:
        raise LogDamaged(f"{where} lacks its {missing} field: the log was edited") from None
    if set(data) != {*body, "mac"}:
        raise LogDamaged(f"{where} has fields a checkpoint line does not have: the log was edited")
    if not isinstance(mac, str) or not hmac.compare_digest(_mac(key, body), mac):
        raise LogDamaged(f"{where} was edited or forged (its MAC does not match the audit key)")
    if (
        not isinstance(body["database"], str)
        or not isinstance(body["sequence"], int)
        or body["sequence"] < 0
        or not isinstance(body["hash"], str)
        or not _HASH.fullmatch(body["hash"])
        or body["by"] not in WRITTEN_KINDS
    ):
        raise LogDamaged(f"{where} is signed but malformed")
    return Entry(body["database"], body["sequence"], body["hash"], str(body["at"]), body["by"], path, number)


def read(path: Path, key: bytes, database: str | None) -> LogSummary:
    """Check every line's MAC and summarise the log for `database`; raises LogDamaged naming the bad line."""
    summary = LogSummary(path=path, database=database)
    if not path.exists():
        return summary
    summary.exists = True
    text = path.read_bytes().decode("utf-8", errors="replace")
    summary.legacy, offset = _legacy_entry(text, path)
    first_line = text.count("\n", 0, offset) + 1
    rest = text[offset:]
    lines = rest.split("\n")
    for index, raw in enumerate(lines):
        number = first_line + index
        if not raw.strip():
            continue
        if index == len(lines) - 1 and not _is_json(raw):
            continue  # the last line, unreadable and without its newline: a write cut short by a crash
        _count(summary, _parse_line(key, raw, path, number))
    return summary


def _is_json(raw: str) -> bool:
    try:
        json.loads(raw)
    except json.JSONDecodeError:
        return False
    return True


def _count(summary: LogSummary, entry: Entry) -> None:
    summary.lines += 1
    assert entry.database is not None
    if summary.owner is None:
        summary.owner = entry.database
    if entry.by == NEW_DATABASE:
        summary.adopted.add(entry.database)
    if entry.database != summary.database:
        newest = summary.others_newest.get(entry.database)
        if newest is None or entry.sequence >= newest.sequence:
            summary.others_newest[entry.database] = entry
        return
    summary.own_lines += 1
    if summary.own_first is None:
        summary.own_first = entry
    if summary.own_newest is None or entry.sequence >= summary.own_newest.sequence:
        summary.own_newest = entry
    if entry.by in VERIFIED_KINDS:
        known = summary.own_verified.get(entry.sequence)
        if known is not None and known.hash != entry.hash:
            raise LogDamaged(
                f"{entry.path} records two different hashes for #{entry.sequence} of database {entry.database} "
                f"(lines {known.line} and {entry.line})"
            )
        summary.own_verified[entry.sequence] = entry
