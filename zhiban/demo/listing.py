"""The demo account list as `zhiban demo` prints it: username, password, roles, and TOTP where needed."""

from __future__ import annotations

from zhiban.demo.plan import AccountPlan, DemoPlan

WARNING = "These demo passwords and TOTP secrets are public: never load the demo into a real installation."


def format_account(account: AccountPlan) -> list[str]:
    who = " · ".join(part for part in (account.person_name, account.unit, account.title) if part)
    lines = [f"  {account.username:<26} {account.password:<28} {who}"]
    if account.admin_role:
        lines.append(f"      administrator role: {account.admin_role}")
    if account.roles:
        lines.append(f"      roles: {', '.join(str(role) for role in account.roles)}")
    if account.needs_second_factor:
        lines.append(f"      TOTP secret (base32): {account.totp_base32}")
        lines.append(f"      TOTP URI: {account.otpauth_uri}")
    return lines


def format_accounts(plan: DemoPlan) -> str:
    lines = ["Demo accounts (username, password, person · unit · title)", WARNING]
    for organisation in plan.organisations:
        lines += ["", f"{organisation.name}  (policy pack {organisation.pack})"]
        for account in organisation.accounts:
            lines += format_account(account)
    lines += ["", "Administrators (三员分立: system, security and audit are three separate accounts)"]
    for account in plan.administrators:
        lines += format_account(account)
    return "\n".join(lines) + "\n"
