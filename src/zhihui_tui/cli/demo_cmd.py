"""``zhihui demo``: create or upgrade the database and load the demo court (staff for every post, cases in every
stage). Running it again changes nothing and prints where to sign in again."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from zhihui_tui.cli.common import one_line_errors, print_json, ready, runtime

if TYPE_CHECKING:
    from zhihui_tui.demo import DemoLogin


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _shown_url(url: str) -> str:
    """The --db URL to repeat in the start hint, without a password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


@one_line_errors
def demo(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """载入演示数据：各岗位人员和处于各个阶段的案件（只能载入新建的空数据库；重复运行不会重复载入）。"""
    from zhihui_tui.db.migrate import upgrade
    from zhihui_tui.demo import load_demo

    rt = runtime(ctx)
    if sys.stderr.isatty():
        typer.echo("正在创建数据库并载入演示数据（约半分钟）……", err=True)
    upgrade(rt.engine, backup_dir=rt.data_dir / "backups")
    with ready(ctx) as rt:
        summary = load_demo(rt.engine, clock=rt.clock, calendar=rt.calendar, court_code=rt.court.court_code)
    if as_json:
        print_json(
            {
                "loaded": summary.loaded,
                "cases": summary.case_count,
                "stages": summary.stage_counts,
                "password": summary.password,
                "logins": [{"login": s.login, "name": s.name, "post": s.post} for s in summary.logins],
            }
        )
        return
    if summary.loaded:
        stages = "、".join(f"{label} {n}" for label, n in summary.stage_counts.items())
        typer.echo(f"已载入演示数据：{len(summary.logins)} 个账号，{summary.case_count} 件案件（{stages}）")
    else:
        typer.echo(f"演示数据已存在（{summary.case_count} 件案件），未重复载入")
    typer.echo("")
    start = f"zhihui --db {_shown_url(db)}" if (db := ctx.find_root().params.get("db")) else "zhihui"
    for line in sign_in_lines(summary.logins, summary.password, start):
        typer.echo(line)


def sign_in_lines(logins: Sequence[DemoLogin], password: str, start: str) -> list[str]:
    """Where to sign in: the command, one account per post (login, name, post, password) and the rest by login."""
    first: dict[str, DemoLogin] = {}
    for login in logins:
        first.setdefault(login.post, login)
    shown = set(first.values())
    others = [login.login for login in logins if login not in shown]
    rows = [(s.login, s.name, s.post, password) for s in first.values()]
    lines = [f"启动终端界面并登录：{start}", ""]
    lines += _table([("登录名", "姓名", "岗位", "密码"), *rows])
    lines.append("")
    if others:
        lines.append(f"同岗位的其他账号（密码相同）：{'、'.join(others)}")
    lines.append("全部账号及其角色：zhihui user list")
    return lines
