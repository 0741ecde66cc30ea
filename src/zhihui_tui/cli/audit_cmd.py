"""``zhihui audit``: check the trail is complete and unaltered; seal its head into a log for cron."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import fail, one_line_errors, print_json, ready
from zhihui_tui.cli.runs import DryRunOption, dry_run_done

if TYPE_CHECKING:
    from zhihui_tui.services.audit import VerifyResult
    from zhihui_tui.services.context import Actor

app = typer.Typer(help="审计记录（全程留痕）", no_args_is_help=True)

# Nothing wrong was found, but something could not be checked (no key file, no seal log).
EXIT_INCOMPLETE = 3

LogOption = Annotated[
    Path | None,
    typer.Option("--log", metavar="FILE", help="封存日志（默认 $ZHIHUI_AUDIT_SEAL_LOG 或 数据目录/audit-seal.log）"),
]


def _checker() -> Actor:
    """The batch account as these commands act: not read from the staff table, which is among what they check."""
    from zhihui_tui.domain.roles import Role
    from zhihui_tui.services.accounts import SYSTEM_LOGIN
    from zhihui_tui.services.context import Actor

    return Actor(id=0, login=SYSTEM_LOGIN, name="审计核对", roles=frozenset({Role.SYSTEM}))


@app.command("verify")
@exclusive("audit verify")
@one_line_errors
def verify(ctx: typer.Context, log: LogOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """逐条核对审计记录的哈希链（含密钥签名）、链尾记录与封存日志。

    \b
    退出状态：
      0 全部核对无误；
      1 发现删除或篡改（指出第一条问题记录）；
      3 未发现问题，但有未能核对的部分（如找不到审计密钥文件或封存日志），逐行列出。
    """
    from zhihui_tui.services.audit import verify_trail

    with ready(ctx) as rt:
        result = verify_trail(ctx=rt.context(_checker()), seal_log=log)
    if as_json:
        print_json(_document(result))
    elif not result.ok:
        fail(f"审计记录校验失败：{result.reason}（此前 {result.checked} 条完好）")
    else:
        _print_passed(result)
    if not result.ok:
        raise typer.Exit(1)
    if result.unchecked:
        raise typer.Exit(EXIT_INCOMPLETE)


def _document(result: VerifyResult) -> dict[str, object]:
    return {
        "ok": result.ok,
        "complete": result.complete,
        "checked": result.checked,
        "bad_id": result.bad_id,
        "reason": result.reason,
        "seals_checked": result.seals_checked,
        "unchecked": list(result.unchecked),
        "notes": list(result.notes),
    }


def _print_passed(result: VerifyResult) -> None:
    """The verdict first, then one line per limit and per part that could not be checked."""
    seals = f"，{result.seals_checked} 条封存记录相符" if result.seals_checked else ""
    if result.unchecked:
        typer.echo(f"未发现问题，但核对不完整：共 {result.checked} 条，哈希链连续{seals}")
    else:
        typer.echo(f"审计记录完好：共 {result.checked} 条，哈希链连续{seals}")
    for note in result.notes:
        typer.echo(f"注意：{note}")
    for line in result.unchecked:
        typer.echo(f"未能核对：{line}")


@app.command("seal")
@exclusive("audit seal")
@one_line_errors
def seal(
    ctx: typer.Context,
    log: LogOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    dry_run: DryRunOption = False,
) -> None:
    """把审计链尾（时间、末条编号、末条哈希，并以审计密钥签名）追加到数据库之外的封存日志；供 cron 定时运行。"""
    from zhihui_tui.services.audit import seal_trail

    with ready(ctx) as rt:
        result = seal_trail(ctx=rt.context(_checker()), log=log, dry_run=dry_run)
    if dry_run:
        typer.echo(dry_run_done(f"将把审计链尾第 {result.last_id} 条（{result.last_hash[:16]}…）封存到 {result.log}"))
        return
    if as_json:
        print_json(
            {
                "log": str(result.log),
                "sealed_at": result.sealed_at,
                "last_id": result.last_id,
                "last_hash": result.last_hash,
                "keyed_from": result.keyed_from,
            }
        )
    else:
        typer.echo(f"已封存审计链尾：第 {result.last_id} 条（{result.last_hash[:16]}…）→ {result.log}")
