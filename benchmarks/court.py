"""The whole product at court scale, in one command (issue 16): every benchmark, one report.

Runs each benchmark script of this folder as its own process, at the same scale, in one work folder (the
databases they build are kept there, so a second run reuses them and times only the measurements), and writes
``benchmarks/RESULTS.md``: the machine the figures came from, then per benchmark the command, its wall time, its
peak memory (the process's maximum resident set, from ``wait4``) and what it printed — each script prints its
figures side by side with the reference or target its issue named (a minimal Textual app, a bare executemany,
a bare docxtpl loop, 100 ms per post…).

    python benchmarks/court.py                                  # 1,000,000 cases (hours the first time)
    python benchmarks/court.py --cases 100000 --work /tmp/court --only search,front_desk
    python benchmarks/court.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench   # adds the PG runs

What each one measures:

* ``startup`` — process start → login screen on a pseudo-terminal, against a minimal Textual app;
* ``search`` — builds the court's cases, parties and search index; every kind of query (median, p95) and the
  index's share of the database;
* ``front_desk`` — on that court: F2 and F3 opening (first frame with rows, settled), search from the last key to
  the first page on screen, the cursor in a long result list;
* ``triage``, ``field`` — F5–F8's lists and their services at scale;
* ``dashboard`` — F9, ``supervise --json`` (time, peak memory), ``stats monthly``;
* ``desk`` — F4, F10, F11 and F12 opened by their own clerks (first frame with rows, settled) and the lists
  they read, on a court with the mailings, inquiries, accounts and dossiers of its cases;
* ``import`` — a 20,000-row import end to end and its write transaction, against a bare executemany, with a
  clerk saving meanwhile;
* ``docs`` — service documents for 1,000 cases, against a bare docxtpl loop, one and two workers.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"


@dataclass(frozen=True)
class Run:
    """One benchmark process: what ran and what it printed."""

    name: str
    argv: list[str]
    seconds: float
    peak_rss_mib: float
    exit_code: int
    output: str


Plan = Callable[[argparse.Namespace, Path], list[str]]


def _script(name: str, *args: object) -> list[str]:
    return [sys.executable, str(HERE / f"{name}.py"), *(str(a) for a in args)]


PLANS: dict[str, Plan] = {
    "startup": lambda a, w: _script("startup", "--runs", 10),
    "search": lambda a, w: _script("search_bench", "--cases", a.cases, "--db", w / "court.db"),
    "front_desk": lambda a, w: _script("front_desk_bench", "--cases", a.cases, "--db", w / "court.db"),
    "triage": lambda a, w: _script("triage_bench", "--cases", a.cases, "--db", w / "triage.db"),
    "field": lambda a, w: _script("field_bench", "--cases", a.cases, "--db", w / "field.db", "--reuse"),
    "dashboard": lambda a, w: _script("dashboard_bench", "--cases", a.cases, "--db", w / "dashboard.db"),
    "desk": lambda a, w: _script("desk_bench", "--cases", a.cases, "--db", w / "desk.db"),
    "import": lambda a, w: _script("import_bench", "--rows", a.import_rows),
    "docs": lambda a, w: _script("docs_bench", "--cases", a.doc_cases),
}
PG_PLANS: dict[str, Plan] = {
    "search (PostgreSQL)": lambda a, w: _script("search_bench", "--pg", a.pg, "--cases", a.pg_cases, "--reset"),
    "import (PostgreSQL)": lambda a, w: _script("import_bench", "--rows", a.import_rows, "--db", a.pg),
}


def run(name: str, argv: list[str]) -> Run:
    """Run one benchmark, echoing its output as it comes, and note its own peak RSS (not its parent's)."""
    print(f"\n=== {name}: {shlex.join(argv)}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    return Run(name, argv, seconds, usage.ru_maxrss / 1024, process.returncode, "".join(lines))


def machine() -> list[str]:
    """What the figures depend on: CPU, cores, memory, Python, SQLite, the commit."""
    cpu = _field("/proc/cpuinfo", "model name", ":") or platform.processor() or "unknown"
    memory_kib = (_field("/proc/meminfo", "MemTotal", ":").split() or ["0"])[0]
    commit = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return [
        f"- 日期：{datetime.now():%Y-%m-%d %H:%M}；提交 `{commit or 'unknown'}`",
        f"- CPU：{cpu}，{os.cpu_count()} 核；内存 {int(memory_kib) / 1024 / 1024:.1f} GiB",
        f"- Python {platform.python_version()}，SQLite {sqlite3.sqlite_version}，{platform.platform()}",
        "- 开始时负载（1/5/15 分钟）：{:.1f} / {:.1f} / {:.1f}（空闲机器约为 0）".format(*os.getloadavg()),
    ]


def _field(path: str, name: str, separator: str) -> str:
    """The value of the first ``name<separator>value`` line of a /proc file ("" if there is none)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""
    line = next((line for line in text.splitlines() if line.startswith(name)), "")
    return line.split(separator, 1)[1].strip() if separator in line else ""


PROGRESS = re.compile(r"^\s*(loaded|indexed)\s+[\d,]+ / |^已生成 [\d,]+ 件$")  # a build's progress lines


def figures(output: str) -> str:
    """What a benchmark printed, less its build's progress lines."""
    return "\n".join(line for line in output.rstrip().splitlines() if not PROGRESS.match(line))


def report(runs: list[Run], args: argparse.Namespace, host: list[str]) -> str:
    """RESULTS.md: the machine, a summary table, then each benchmark's own figures as it printed them."""
    lines = [
        "# 基准测试结果（benchmarks/court.py）",
        "",
        f"规模：{args.cases:,} 件案件；导入 {args.import_rows:,} 行；文书 {args.doc_cases:,} 案。",
        "由 `python benchmarks/court.py` 生成；每项的参照与目标见其输出。",
        "",
        *host,
        "",
        "| 基准 | 用时 | 峰值内存 | 退出码 |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {r.name} | {r.seconds:,.0f} s | {r.peak_rss_mib:,.0f} MiB | {r.exit_code} |" for r in runs]
    for r in runs:
        lines += ["", f"## {r.name}", "", f"`{shlex.join(Path(a).name if a == r.argv[0] else a for a in r.argv)}`"]
        lines += ["", "```", figures(r.output), "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--doc-cases", type=int, default=1_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/zhihui-court-bench"), help="databases kept here")
    parser.add_argument("--pg", metavar="URL", help="also run search and import on this PostgreSQL database")
    parser.add_argument("--pg-cases", type=int, default=100_000)
    parser.add_argument("--only", help="comma-separated names: " + ", ".join(PLANS))
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the report")
    args = parser.parse_args(argv)
    chosen = [n for n in PLANS if not args.only or n in args.only.split(",")]
    unknown = set(args.only.split(",")) - set(PLANS) if args.only else set()
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    args.work.mkdir(parents=True, exist_ok=True)
    plans = [(n, PLANS[n]) for n in chosen] + (list(PG_PLANS.items()) if args.pg else [])
    host = machine()  # before the runs: the load average shows whether the machine was idle when they began
    runs = [run(name, plan(args, args.work)) for name, plan in plans]
    args.results.write_text(report(runs, args, host), encoding="utf-8")
    print(f"\n结果已写入 {args.results}")
    return max((r.exit_code for r in runs), default=0)


if __name__ == "__main__":
    sys.exit(main())
