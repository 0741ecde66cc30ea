"""The README's operations chapter cannot drift from the CLI: its tested blocks and every cron line run, in the
order written, against a demo court in a temporary data folder, and every command of the CLI is named in it.

What runs: each line of a ```` ```sh test ```` block, and the command of each line of the ```` ```crontab ````
block (``\\%`` unescaped as cron does), through ``sh`` with the settings of the chapter's ``zhihui.env`` block —
its data folder and database moved into the test's folder. ``zhihui`` gets ``--as-of`` on the demo court's day
at the cron line's time. Replaced by a ``--help`` check: the tools of an outside service (``EXTERNAL``); and the
``zhihui`` lines on the chapter's PostgreSQL URL when no test server is configured (with one, that URL points at
a fresh test database instead).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer

from tests.conftest import PG_URL, reset_postgres
from zhihui_tui.cli.app import app

README = Path(__file__).parents[2] / "README.md"
CHAPTER_TITLE = "## 运维 / Operations"
DEMO_DAY = "2026-11-27"
# Outside services the test machine may not provide or must not touch: checked with --help.
EXTERNAL = frozenset({"createdb", "pg_dump", "pg_restore", "pip", "psql"})
# The chapter's PostgreSQL database, and its restore target.
CHAPTER_PG = "postgresql://zhihui@127.0.0.1/zhihui"
PASSWORD = "readme-Pw-2026\n"  # stdin of `zhihui user add`


@dataclass(frozen=True)
class Step:
    """One command line of the chapter: what it says, and the hour it runs at (cron) for --as-of."""

    line: str
    at: str = "09:30"  # HH:MM for --as-of
    cron: bool = False


def _chapter() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(CHAPTER_TITLE)
    end = text.find("\n## ", start + len(CHAPTER_TITLE))
    return text[start : end if end != -1 else len(text)]


def _blocks(chapter: str) -> list[tuple[str, str]]:
    """Every fenced block as (info string, body), in order."""
    return re.findall(r"^```([^\n]*)\n(.*?)^```$", chapter, flags=re.DOTALL | re.MULTILINE)


def _settings(chapter: str) -> dict[str, str]:
    """The exports of the zhihui.env block."""
    body = next(body for info, body in _blocks(chapter) if info == "sh" and "zhihui.env" in body.splitlines()[0])
    pairs = re.findall(r"^export (\w+)=(.*)$", body, flags=re.MULTILINE)
    return dict(pairs)


def _cron(body: str) -> tuple[dict[str, str], list[Step]]:
    env, steps = {}, []
    for raw in body.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        assignment = re.fullmatch(r"([A-Z_]+)=(\S+)", line)
        if assignment:
            env[assignment[1]] = assignment[2]
            continue
        fields = line.split(None, 5)
        assert len(fields) == 6, f"not a cron line: {line}"
        minute, hour = fields[0], fields[1]
        assert re.fullmatch(r"\d+|\*", minute) and re.fullmatch(r"\d+|\*", hour), line
        at = f"{0 if hour == '*' else int(hour):02d}:{0 if minute == '*' else int(minute):02d}"
        steps.append(Step(fields[5].replace("\\%", "%"), at=at, cron=True))
    return env, steps


def _steps(chapter: str) -> tuple[dict[str, str], list[Step]]:
    cron_env: dict[str, str] = {}
    steps: list[Step] = []
    for info, body in _blocks(chapter):
        if info == "sh test":
            steps += [Step(line) for line in body.splitlines() if line.strip() and not line.startswith("#")]
        elif info == "crontab":
            cron_env, cron_steps = _cron(body)
            steps += cron_steps
    return cron_env, steps


def _help_words(line: str) -> list[str]:
    """The command words of a zhihui line (``db copy``), without global options, for its --help check."""
    tokens = shlex.split(line)[1:]
    while tokens and tokens[0] in ("--db", "--as-of"):
        tokens = tokens[2:]
    words = []
    for token in tokens:
        if not re.fullmatch(r"[a-z]+", token):
            break
        words.append(token)
    return words


def _command(step: Step, pg: str | None) -> str:
    first = step.line.split()[0]
    if first in EXTERNAL:
        return f"{first} --help"
    line = step.line
    if CHAPTER_PG in line:
        if pg is None:
            return "zhihui " + " ".join(_help_words(line)) + " --help"
        line = line.replace(CHAPTER_PG, pg)
    if first == "zhihui":
        line = f"zhihui --as-of {DEMO_DAY}T{step.at}" + line[len("zhihui") :]
    return line


def _environment(tmp_path: Path, chapter: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIHUI_")}
    env.update(_settings(chapter))
    data = tmp_path / "data"
    env["ZHIHUI_DATA_DIR"] = str(data)
    env["ZHIHUI_DATABASE_URL"] = f"sqlite:///{data / 'zhihui.db'}"
    env["PATH"] = f"{Path(sys.executable).parent}:/usr/bin:/bin"
    env["HOME"] = str(tmp_path)
    return env


def _run(command: str, env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(
        ["sh", "-c", command], input=PASSWORD, capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"


def test_every_command_of_the_operations_chapter_runs(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    chapter = _chapter()
    cron_env, steps = _steps(chapter)
    settings = _settings(chapter)
    assert cron_env["ZHIHUI_DATA_DIR"] == settings["ZHIHUI_DATA_DIR"] and "PATH" in cron_env
    assert sum(step.cron for step in steps) >= 12 and sum(not step.cron for step in steps) >= 15
    env = _environment(tmp_path, chapter)
    _run(f"zhihui --as-of {DEMO_DAY}T08:00 demo", env, tmp_path)
    pg = _fresh_postgres(request)
    for step in steps:
        _run(_command(step, pg), env, tmp_path)
    reports = sorted(p.name for p in (tmp_path / "data" / "reports").iterdir())
    assert reports and any(name.startswith("月度统计-") for name in reports), reports
    assert (tmp_path / "data" / "audit-seal.log.before-restore").is_file()


def _fresh_postgres(request: pytest.FixtureRequest) -> str | None:
    """The run's test database, emptied, standing for the chapter's PostgreSQL URL; None without a server."""
    if not PG_URL:
        return None
    url: str = request.getfixturevalue("pg_url")
    reset_postgres(url)
    return url


def _leaf_commands(command: Any, path: tuple[str, ...] = ()) -> list[str]:
    """Every runnable command's path (``db copy``), walking the groups typer builds."""
    subcommands = getattr(command, "commands", None)
    if subcommands:
        return [leaf for name, sub in subcommands.items() for leaf in _leaf_commands(sub, (*path, name))]
    return [" ".join(path)]


def test_the_chapter_names_every_command_of_the_cli() -> None:
    """A batch command added later must be placed: in the cron table or among those run by hand."""
    chapter = _chapter()
    leaves = _leaf_commands(typer.main.get_command(app))
    assert len(leaves) >= 20
    missing = [leaf for leaf in leaves if f"zhihui {leaf}" not in chapter]
    assert not missing, f"commands the operations chapter does not name: {missing}"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("zhihui db copy postgresql://zhihui@127.0.0.1/zhihui", ["db", "copy"]),
        ('zhihui --db postgresql://x backup "$ZHIHUI_DATA_DIR/b.dump"', ["backup"]),
    ],
)
def test_help_words_are_the_command_path(line: str, expected: list[str]) -> None:
    assert _help_words(line) == expected
