"""Shared plumbing for batch commands: the runtime from global options and one-line failures."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer

from zhihui_tui.domain.errors import DomainError
from zhihui_tui.runtime import Runtime

P = ParamSpec("P")
R = TypeVar("R")


def runtime(ctx: typer.Context) -> Runtime:
    root = ctx.find_root()
    assert isinstance(root.obj, Runtime)
    return root.obj


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, non-zero exit: what cron mails to the operator."""
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(code)


def one_line_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a refused rule, a schema that is behind, a broken database or a file that cannot be written into a
    one-line reason."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from sqlalchemy.exc import OperationalError, SQLAlchemyError

        from zhihui_tui.db.migrate import SchemaBehind

        try:
            return func(*args, **kwargs)
        except DomainError as error:
            fail(error.message)
        except SchemaBehind as error:
            fail(str(error))
        except OperationalError as error:
            fail(f"无法访问数据库：{str(error.orig).splitlines()[0] if error.orig else error}")
        except SQLAlchemyError as error:
            fail(f"数据库错误：{str(error).splitlines()[0]}")
        except OSError as error:  # a report path that is a folder, a full disk: one line, not a traceback
            from zhihui_tui.services.atomic_files import io_reason

            path = error.filename2 or error.filename  # a failed rename names its target second
            fail(f"无法读写文件{f' {path}' if path else ''}：{io_reason(error)}")

    return wrapper


@contextmanager
def ready(ctx: typer.Context) -> Iterator[Runtime]:
    """The runtime of a command that needs a current schema. A missing database is reported, never created
    (nor its folder), and an empty one is left without tables: only ``db upgrade`` and ``demo`` create."""
    from zhihui_tui.db.presence import SchemaState, inspect_schema

    rt = runtime(ctx)
    try:
        report = inspect_schema(rt.database_url, lambda: rt.engine)
        if report.state is not SchemaState.CURRENT:
            fail(report.refusal())
        yield rt
    finally:
        rt.dispose()


def date_argument(text: str) -> date:
    """``parser=`` of a date typed on the command line: a bad date is a usage error (exit 2, ``错误：…`` naming
    the argument, from cli/usage.py), in the forms the date fields accept everywhere (domain.validators)."""
    from zhihui_tui.domain.errors import FieldError
    from zhihui_tui.domain.validators import parse_date

    try:
        return parse_date(text)
    except FieldError as error:
        raise typer.BadParameter(error.reason) from None


def print_json(document: Any) -> None:
    """SPEC §5.2: one JSON document on stdout, nothing else there."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
