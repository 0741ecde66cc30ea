"""What the filing pack needs to know about the court beyond its cases: the case-funds account and the summons.

Read from the environment once, at the edge (like ``settings.CourtSettings``). There is no default account:
a payment notice with a made-up account number would send a party's money astray, so a run without one stops.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from zhihui_tui.services.errors import ServiceError

TEMPLATE_DIR_ENV = "ZHIHUI_TEMPLATE_DIR"
TEMPLATES_SUBDIR = "templates"
DOCUMENTS_SUBDIR = "documents"

# env name → what the clerk is told is missing
_REQUIRED = {
    "ZHIHUI_FUNDS_ACCOUNT_NAME": "案款账户户名",
    "ZHIHUI_FUNDS_BANK": "案款账户开户行",
    "ZHIHUI_FUNDS_ACCOUNT_NUMBER": "案款账户账号",
    "ZHIHUI_COURT_ADDRESS": "传票应到处所（本院地址）",
}


@dataclass(frozen=True)
class DocumentSettings:
    """The court's own facts that documents print: its name, funds account and address."""

    court_name: str
    funds_account_name: str
    funds_bank: str
    funds_account_number: str
    court_address: str
    court_phone: str = ""
    summons_days: int = 15  # the summons names a day this many days after the pack (R-TIME-1 counting)
    summons_hour: int = 9

    @classmethod
    def from_env(cls, court_name: str) -> DocumentSettings:
        """Every required value from its variable; the first run without them names them all."""
        missing = [f"{label}（{name}）" for name, label in _REQUIRED.items() if not os.environ.get(name, "").strip()]
        if missing:
            raise ServiceError("未配置送达文书所需的本院信息：" + "、".join(missing) + "；请在运行环境中设置后重试")
        days = os.environ.get("ZHIHUI_SUMMONS_DAYS", "15").strip()
        if not days.isdigit() or not 1 <= int(days) <= 90:
            raise ServiceError(f"ZHIHUI_SUMMONS_DAYS 应为 1 至 90 的整数，实际为“{days}”")
        return cls(
            court_name=court_name,
            funds_account_name=os.environ["ZHIHUI_FUNDS_ACCOUNT_NAME"].strip(),
            funds_bank=os.environ["ZHIHUI_FUNDS_BANK"].strip(),
            funds_account_number=os.environ["ZHIHUI_FUNDS_ACCOUNT_NUMBER"].strip(),
            court_address=os.environ["ZHIHUI_COURT_ADDRESS"].strip(),
            court_phone=os.environ.get("ZHIHUI_COURT_PHONE", "").strip(),
            summons_days=int(days),
        )


def template_folders(data_dir: Path, given: Path | None) -> tuple[Path, ...]:
    """Court template folders, first match wins per file: ``--templates DIR``, else ``$ZHIHUI_TEMPLATE_DIR``, else
    ``<data_dir>/templates``; the packaged templates come after all of them. A folder named explicitly must exist."""
    if given is not None:
        if not given.is_dir():
            raise ServiceError(f"模板目录不存在：{given}")
        return (given,)
    env = os.environ.get(TEMPLATE_DIR_ENV, "").strip()
    if env:
        folder = Path(env)
        if not folder.is_dir():
            raise ServiceError(f"模板目录不存在：{folder}（环境变量 {TEMPLATE_DIR_ENV}）")
        return (folder,)
    default = data_dir / TEMPLATES_SUBDIR
    return (default,) if default.is_dir() else ()
