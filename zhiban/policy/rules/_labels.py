"""Chinese and English names of unit kinds, person kinds and roles, for the messages of the ORG rules."""

UNIT_KINDS: dict[str, tuple[str, str]] = {
    "organisation": ("单位", "organisation"),
    "department": ("部门", "department"),
    "station": ("站", "station"),
    "team": ("班组", "team"),
}

PERSON_KINDS: dict[str, tuple[str, str]] = {
    "staff": ("本单位员工", "staff"),
    "guard": ("保安", "security guard"),
    "cleaner": ("保洁", "cleaner"),
    "contractor": ("外单位人员", "contractor / other organisation"),
    "other": ("其他人员", "other"),
}

ROLES: dict[str, tuple[str, str]] = {
    "duty_officer": ("值班人员", "duty officer"),
    "duty_leader": ("带班领导", "leader on duty"),
    "standby_driver": ("代班司机", "standby driver"),
    "secretariat": ("秘书处/综合科", "secretariat / general-affairs scheduler"),
    "department_head": ("处室负责人", "department head"),
    "station_head": ("站长", "station head"),
    "regional_leader": ("区域分管领导", "regional leader"),
    "team_lead": ("班长", "team lead"),
    "cs_director": ("客服部主任", "customer-service director"),
    "centre_director": ("客服中心主任", "centre director"),
    "qa_inspector": ("质检员", "QA inspector"),
    "confidential_clerk": ("机要员", "confidential clerk"),
    "secrecy_officer": ("兼职保密员", "part-time secrecy officer"),
    "safety_officer": ("兼职安全员", "part-time safety officer"),
    "vehicle_manager": ("车管人员", "vehicle manager"),
    "service_centre": ("服务中心", "logistics service centre"),
}


def zh(table: dict[str, tuple[str, str]], key: str | None) -> str:
    return table.get(key or "", (key or "—", key or "—"))[0]


def en(table: dict[str, tuple[str, str]], key: str | None) -> str:
    return table.get(key or "", (key or "—", key or "—"))[1]
