"""Reading a year's official arrangement from CSV (`date,kind,name`, UTF-8, a BOM is fine).

Every problem is collected and reported with its row and column; CAL-01 then validates the rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from zhiban.policy.engine import RuleCitation
from zhiban.policy.findings import Finding, Severity
from zhiban.policy.rules import cal_01
from zhiban.policy.rules.cal_01 import ArrangementRow, OfficialArrangement

HEADER = ("date", "kind", "name")
HEADER_ZH = ("日期", "类型", "名称")
MAX_BYTES = 256 * 1024


class ArrangementInvalid(Exception):
    """The file cannot be imported; `findings` names every problem by row and column.

    A file that cannot be read at all (its encoding, header or columns) has no `citation`; rows the rule engine
    refused (CAL-01 `official_arrangement_valid`) carry the citation of the rule that refused them: rule, pack,
    clause and policy version."""

    def __init__(self, findings: Sequence[Finding], citation: RuleCitation | None = None) -> None:
        super().__init__("\n".join(finding.message_en for finding in findings))
        self.findings = list(findings)
        self.citation = citation

    def messages(self, chinese: bool) -> list[str]:
        return [finding.message_zh if chinese else finding.message_en for finding in self.findings]

    def citation_line(self, chinese: bool) -> str:
        """The refusing rule's citation line (`CAL-01 … (bureau · P3 二.2 · 策略版本 1)`); "" for an unreadable file."""
        return self.citation.line("zh" if chinese else "en") if self.citation is not None else ""


def _problem(row: int | None, column: str | None, zh: str, en: str) -> Finding:
    where_zh = f"第{row}行：" if row else ""
    where_en = f"row {row}: " if row else ""
    if column:
        where_zh = f"第{row}行 {column} 列："
        where_en = f"row {row}, column {column}: "
    return Finding(cal_01.RULE_ID, Severity.ENFORCE, where_zh + zh, where_en + en, {"row": row, "column": column})


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ArrangementInvalid(
            [
                _problem(
                    None,
                    None,
                    f"文件过大（超过{MAX_BYTES // 1024} KB）",
                    f"the file is larger than {MAX_BYTES // 1024} KB",
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise ArrangementInvalid(
            [
                _problem(
                    row,
                    None,
                    f"文件不是 UTF-8 编码（第{error.start + 1}字节 0x{byte:02x}）；请另存为“CSV UTF-8”",
                    f"the file is not UTF-8 (byte 0x{byte:02x} at offset {error.start}); save it as CSV UTF-8",
                )
            ]
        ) from None


def _cells(record: list[str]) -> list[str]:
    cells = [cell.strip() for cell in record]
    while len(cells) > len(HEADER) and not cells[-1]:
        cells.pop()  # spreadsheets add empty trailing columns
    return cells


def read_arrangement(data: bytes, *, year: int | None = None) -> OfficialArrangement:
    """The rows of the file for `year` (or the year of its first date); ArrangementInvalid on any
    problem of the file itself. The rows still go through `cal_01.official_arrangement_valid`."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Finding] = []
    rows: list[ArrangementRow] = []
    header_seen = False
    try:
        for record in reader:
            line = reader.line_num
            cells = _cells(record)
            if not any(cells):
                continue
            if not header_seen:
                header_seen = True
                names = tuple(cell.lower() for cell in cells)
                if names not in (HEADER, HEADER_ZH):
                    problems.append(
                        _problem(
                            line,
                            None,
                            f"第一行须为表头 date,kind,name，实际为“{','.join(cells)}”",
                            f"the first row must be the header date,kind,name, not {','.join(cells)!r}",
                        )
                    )
                    break
                continue
            if len(cells) != len(HEADER):
                problems.append(
                    _problem(
                        line,
                        None,
                        f"应有3列（date,kind,name），实际{len(cells)}列",
                        f"expected 3 columns (date,kind,name), found {len(cells)}",
                    )
                )
                continue
            rows.append(ArrangementRow(line=line, date=cells[0], kind=cells[1], name=cells[2]))
    except csv.Error as error:
        problems.append(_problem(reader.line_num, None, f"CSV 格式错误：{error}", f"malformed CSV: {error}"))
    if not header_seen and not problems:
        problems.append(
            _problem(1, None, "文件为空，缺少表头 date,kind,name", "the file is empty: no date,kind,name header")
        )
    if problems:
        raise ArrangementInvalid(problems)
    if year is None:
        first = next((day for row in rows if (day := cal_01.parse_date(row.date)) is not None), None)
        if first is None:
            raise ArrangementInvalid(
                [_problem(None, None, "文件中没有有效日期，无法确定年份", "no valid date in the file to tell its year")]
            )
        year = first.year
    return OfficialArrangement(year=year, rows=tuple(rows))
