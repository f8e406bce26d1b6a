"""Rule modules: one Django-free module per rule ID of REQUIREMENTS.md (ARCHITECTURE idea 1).

The module protocol
-------------------
A rule lives in ``zhiban/policy/rules/<area>_<nn>.py`` — ``org_03.py`` for ORG-03, ``cal_02.py``
for CAL-02 — and imports nothing from Django or the database. It defines:

``RULE_ID``
    The rule ID exactly as in REQUIREMENTS.md: ``RULE_ID = "ORG-03"``. The file name must match it.

Facts
    Frozen dataclasses of plain values (strings, numbers, dates, tuples) that its checks read. The
    domain service that asks the engine builds them from its models, e.g.
    ``DutyCandidate(person_name="王五", person_kind="guard", capacity="duty_staff")``.

Checks
    Functions ``check(facts: SomeFacts, params: Mapping[str, Any]) -> list[Finding]``
    (``Finding`` and ``Severity`` from ``zhiban.policy.findings``). The annotation of the first
    parameter names the facts type (a real class; string annotations are resolved): the engine
    hands each check only the facts that are instances of that type, so one evaluation can carry
    facts for several rules. ``params`` holds the rule's parameters as the live policy resolves
    them — int, float, bool and str as they are, ``time`` as ``datetime.time``, ``duration`` as
    ``datetime.timedelta``, ``list[str]`` as a tuple, ``enum`` as str. Read every number from
    ``params``; never hard-code one. Return ``[]`` when all is well. A check is pure: no database,
    no clock (anything like "now" comes in the facts).

``CHECKS``
    ``CHECKS = {"outsider_never_on_duty": outsider_never_on_duty}`` — check name → function. The
    names are the ones packs use in ``[[rules.checks]] name = "…"``; ``zhiban policy validate``
    reports a pack check with no function here.

A finding's severity is what the check would do by default; the engine replaces it with the
severity the pack declares for that check (enforce / warn / record / remind / report) and attaches
the citation: rule ID, pack, source clause, zh + en text, policy version and a stable code
``<RULE_ID>.<check name>``.

A rule that shapes rosters also defines its solver form, ``shape(roster: RosterFacts, params) -> Shape``
(``zhiban.policy.shaping``): the constraints its checks will demand, as parts of the solver's problem, which
generation assembles. A rule that reads another rule's parameter names it in ``BORROWS = {"min_rest":
"ROS-01"}``; the engine passes it with the rule's own parameters. Nothing needs registering:
``zhiban.policy.registry`` finds every module of this package by ``RULE_ID``. Test a rule with a test whose
name holds the rule ID (``test_org_03_…``), at its limit and just past it.

Minimal example::

    RULE_ID = "ORG-03"

    @dataclass(frozen=True)
    class DutyCandidate:
        person_name: str
        person_kind: str

    def outsider_never_on_duty(facts: DutyCandidate, params: Mapping[str, Any]) -> list[Finding]:
        if facts.person_kind in params["allowed_person_kinds"]:
            return []
        return [Finding(RULE_ID, Severity.ENFORCE, f"{facts.person_name}不得担任值班人员", "...")]

    CHECKS = {"outsider_never_on_duty": outsider_never_on_duty}
"""
