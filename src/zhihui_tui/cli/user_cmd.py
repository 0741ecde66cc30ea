"""``zhihui user``: staff accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from zhihui_tui.cli.common import fail, one_line_errors, print_json, ready

app = typer.Typer(help="账号管理", no_args_is_help=True)


def _read_password() -> str:
    """From the terminal (asked twice) or, for scripts, the first line of stdin."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = str(typer.prompt("密码", hide_input=True))
    second = str(typer.prompt("再次输入密码", hide_input=True))
    if first != second:
        fail("两次输入的密码不一致")
    return first


@app.command("add")
@one_line_errors
def add(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="登录名")],
    name: Annotated[str, typer.Option("--name", help="姓名")],
    role: Annotated[list[str], typer.Option("--role", help="角色代码或岗位名，可重复")],
    team: Annotated[str | None, typer.Option("--team", help="fast（快执）或 intensive（精执）")] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="judge（员额法官）/ enforcement_officer（执行员）/ clerk（书记员）")
    ] = None,
    office_phone: Annotated[str | None, typer.Option("--office-phone", help="办公座机")] = None,
    mobile: Annotated[str | None, typer.Option("--mobile", help="手机（接待岗不可见）")] = None,
) -> None:
    """创建账号；密码从终端读取（两次），或从标准输入的第一行读取。"""
    from zhihui_tui.domain.phones import normalize_landline, normalize_mobile
    from zhihui_tui.domain.roles import Role, Team, Title, parse_labelled
    from zhihui_tui.services.accounts import NewStaff, add_staff, system_actor

    roles = tuple(Role.parse(r) for r in role)
    if Role.SYSTEM in roles:
        fail("不能创建批处理服务账号角色")
    new = NewStaff(
        login=login,
        name=name,
        roles=roles,
        password=_read_password(),
        team=parse_labelled(Team, team, "团队") if team else None,
        title=parse_labelled(Title, title, "职务") if title else None,
        office_phone=normalize_landline(office_phone) if office_phone else None,
        mobile=normalize_mobile(mobile) if mobile else None,
    )
    with ready(ctx) as rt:
        add_staff(rt.engine, new, actor=system_actor(rt.engine), clock=rt.clock)
    typer.echo(f"已创建账号 {login}（{name}，{'、'.join(r.label for r in roles)}）")


@app.command("list")
@one_line_errors
def list_(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出账号及其角色。"""
    from zhihui_tui.services.accounts import list_staff, system_actor

    with ready(ctx) as rt:
        staff = list_staff(ctx=rt.context(system_actor(rt.engine)))
    if as_json:
        print_json([{"login": s.login, "name": s.name, "roles": sorted(r.value for r in s.roles)} for s in staff])
        return
    for s in staff:
        typer.echo(f"{s.login:<16}{s.name}\t{'、'.join(r.label for r in sorted(s.roles))}")
