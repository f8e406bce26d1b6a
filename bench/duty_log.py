"""The duty log at 1,000,000 entries (issue 12): insert throughput and Chinese search, on SQLite and on PostgreSQL.

A fresh database (a new SQLite file; a new database on the PostgreSQL server in DATABASE_URL) gets an organisation
of six units with one 24-hour duty shift each per day over three and a half years, and a log of ENTRIES entries
spread over those shifts: calls, visitors, meeting notices (a tenth of them urgent), documents and telegrams, sealed
letters, inspections and notes, their Chinese drawn from duty-office phrases, place names, units, people's names and
phone numbers (`Corpus`), about one entry in two hundred a correction of an earlier one. Every entry carries the
`search_text` / `search_terms` the product computes (`zhiban.duty.search.normalise` / `index_terms`).

Measured:
- insert throughput in bulk: a day's entries at a time, their terms computed in Python, then `bulk_create` in one
  transaction with the indexes kept up as the rows go in (what loading the million costs);
- insert throughput through the product's write path, `zhiban.duty.services.log_write` (rule check, row, index,
  audit event; one transaction each): SERVICE_SAMPLE entries, written once the million are in;
- the log page's search as the page runs it (`zhiban.duty.views._log_filtered` and `log`):
  `search.search(selectors.log_list(user=…), q)`, newest first, the first PAGE rows and what the page shows of them,
  in one operation as a request is; for a secretariat clerk who sees the whole log and for an officer of one station,
  who sees their department and the shifts they were on. Each query runs once untimed, then REPEAT times: p50 / p95
  (nearest rank) against TARGET_P95_MS, beside the time to fetch the same rows by id (the floor: what showing the
  page costs without finding it). Every page is compared row for row with the plain definition (the phrase in
  `search_text`; digits beginning a number).

Writes `bench/results/duty_log.json` and `.md` with the machine noted. Commands: `make bench` (everything),
`.venv/bin/python -m bench duty_log`, or scaled down `scripts/with-postgres.sh .venv/bin/python -m bench.duty_log
--entries 100000 --out /tmp/duty_log` (DUTY_LOG_ENTRIES=100000 for `make bench`). `--keep` leaves the loaded
databases and prints their URLs; `--reuse URL …` measures the queries again on them, without loading.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.foundation import RESULTS, machine

REPO = Path(__file__).resolve().parent.parent
ENTRIES = int(os.environ.get("DUTY_LOG_ENTRIES", 1_000_000))
SERVICE_SAMPLE = 2000
REPEAT = 30
PAGE = 100  # zhiban.duty.views.PAGE
TARGET_P95_MS = 100
BATCH = 1000  # rows per INSERT
DAYS = 1278  # three and a half years of shifts, ending the day before the run
SEED = 12
UNSEARCHED_REPEAT = 5  # the page without a query: the permission filter alone, slow on SQLite (see the results)
OFFICER = "D0017"  # the first officer of 城南分局: the station officer who searches

# (label, query): what the issue asks for, and a rare place and the beginning of a mobile number.
QUERIES = [
    ("1 char", "火"),
    ("1 char", "电"),
    ("1 char", "水"),
    ("2 chars", "停电"),
    ("2 chars", "火灾"),
    ("2 chars", "值班"),
    ("2 chars", "会议"),
    ("4 chars", "城南停电"),
    ("4 chars", "紧急会议"),
    ("rare", "鹭鸶湾"),
    ("phone prefix", "13905"),
]


# ---------------------------------------------------------------- the log's Chinese


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class Corpus:
    """Log entries as a duty office writes them, drawn from its phrases with a fixed seed."""

    PLACES = _words(
        "城南 城北 城东 城西 东湖 西山 南屿 北岸 滨江 开发区 高新区 老城区 新区 江北 港区 "
        "工业园 火车站 汽车站 人民广场 中山路 解放路 建设路 和平街 文化路 长江路 黄河路 学院路 "
        "体育场 市民中心 青龙镇 白沙镇 石桥镇 柳塘村 杨家村 河口村 水口乡 花园小区 幸福小区 "
        "阳光小区 滨河小区"
    )
    RARE_PLACE = "鹭鸶湾"  # one call in ~40,000
    EVENTS = _words(
        "停电 停水 火灾 交通事故 道路积水 燃气泄漏 山体滑坡 树木倒伏 路灯不亮 水管爆裂 电梯困人 "
        "噪声扰民 群体上访 网络故障 通信中断 雨水倒灌 塌方 冰雪封路 危化品车辆侧翻 房屋漏雨 "
        "供暖不足 污水外溢"
    )
    DETAILS = (
        "",
        "",
        "，现场有人员围观",
        "，暂无人员伤亡",
        "，影响周边居民出行",
        "，约两小时",
        "，请求派员查看",
        "，已持续半天",
        "，群众情绪激动",
        "，附近学校受影响",
        "，变电站正在抢修",
        "，消防车已到场",
    )
    CALLER_UNITS = _words(
        "市应急管理局 市公安局 市消防救援支队 国网供电公司 市水务集团 市燃气公司 区政府办公室 "
        "街道办事处 市气象局 市卫生健康委 市交通运输局 市城管局 市住建局 市生态环境局 省政府办公厅 "
        "市委办公室 市政府总值班室 区应急管理局 社区居委会 市信访局 市防汛抗旱指挥部 市自然资源局"
    )
    SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌玉兰海燕辉鹏飞宇浩然欣怡子涵"
    TITLES = ("科长", "主任", "处长", "同志", "师傅", "副局长", "值班员", "所长", "书记", "经理")
    HANDLING = (
        "已报带班领导",
        "已报带班领导，按领导指示通知相关部门处置",
        "已通知相关部门到场处置",
        "已转办公室办理",
        "已电话回复来电人",
        "已登记备查",
        "已通知供电公司抢修",
        "已通知消防救援支队",
        "已报市政府总值班室",
        "已通知属地街道核实情况并反馈",
        "已向值班领导报告，持续跟踪",
        "已答复，群众表示满意",
    )
    ISSUES = (
        "反映",
        "咨询",
        "投诉",
        "求助",
        "举报",
    )
    TOPICS = _words(
        "防汛 安全生产 森林防火 疫情防控 信访维稳 节假日值班 应急演练 消防安全 交通安全 城市管理 "
        "燃气安全 防台风 冬季供暖 食品安全 环境保护 值班值守 重大活动保障 地质灾害防治"
    )
    ROOMS = ("一号会议室", "二号会议室", "三楼会议室", "五楼小会议室", "市民中心报告厅", "应急指挥中心", "视频会议室")
    ATTENDEES = (
        "各处室负责人",
        "全体值班人员",
        "分管领导及相关处室负责人",
        "各分局局长",
        "办公室全体人员",
        "应急管理处全体人员",
        "各站负责人",
    )
    REQUIREMENTS = (
        "",
        "请准时参加，不得缺席",
        "请携带相关材料",
        "请提前十分钟到场签到",
        "因故不能参加的须向主要领导请假",
        "请做好汇报准备",
    )
    SENDERS = _words(
        "省政府办公厅 省委办公厅 市委办公室 市政府办公室 市应急管理局 市防汛抗旱指挥部 "
        "市安委会办公室 省应急管理厅 市公安局 市气象局 市卫生健康委"
    )
    DOC_PREFIXES = ("浙政办发", "市委办", "市政办", "应急发", "防指", "安委办", "公通字")
    DOC_VERBS = ("做好", "加强", "开展", "进一步做好", "切实做好", "部署")
    CLASSIFICATIONS = ("机密★10年", "秘密★5年", "绝密★20年", "限时：当日送达", "限时：两小时内送达", "秘密")
    INSPECTORS = ("市政府总值班室", "省应急管理厅", "市委办公室", "市应急管理局", "局办公室")
    METHODS = ("电话抽查", "实地检查", "视频抽查", "电话抽查值班在岗情况")
    FINDINGS = (
        "值班人员在岗，值班记录完整",
        "值班人员在岗在位，交接班记录规范",
        "电话接听及时，值班日志填写完整",
        "值班室设施完好，通讯畅通",
        "发现值班记录填写不全，已当场整改",
    )
    NOTES = (
        "值班室空调故障，已报后勤维修",
        "值班电话线路检修，临时改用备用电话",
        "夜间巡查一次，未发现异常",
        "接气象台暴雨预警，已转发各单位",
        "接台风预警，已通知各分局做好防范",
        "值班车辆加油，里程已登记",
        "办公楼门禁故障，已通知物业",
        "凌晨停电约半小时，备用电源正常",
        "水管漏水，已关闭阀门并报维修",
        "收到快递两件，已登记",
    )
    MOBILE_PREFIXES = _words(
        "130 131 132 133 135 136 137 138 139 150 151 152 "
        "153 155 156 157 158 159 166 177 180 181 182 183 "
        "185 186 187 188 189 198 199"
    )

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, items: tuple[str, ...] | list[str] | str) -> str:
        return items[self.rng.randrange(len(items))]

    def person(self) -> str:
        r = self.rng
        return self.pick(self.SURNAMES) + "".join(self.pick(self.GIVEN) for _ in range(r.choice((1, 2))))

    def phone(self) -> str:
        r = self.rng
        if r.random() < 0.7:
            return self.pick(self.MOBILE_PREFIXES) + f"{r.randrange(10**8):08d}"
        return f"0571-8{r.randrange(10**7):07d}"

    def place(self) -> str:
        return self.RARE_PLACE if self.rng.random() < 1 / 40_000 else self.pick(self.PLACES)

    def happening(self) -> str:
        place, event = self.place(), self.pick(self.EVENTS)
        return self.pick((f"{place}{event}", f"{place}发生{event}", f"{place}附近{event}")) + self.pick(self.DETAILS)

    def entry(self, year: int) -> tuple[str, dict[str, str], bool]:
        """(kind, fields, urgent) of one entry."""
        r = self.rng
        kind = r.choices(
            ("call", "visitor", "meeting", "document", "sealed_letter", "inspection", "note"),
            weights=(45, 10, 15, 14, 3, 5, 8),
        )[0]
        if kind == "call":
            caller = self.person() + self.pick(self.TITLES)
            fields = {
                "caller_unit": self.pick(self.CALLER_UNITS),
                "caller_name": caller,
                "phone": self.phone(),
                "content": self.happening(),
                "handling": self.pick(self.HANDLING),
            }
            return kind, fields, False
        if kind == "visitor":
            name = self.person() if r.random() < 0.7 else ""
            content = f"{name or '群众'}来访{self.pick(self.ISSUES)}{self.happening()}问题"
            return kind, {"visitor_name": name, "content": content, "handling": self.pick(self.HANDLING)}, False
        if kind == "meeting":
            urgent = r.random() < 0.1
            name = f"{self.pick(self.TOPICS)}{'紧急' if urgent else '工作'}会议"
            when = f"{r.randrange(1, 13)}月{r.randrange(1, 29)}日{self.pick(('上午', '下午'))}{r.randrange(1, 12)}时"
            fields = {
                "meeting_name": name,
                "meeting_time": when,
                "place": self.pick(self.ROOMS),
                "attendees": self.pick(self.ATTENDEES),
                "requirements": self.pick(self.REQUIREMENTS),
            }
            return kind, fields, urgent
        if kind == "document":
            fields = {
                "sender": self.pick(self.SENDERS),
                "doc_number": f"{self.pick(self.DOC_PREFIXES)}〔{year}〕{r.randrange(1, 300)}号",
                "title": f"关于{self.pick(self.DOC_VERBS)}{year}年{self.pick(self.TOPICS)}工作的通知",
                "handling": self.pick(("已原封保管，上班时呈送领导", "已呈送带班领导", "已按要求转送办公室")),
            }
            return kind, fields, False
        if kind == "sealed_letter":
            fields = {
                "sender": self.pick(self.SENDERS),
                "register_number": f"机-{year}-{r.randrange(1, 2000)}",
                "classification": self.pick(self.CLASSIFICATIONS),
            }
            return kind, fields, False
        if kind == "inspection":
            fields = {
                "inspector": f"{self.pick(self.INSPECTORS)}{self.person()}",
                "method": self.pick(self.METHODS),
                "content": self.pick(self.FINDINGS),
            }
            return kind, fields, False
        handling = self.pick(("", "已处理", "已报带班领导"))
        return kind, {"content": self.pick(self.NOTES), "handling": handling}, False


# ---------------------------------------------------------------- the child: load, write, search


UNITS = (("办公室", 6), ("应急管理处", 3), ("城南分局", 2), ("城北分局", 2), ("东湖分局", 1), ("西山分局", 1))


@dataclass(frozen=True)
class Organisation:
    top: Any
    units: list[Any]
    weights: list[int]
    staff: dict[int, list[Any]]  # unit pk -> persons with users
    shift_type: Any


def _org() -> Organisation:
    from zhiban.accounts.models import User
    from zhiban.org import services as org
    from zhiban.org.models import Role
    from zhiban.roster import services as roster

    top = org.unit_create(actor=None, name="基准局", kind="organisation", policy_pack="bureau")
    units = [org.unit_create(actor=None, name=name, kind="department", parent=top) for name, _ in UNITS]
    staff: dict[int, list[Any]] = {}
    number = 0
    for unit in units:
        staff[unit.pk] = []
        for _ in range(8):
            number += 1
            person = org.person_create(
                actor=None, unit=unit, employee_number=f"D{number:04d}", name=f"值班员{number}", kind="staff"
            )
            person.user = User.objects.create(username=f"duty{number}")
            person.save(update_fields=["user"])
            staff[unit.pk].append(person)
    clerk = org.person_create(actor=None, unit=top, employee_number="D9001", name="秘书", kind="staff")
    clerk.user = User.objects.create(username="clerk")
    clerk.save(update_fields=["user"])
    org.role_assign(actor=None, person=clerk, role=Role.SECRETARIAT, unit=top)
    (shift_type,) = roster.roster_setup_from_pack(actor=None, organisation=top)
    return Organisation(
        top=top,
        units=units,
        weights=[w for _, w in UNITS],
        staff=staff,
        shift_type=shift_type,
    )


def _shifts(org: Organisation, first: dt.date, days: int) -> dict[tuple[int, dt.date], Any]:
    """One closed 24-hour shift per unit and day from 08:30, with its officer's attendance."""
    from zhiban.core import clock
    from zhiban.duty.models import Attendance, DutyShift

    tz = clock.local_tz()
    rows = []
    for unit in org.units:
        for n in range(days):
            day = first + dt.timedelta(days=n)
            starts = dt.datetime.combine(day, dt.time(8, 30), tzinfo=tz)
            rows.append(
                DutyShift(
                    unit=unit,
                    date=day,
                    shift_type=org.shift_type,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(days=1),
                    status=DutyShift.Status.CLOSED,
                    closed_at=starts + dt.timedelta(days=1),
                )
            )
    DutyShift.objects.bulk_create(rows, batch_size=2000)
    shifts = {(s.unit_id, s.date): s for s in DutyShift.objects.all()}
    attendances = [
        Attendance(
            shift=shift,
            person=org.staff[unit_pk][day.toordinal() % 8],
            post="duty_officer",
            checked_in_at=shift.starts_at,
            checked_out_at=shift.ends_at,
        )
        for (unit_pk, day), shift in shifts.items()
    ]
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    return shifts


def _search_text(kind: str, fields: dict[str, str]) -> str:
    """What `zhiban.duty.services._write_entry` stores: the kind's name and every field, normalised."""
    from zhiban.duty import search
    from zhiban.policy.rules import ops_03

    return search.normalise(" ".join([ops_03.KINDS[kind].zh, *fields.values()]))


def _load(org: Organisation, shifts: dict[tuple[int, dt.date], Any], count: int, first: dt.date) -> dict[str, Any]:
    """`count` entries in time order over the shifts, in bulk; returns the throughput."""
    from django.db import transaction

    from zhiban.duty import search
    from zhiban.duty.models import LogEntry

    corpus = Corpus(SEED)
    rng = random.Random(SEED + 1)
    written = 0
    compute_s = insert_s = 0.0
    recent: list[LogEntry] = []  # entries a later correction may amend
    started = time.perf_counter()
    for day in range(DAYS):
        quota = round(count * (day + 1) / DAYS) - written
        date = first + dt.timedelta(days=day)
        t = time.perf_counter()
        batch: list[LogEntry] = []
        moments = sorted(rng.random() for _ in range(quota))
        for fraction in moments:
            unit = rng.choices(org.units, weights=org.weights)[0]
            shift = shifts[(unit.pk, date)]
            occurred = shift.starts_at + dt.timedelta(seconds=int(fraction * 86_000))
            recorded = occurred + dt.timedelta(seconds=rng.randrange(30, 1800))
            officer = org.staff[unit.pk][date.toordinal() % 8].user
            amends = None
            if recent and rng.random() < 0.005:
                amends = recent[rng.randrange(len(recent))]
                kind, fields, urgent = amends.kind, dict(amends.fields), amends.urgent
                if "phone" in fields:
                    fields["phone"] = corpus.phone()
                else:
                    fields[next(iter(fields))] += "（更正）"
                occurred, shift, unit = amends.occurred_at, amends.shift, amends.unit
            else:
                kind, fields, urgent = corpus.entry(date.year)
            text = _search_text(kind, fields)
            batch.append(
                LogEntry(
                    shift=shift,
                    unit=unit,
                    kind=kind,
                    occurred_at=occurred,
                    fields=fields,
                    urgent=urgent,
                    search_text=text,
                    search_terms=search.index_terms(text),
                    amends=amends,
                    amend_reason="记录有误，予以更正" if amends else "",
                    recorded_by=officer,
                    recorded_at=recorded,
                )
            )
        compute_s += time.perf_counter() - t
        t = time.perf_counter()
        with transaction.atomic():
            LogEntry.objects.bulk_create(batch, batch_size=BATCH)
        insert_s += time.perf_counter() - t
        recent = [e for e in batch if e.amends_id is None][-200:]
        written += len(batch)
    elapsed = time.perf_counter() - started
    return {
        "entries": written,
        "bulk_entries_per_s": round(written / elapsed),
        "bulk_total_s": round(elapsed, 1),
        "bulk_terms_compute_s": round(compute_s, 1),
        "bulk_insert_s": round(insert_s, 1),
        "bulk_insert_only_entries_per_s": round(written / insert_s),
    }


def _service_writes(org: Organisation, count: int) -> dict[str, Any]:
    """`count` entries through `services.log_write` by the officer on today's open shift of the office."""
    from zhiban.core import clock
    from zhiban.duty import services
    from zhiban.duty.models import Attendance, DutyShift

    now = clock.now()
    unit = org.units[0]
    shift = DutyShift.objects.create(
        unit=unit,
        date=clock.today(),
        shift_type=org.shift_type,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=23),
        status=DutyShift.Status.OPEN,
    )
    officer = org.staff[unit.pk][0]
    Attendance.objects.create(shift=shift, person=officer, post="duty_officer", checked_in_at=shift.starts_at)
    corpus = Corpus(SEED + 2)
    entries = [corpus.entry(now.year) for _ in range(count)]
    started = time.perf_counter()
    for kind, fields, urgent in entries:
        services.log_write(actor=officer.user, shift=shift, kind=kind, fields=fields, urgent=urgent)
    elapsed = time.perf_counter() - started
    return {"service_entries": count, "service_entries_per_s": round(count / elapsed, 1)}


def _settle() -> dict[str, Any]:
    """What a database settles into after a bulk load: its statistics (PostgreSQL: VACUUM ANALYZE, as autovacuum
    would; SQLite: ANALYZE). FTS5 is left to merge its segments as it goes, as in use."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return {"settle_s": round(time.perf_counter() - started, 1)}


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def _rows(entries: Any) -> list[Any]:
    """The page's rows of `entries` and what the template reads of them (`views.log`, `duty/log.html`)."""
    rows = list(
        entries.select_related("shift__unit", "shift__shift_type", "recorded_by__person").order_by(
            "-occurred_at", "-id"
        )[:PAGE]
    )
    for row in rows:
        _ = (row.shift.unit.name, row.shift.shift_type.name, row.recorded_by and row.recorded_by.person.name)
    return rows


def _page(user: Any, query: str) -> list[Any]:
    """The log page's rows for `query` (`views._log_filtered` and `views.log`), in one operation as a request is."""
    from zhiban.core import operations
    from zhiban.duty import search, selectors

    with operations.operation():
        entries = selectors.log_list(user=user)
        if query:
            entries = search.search(entries, query)
        return _rows(entries)


def _fetch(ids: list[int]) -> list[Any]:
    """The same rows fetched by id: what showing a page costs without finding it."""
    from zhiban.duty.models import LogEntry

    return _rows(LogEntry.objects.filter(id__in=ids))


def _plain(user: Any, query: str) -> tuple[list[int], int]:
    """The page's ids and the number of matches by the plain definition, without the index: the phrase in the
    entry's text, or for digits a number beginning with them."""
    from zhiban.duty import search, selectors

    query = search.normalise(query)
    found = selectors.log_list(user=user)
    if query.isdigit():
        found = found.filter(search_text__regex=rf"(^|[^0-9a-z]){query}")
    elif query:
        found = found.filter(search_text__contains=query)
    ids = list(found.order_by("-occurred_at", "-id").values_list("id", flat=True)[:PAGE])
    return ids, found.count()


def _timed(run: Any, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def _queries(users: dict[str, Any], queries: list[tuple[str, str]], repeat: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runs = []
    for reader, user in users.items():
        for label, query in queries:
            expected, matches = _plain(user, query)
            with CaptureQueriesContext(connection) as statements:
                got = [row.id for row in _page(user, query)]
            times = repeat if query else min(repeat, UNSEARCHED_REPEAT)
            samples, fetch = [], []
            for _ in range(times):  # in turns, so that both see the same load
                samples += _timed(lambda user=user, query=query: _page(user, query), 1)
                fetch += _timed(lambda got=got: _fetch(got), 1)
            p95 = _percentile(samples, 0.95)
            run = {
                "database": connection.vendor,
                "reader": reader,
                "kind": label,
                "query": query,
                "matches": matches,
                "rows": len(got),
                "correct": got == expected,
                "statements": len(statements.captured_queries),
                "runs": times,
                "p50_ms": round(_percentile(samples, 0.5), 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(max(samples), 1),
                "fetch_p50_ms": round(_percentile(fetch, 0.5), 1),
                "fetch_p95_ms": round(_percentile(fetch, 0.95), 1),
                "meets_target": p95 <= TARGET_P95_MS,
            }
            print(json.dumps(run, ensure_ascii=False), file=sys.stderr, flush=True)
            runs.append(run)
    return runs


def _users() -> dict[str, Any]:
    from zhiban.accounts.models import User

    officer = User.objects.get(person__employee_number=OFFICER)
    return {"secretariat (whole log)": User.objects.get(username="clerk"), "station officer": officer}


def _query_list() -> list[tuple[str, str]]:
    """QUERIES, the page unsearched, and the first year of the log (in document numbers and titles of that year
    only: many matches, all of them old)."""
    from zhiban.duty.models import LogEntry

    first = LogEntry.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    old = [("old only", str(first.year))] if first else []
    return [("unsearched", ""), *QUERIES, *old]


def _calibration() -> float:
    """ms for a plain Python loop of 2,000,000 additions (~30 ms on an idle recent x86 core): how fast the machine
    ran the benchmark."""
    t = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i
    return round((time.perf_counter() - t) * 1000, 1)


def _versions() -> dict[str, Any]:
    """The database's version and the settings that bear on the figures."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            found: dict[str, Any] = {"postgresql": cursor.fetchone()[0]}
            names = (
                "shared_buffers",
                "work_mem",
                "fsync",
                "synchronous_commit",
                "jit",
                "max_parallel_workers_per_gather",
            )
            for name in names:
                cursor.execute(f"SHOW {name}")
                found[name] = cursor.fetchone()[0]
            return found
        cursor.execute("SELECT sqlite_version()")
        found = {"sqlite": cursor.fetchone()[0]}
        for name in ("journal_mode", "synchronous", "cache_size"):
            cursor.execute(f"PRAGMA {name}")
            found[name] = cursor.fetchone()[0]
        return found


def _sizes() -> dict[str, Any]:
    """MB on disk: the log's table and its indexes (PostgreSQL), the whole file (SQLite)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_relation_size('duty_logentry'), pg_indexes_size('duty_logentry'), "
                "pg_relation_size('duty_log_terms_gin'), pg_relation_size('duty_log_time_idx')"
            )
            table, indexes, gin, time_index = cursor.fetchone()
            return {
                "table_mb": round(table / 2**20),
                "indexes_mb": round(indexes / 2**20),
                "gin_mb": round(gin / 2**20),
                "time_index_mb": round(time_index / 2**20),
            }
        cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        return {"file_mb": round(cursor.fetchone()[0] / 2**20)}


def child(argv: list[str]) -> None:
    """`load COUNT SERVICE REPEAT` (fresh database: load, write, settle, search) or `query REPEAT` (search only)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from zhiban.core import clock
    from zhiban.duty.models import LogEntry

    call_command("migrate", verbosity=0)
    out: dict[str, Any] = {"database": connection.vendor, **_versions()}
    if argv[0] == "load":
        count, service, repeat = int(argv[1]), int(argv[2]), int(argv[3])
        org = _org()
        first = clock.today() - dt.timedelta(days=DAYS)
        t = time.perf_counter()
        shifts = _shifts(org, first, DAYS)
        out["shifts"] = len(shifts)
        out["shifts_s"] = round(time.perf_counter() - t, 1)
        out |= _load(org, shifts, count, first)
        out |= _service_writes(org, service)
        out |= _settle()
    else:
        repeat = int(argv[1])
    out["log_entries"] = LogEntry.objects.count()
    out["size"] = _sizes()
    out["load_average_before_queries"] = [round(x, 2) for x in os.getloadavg()]
    out["python_loop_ms_before_queries"] = _calibration()
    out["queries"] = _queries(_users(), _query_list(), repeat) if repeat else []
    out["load_average_after_queries"] = [round(x, 2) for x in os.getloadavg()]
    out["python_loop_ms_after_queries"] = _calibration()
    print(json.dumps(out, ensure_ascii=False))


# ---------------------------------------------------------------- the parent: one child per database


@contextmanager
def _database(kind: str, tmp: Path, keep: bool) -> Iterator[str]:
    """A fresh database: a new SQLite file, or a new database on the PostgreSQL server in DATABASE_URL."""
    if kind == "sqlite":
        path = (Path(tempfile.mkdtemp(prefix="duty-log-")) if keep else tmp) / "duty_log.sqlite3"
        yield f"sqlite:///{path}"
        return
    import psycopg

    server = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not server.scheme.startswith("postgres"):
        raise SystemExit("the duty log benchmark needs DATABASE_URL to name a PostgreSQL server (run `make bench`)")
    name = f"zhiban_duty_log_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(server._replace(path=f"/{name}"))
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_child(url: str, tmp: Path, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhiban.config.settings",
        "DATABASE_URL": url,
        "ZHIBAN_VAR_DIR": str(tmp / "var"),
        "ZHIBAN_AUDIT_KEY": "bench-key",
        "SECRET_KEY": "bench-secret",
        "DEBUG": "0",
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.duty_log", "child", *args], env=env, cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"duty log benchmark child {args} failed (its errors are above)")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _machine() -> dict[str, Any]:
    found: dict[str, Any] = dict(machine())
    models = [
        line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in line
    ]
    found["cpu"] = models[0] if models else platform.processor()
    found["python_sqlite"] = sqlite3.sqlite_version
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.duty_log", description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=ENTRIES)
    parser.add_argument("--service", type=int, default=SERVICE_SAMPLE, help="entries written through log_write")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed runs of each query")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=RESULTS / "duty_log", help="results prefix (.json and .md)")
    parser.add_argument("--keep", action="store_true", help="keep the loaded databases (their URLs are printed)")
    parser.add_argument("--reuse", nargs="+", default=[], help="database URLs loaded before: measure the queries only")
    parser.add_argument("--note", default="", help="a remark on this run for the results")
    options = parser.parse_args(argv)
    report: dict[str, Any] = {
        "benchmark": "duty_log",
        "machine": _machine(),
        "entries": options.entries,
        "repeat": options.repeat,
        "page": PAGE,
        "target_p95_ms": TARGET_P95_MS,
        "note": options.note,
        "runs": [],
    }
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        if options.reuse:
            for url in options.reuse:
                report["runs"].append(_run_child(url, tmp, "query", str(options.repeat)))
                _write(report, options.out)
        else:
            for kind in options.databases.split(","):
                with _database(kind, tmp, options.keep) as url:
                    args = ["load", str(options.entries), str(options.service), str(options.repeat)]
                    report["runs"].append(_run_child(url, tmp, *args))
                    if options.keep:
                        print(f"kept: {url}", file=sys.stderr)
                _write(report, options.out)
    print(_markdown(report))


def _write(report: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    out.with_suffix(".md").write_text(_markdown(report))


SETTINGS = (  # the database settings the results show
    "shared_buffers",
    "work_mem",
    "fsync",
    "synchronous_commit",
    "jit",
    "max_parallel_workers_per_gather",
    "journal_mode",
    "synchronous",
    "cache_size",
)

# What was tried, measured apart from this command on the same machine (1,000,000 entries, single runs).
HISTORY = """## What was tried

**Before (the search as committed in 4ac1163, migration 0002).** `search` filtered `id IN (SELECT … FTS5 MATCH / GIN
@@)` and the view sorted by time. Every query sorted all its matches (电: 666,858 of them) and, on SQLite, first
computed the reader's permission subquery (`pk IN (…)` of `selectors.log_list`) for the whole log. One run each,
first page of 100:

| reader | database | 电 | 火 | 停电 | 城南停电 | 鹭鸶湾 | 13905 |
|---|---|---|---|---|---|---|---|
| secretariat | SQLite | 11,953 ms | 4,976 | 4,226 | 3,544 | 3,745 | 4,128 |
| station officer | SQLite | 3,357 | 3,384 | 2,831 | 3,185 | 3,100 | 2,738 |
| secretariat | PostgreSQL | 2,924 | 2,740 | 2,174 | 979 | 824 | 1,954 |
| station officer | PostgreSQL | 8,479 | 2,341 | 2,291 | 897 | 749 | 1,664 |

**Tried on the way.**
- The permission filter as a correlated `EXISTS` (same rows): on SQLite it turns a rare word from ~1 s (100,000
  entries) into ~1 ms; kept (`search._correlated`).
- Walking a time index newest first, checking each entry: instant for common characters, a full scan for rare words
  and for words found only in old entries (the `old only` row: the first year of the log, 2.8 % of it); kept only
  within bounded slices.
- A correlated FTS5 probe per entry (`rowid = ? AND MATCH`): 10–15 s at 100,000 entries; dropped.
- Slices of time of fixed growth (1 day, ×4 …) on both databases: right, but on SQLite a rare word paid for every
  slice; replaced on SQLite by slices of n matches read from an FTS5 index whose rowid is the time key (0003).
- SQLite refusing the index for `(… IN (…)) = 1`: Django writes a boolean expression in WHERE that way; the search
  condition is now a lookup, which SQLite uses to drive the query.
- PostgreSQL left to its planner (GIN or the time index per slice): a phone prefix (estimated at 0.5 % of rows, 0.01 %
  in fact) and the `old only` word were walked for 34 s and 53 s, each entry's `to_tsvector` recomputed (~50 µs).
  Now a walk reads `search_terms` with LIKE, is bounded (WALK_MAX entries), and beyond it the GIN index is used and
  its matches sorted, never walked.

**Not fixed here (outside `search`).** The page without a query (`unsearched` rows) still filters by
`pk IN (subquery)`: on SQLite that subquery is computed for the whole log before the first row — 13–21 s for the
secretariat at a million entries, 3–4 s for an officer. `selectors.log_list` written with `Exists(...)` (what
`search._correlated` does) would make it as fast as on PostgreSQL, where the new time index serves it in ~30 ms.
"""


def _markdown(report: dict[str, Any]) -> str:
    machine_text = ", ".join(f"{k} {v}" for k, v in report["machine"].items())
    lines = [
        "# Duty log: insert throughput and Chinese search",
        "",
        f"Machine: {machine_text}.",
        f"Entries: {report['entries']:,} bulk-loaded (plus the `log_write` sample); each query run "
        f"{report['repeat']} times after one untimed run (the unsearched page at most {UNSEARCHED_REPEAT} times); "
        f"the log page's first {report['page']} rows, newest first, with what the page shows of them; target p95 ≤ "
        f"{report['target_p95_ms']} ms.",
        "Command: `make bench` (`.venv/bin/python -m bench duty_log`; scaled down: `--entries 100000`).",
        "",
        "Columns: `matches` — entries the reader may see that hold the query; `same` — the page equals the plain "
        "definition's (phrase in the text, digits beginning a number), row for row; `SQL` — statements per page; "
        "`p50` / `p95` / `max` — the page, ms; `fetch p50` — the same rows fetched by id, ms: what showing the page "
        "costs without finding it (the floor on this machine).",
        *(["", f"Note: {report['note']}"] if report["note"] else []),
        "",
    ]
    for run in report["runs"]:
        version = run.get("postgresql") or run.get("sqlite")
        settings = {k: v for k, v in run.items() if k in SETTINGS}
        lines += [
            f"## {run['database']} {version}",
            "",
            f"- settings: {', '.join(f'{k} {v}' for k, v in settings.items())}",
            f"- size: {', '.join(f'{k} {v}' for k, v in run.get('size', {}).items())}",
        ]
        if "bulk_entries_per_s" in run:
            lines += [
                f"- bulk load: {run['entries']:,} entries at {run['bulk_entries_per_s']:,}/s overall "
                f"({run['bulk_total_s']} s: entries made up and their terms computed in "
                f"{run['bulk_terms_compute_s']} s, rows inserted in {run['bulk_insert_s']} s = "
                f"{run['bulk_insert_only_entries_per_s']:,}/s)",
                f"- through `services.log_write`: {run['service_entries']:,} entries at "
                f"{run['service_entries_per_s']:,}/s (one transaction each: rule check, row, index, audit event)",
                f"- settling after the load (ANALYZE / VACUUM ANALYZE): {run['settle_s']} s",
            ]
        lines += [
            f"- entries in the log: {run['log_entries']:,}",
            f"- load average before / after the queries: {run.get('load_average_before_queries')} / "
            f"{run.get('load_average_after_queries')}; Python loop calibration "
            f"{run.get('python_loop_ms_before_queries')} / {run.get('python_loop_ms_after_queries')} ms",
            "",
            "| reader | kind | query | matches | rows | same | SQL | p50 | p95 | max | fetch p50 | p95 ≤ target |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for q in run["queries"]:
            lines.append(
                f"| {q['reader']} | {q['kind']} | {q['query'] or '—'} | {q['matches']:,} | {q['rows']} | "
                f"{'yes' if q['correct'] else 'NO'} | {q['statements']} | {q['p50_ms']} | {q['p95_ms']} | "
                f"{q['max_ms']} | {q['fetch_p50_ms']} | {'yes' if q['meets_target'] else 'no'} |"
            )
        lines.append("")
    return "\n".join([*lines, HISTORY])


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(sys.argv[2:])
    else:
        main(sys.argv[1:])
