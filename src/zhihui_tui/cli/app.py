"""``zhihui``: the batch command contract of SPEC §5. Each command is a thin shell over a service."""

from __future__ import annotations

from typing import Annotated

import typer

from zhihui_tui.cli import (
    audit_cmd,
    backup_cmd,
    calendar_cmd,
    db_cmd,
    demo_cmd,
    docs_cmd,
    funds_cmd,
    import_cmd,
    ledger_cmd,
    stats_cmd,
    supervise_cmd,
    triage_cmd,
    user_cmd,
    zhongben_cmd,
)
from zhihui_tui.cli.common import fail
from zhihui_tui.cli.usage import ChineseUsageGroup
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.runtime import Runtime

app = typer.Typer(
    cls=ChineseUsageGroup,
    help="执行指挥中心实体化运行系统。不带子命令时启动终端界面（先登录）。",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
app.add_typer(db_cmd.app, name="db")
app.add_typer(user_cmd.app, name="user")
app.add_typer(calendar_cmd.app, name="calendar")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(ledger_cmd.app, name="ledger")
app.command("supervise")(supervise_cmd.supervise)
app.command("demo")(demo_cmd.demo)
app.add_typer(import_cmd.app, name="import")
app.command("backup")(backup_cmd.backup)
app.add_typer(triage_cmd.app, name="triage")
app.add_typer(docs_cmd.app, name="docs")
app.add_typer(funds_cmd.app, name="funds")
app.command("zhongben")(zhongben_cmd.zhongben)
app.add_typer(stats_cmd.app, name="stats")
import_cmd.app.command("receipts")(funds_cmd.receipts)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option("--db", help="数据库 URL（默认：环境变量 ZHIHUI_DATABASE_URL，否则 data/zhihui.db）")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="以指定时间运行：YYYY-MM-DDTHH:MM")] = None,
) -> None:
    try:
        ctx.obj = Runtime.from_options(db=db, as_of=as_of)
    except DomainError as error:
        fail(error.message, code=2)
    if ctx.invoked_subcommand is None:
        from zhihui_tui.tui.run import run_terminal_app

        raise typer.Exit(run_terminal_app(db=db, as_of=as_of))
