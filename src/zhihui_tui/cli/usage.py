"""Usage errors in Chinese, once for the whole ``zhihui`` command (SPEC §5, R-CLI-2).

Typer (like Click) answers a bad argument, an unknown option or subcommand and a missing argument with an English
usage box. ``ChineseUsageGroup`` is the root group: it catches those errors wherever they are raised — the root's
own options, a subcommand's name, a subcommand's arguments — and prints one line ``错误：…`` on stderr naming the
argument and what it expects, then exits 2. ``--help`` and a group called without a subcommand still print help.

Typer 0.29 vendors Click as ``typer._click``; the exception classes are imported from there (``typer`` re-exports
only ``BadParameter``), in this one module.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

import typer
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperGroup

# Exit status of a command line that cannot be run as typed (the usual Unix convention, also Click's).
EXIT_USAGE = 2

_NEGATIVE_NUMBER = re.compile(r"^-\d+(\.\d+)?$")
_NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>.*?)'")
_EXTRA_ARGUMENTS = re.compile(r"unexpected extra arguments?(?:\(s\))? \((?P<args>.*)\)")
_DID_YOU_MEAN = re.compile(r"Did you mean (?P<names>.*?)\?")
_QUOTED_VALUE = re.compile(r"Value '(?P<value>.*?)' is not")

# What a value of each annotation looks like, for "应为…".
_EXPECTED = {int: "整数", float: "数字", bool: "是/否"}


class ChineseUsageGroup(TyperGroup):
    """The root group of ``zhihui``: every usage error of the app, translated in one place."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as error:
            _usage_failure(error)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            _usage_failure(error)


def _usage_failure(error: UsageError) -> NoReturn:
    if isinstance(error, NoArgsIsHelpError):  # ``zhihui db``: the group's help, as before
        raise error
    message = translate(error)
    ctx = error.ctx
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        message += f"；查看用法：{ctx.command_path} --help"
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def translate(error: UsageError) -> str:
    """One Chinese sentence for a usage error: which argument or option, and what it expects."""
    if isinstance(error, MissingParameter):
        return f"缺少{_describe(error.param)}" if error.param is not None else "缺少参数"
    if isinstance(error, BadParameter):
        return _bad_value(error)
    if isinstance(error, NoSuchOption):
        return _no_such_option(error)
    if isinstance(error, BadOptionUsage):
        if "requires an argument" in error.message:
            return f"选项 {error.option_name} 后面需要一个值"
        return f"选项 {error.option_name} 用法不对"
    if match := _NO_SUCH_COMMAND.search(error.message):
        guess = _DID_YOU_MEAN.search(error.message)
        hint = f"（是否想用：{guess['names'].replace(chr(39), '')}）" if guess else _available_commands(error)
        return f"没有子命令“{match['name']}”{hint}"
    if match := _EXTRA_ARGUMENTS.search(error.message):
        return f"多余的参数：{match['args']}"
    return f"命令行有误（{error.message}）"


def _describe(param: Any) -> str:
    """``参数 DAYS（期限天数）`` or ``选项 --name（姓名）``: the name a user types or sees in the usage line,
    with the first phrase of its help text."""
    help_text = (getattr(param, "help", None) or "").strip()
    label = re.split(r"[，,；;。]", re.sub(r"（[^）]*）|\([^)]*\)", "", help_text), maxsplit=1)[0].strip()
    suffix = f"（{label}）" if label else ""
    if param.param_type_name == "option":
        return f"选项 {param.opts[0]}{suffix}"
    return f"参数 {param.display_name_raw.upper()}{suffix}"


def _bad_value(error: BadParameter) -> str:
    param = error.param
    where = _describe(param) if param is not None else str(error.param_hint or "参数")
    cause = error.__cause__
    errors = cause.errors() if cause is not None and hasattr(cause, "errors") else []
    if errors:  # Typer's own coercion (pydantic): the raw input and why it failed
        first = errors[0]
        value = first.get("input")
        context = first.get("ctx") or {}
        kind = str(first.get("type", ""))
        got = f"，收到“{value}”" if value is not None and value != "" else ""
        if kind.startswith("greater_than"):
            bound = context.get("ge", context.get("gt"))
            relation = "不小于" if "ge" in context else "大于"
            return f"{where}应{relation} {bound}{got}"
        if kind.startswith("less_than"):
            bound = context.get("le", context.get("lt"))
            relation = "不大于" if "le" in context else "小于"
            return f"{where}应{relation} {bound}{got}"
        if kind in ("enum", "literal_error") and context.get("expected"):
            return f"{where}只能是 {context['expected']}{got}"
        return f"{where}应为{_expected(param)}{got}"
    if match := _QUOTED_VALUE.search(error.message):
        return f"{where}应为{_expected(param)}，收到“{match['value']}”"
    return f"{where}：{error.message}"  # a parser of ours already said it in Chinese


def _expected(param: Any) -> str:
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    return _EXPECTED.get(annotation, "有效的值") if isinstance(annotation, type) else "有效的值"


def _no_such_option(error: NoSuchOption) -> str:
    name = error.option_name
    if _NEGATIVE_NUMBER.match(name):
        numbers = [
            p
            for p in (error.ctx.command.params if error.ctx is not None else [])
            if p.param_type_name == "argument" and _expected(p) in ("整数", "数字")
        ]
        target = "、".join(_describe(p) for p in numbers) or "此处的数值"
        return f"{target}不能为负数，收到“{name}”"
    hint = f"（是否想用：{'、'.join(sorted(error.possibilities))}）" if error.possibilities else ""
    return f"没有选项 {name}{hint}"


def _available_commands(error: UsageError) -> str:
    ctx = error.ctx
    if ctx is None or not hasattr(ctx.command, "list_commands"):
        return ""
    names = ctx.command.list_commands(ctx)
    return f"，可用的子命令：{'、'.join(names)}" if names else ""
