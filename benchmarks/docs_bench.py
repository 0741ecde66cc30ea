"""``zhihui docs generate`` at scale (issue 13): 1,000 packs (5,000 documents), side by side in one run with the
bare templating library rendering and saving the same documents in a loop.

Builds a fresh SQLite database of filed cases (one applicant, one or two respondents with addresses, a basis),
then times, in this order and on the same machine:

1. bare loop — for each document: ``DocxTemplate(path)``, ``render(context)``, ``save(file)``, nothing else (the
   contexts are made beforehand, untimed: the loop gets the service's data for free);
2. service, one process — ``generate_packs``: reads the cases, checks, renders, writes each file atomically
   (fsync + rename) and records it with its checksum in an audited transaction per case;
3. service, process pool — the same with ``workers=2`` (``--force`` into another folder: every document again).

Peak RSS of this process and of the pool workers is printed, and this process's RSS is sampled after every chunk
of 200 cases, to show memory stays flat.

    python benchmarks/docs_bench.py              # 1,000 packs
    python benchmarks/docs_bench.py --cases 200

Targets: service ≥ 80% of the bare loop's documents/s; pool ≥ 1.5× the bare loop.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.documents import PACK
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewBasis, NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.documents import DocumentSettings, GenerateRequest, generate_packs, load_templates
from zhihui_tui.services.documents.context import build_context, read_facts
from zhihui_tui.services.documents.generate import due_case_ids
from zhihui_tui.services.uow import unit_of_work

NOW = datetime(2026, 11, 27, 20, 0)
CALENDAR = load_calendar(None)
SETTINGS = DocumentSettings(
    court_name="科尔沁右翼前旗人民法院",
    funds_account_name="科尔沁右翼前旗人民法院",
    funds_bank="中国农业银行科尔沁右翼前旗支行",
    funds_account_number="05581101040009999",
    court_address="科尔沁右翼前旗科尔沁镇法院路1号",
    court_phone="0482-5555555",
)


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def build_court(engine: Engine, cases: int) -> None:
    rng = random.Random(13)
    actor = system_actor(engine)
    clock = FixedClock(NOW)
    with unit_of_work(engine, actor=actor, action="收案", clock=clock) as session:
        for index in range(cases):
            received = NOW - timedelta(days=rng.randint(0, 4), hours=8)
            respondents = tuple(_person(rng, index * 3 + 1 + n) for n in range(rng.choice((1, 1, 2))))
            new = NewCase(
                category=FilingCategory.APPLICATION,
                received_at=received,
                filed_at=received + timedelta(hours=3),
                stage=Stage.FILED,
                applicants=(_person(rng, index * 3),),
                respondents=respondents,
                target_amount_fen=rng.randint(1_000, 500_000_000),
                basis=NewBasis("科尔沁右翼前旗人民法院", f"（2026）内2221民初{index + 1}号", date(2026, 9, 1)),
            )
            register_case(session, new, actor=actor, calendar=CALENDAR, court_code="内2221")


_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗包白乌"
_GIVEN = ("建国", "秀兰", "志强", "桂英", "海军", "丽娜", "巴特尔", "其木格", "文博", "淑珍", "宝音", "晓东")
_TOWNS = ("科尔沁镇", "乌兰毛都苏木", "大坝沟镇", "归流河镇", "居力很镇", "察尔森镇")


def _person(rng: random.Random, serial: int) -> NewParty:
    """A person with a valid 居民身份证 number (unique by ``serial``) and an address for service."""
    from stdnum.cn import ric

    born = date(1960, 1, 1) + timedelta(days=serial % 15000)
    body = f"152221{born:%Y%m%d}{serial % 1000:03d}"
    name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
    address = f"内蒙古自治区兴安盟科尔沁右翼前旗{rng.choice(_TOWNS)}{rng.randint(1, 40)}组"
    return NewParty(PartyKind.PERSON, name, body + ric.calc_check_digit(body), address=address)


def bare_loop(engine: Engine, templates: dict[Any, Any], out: Path) -> tuple[float, int]:
    from docxtpl import DocxTemplate

    with read_session(engine) as session:
        ids = due_case_ids(session)
        facts = read_facts(session, ids)
    contexts = [
        (case_id, kind, build_context(facts[case_id], kind, settings=SETTINGS, calendar=CALENDAR, now=NOW))
        for case_id in ids
        for kind in PACK
    ]
    paths = {kind: out / "templates" / kind.template_name for kind in PACK}
    paths[PACK[0]].parent.mkdir(parents=True)
    for kind, path in paths.items():
        path.write_bytes(templates[kind].data)
    start = time.perf_counter()
    for case_id, kind, context in contexts:
        document = DocxTemplate(str(paths[kind]))
        document.render(context)
        document.save(str(out / f"{case_id}-{kind.value}.docx"))
    return time.perf_counter() - start, len(contexts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docs-bench-") as folder:
        base = Path(folder)
        os.environ.setdefault("ZHIHUI_AUDIT_KEY_FILE", str(base / "audit.key"))
        engine = make_engine(f"sqlite:///{base / 'bench.db'}")
        upgrade(engine)
        t0 = time.perf_counter()
        build_court(engine, args.cases)
        print(f"{args.cases} filed cases built in {time.perf_counter() - t0:.1f} s; RSS {rss_mib():.0f} MiB")
        templates = load_templates(())
        actor, clock = system_actor(engine), FixedClock(NOW)
        ctx = ServiceContext(engine=engine, clock=clock, calendar=CALENDAR, actor=actor)

        bare_s, documents = bare_loop(engine, templates, base / "bare")
        bare_rate = documents / bare_s
        print(f"bare docxtpl loop : {documents} documents in {bare_s:6.1f} s = {bare_rate:6.1f} docs/s")

        samples: list[float] = []

        def sample(done: int, total: int) -> None:
            samples.append(rss_mib())

        one = GenerateRequest(out_dir=base / "service", templates=templates, settings=SETTINGS)
        start = time.perf_counter()
        report = generate_packs(one, ctx=ctx, progress=sample)
        service_s = time.perf_counter() - start
        assert report.documents_written == documents, report.documents_written
        service_rate = documents / service_s
        print(
            f"service, 1 process: {documents} documents in {service_s:6.1f} s = {service_rate:6.1f} docs/s "
            f"({service_rate / bare_rate:.0%} of bare; target ≥ 80%)"
        )

        pool = GenerateRequest(out_dir=base / "pool", templates=templates, settings=SETTINGS, force=True, workers=2)
        start = time.perf_counter()
        report = generate_packs(pool, ctx=ctx, progress=sample)
        pool_s = time.perf_counter() - start
        assert report.documents_written == documents, report.documents_written
        pool_rate = documents / pool_s
        print(
            f"service, 2 workers: {documents} documents in {pool_s:6.1f} s = {pool_rate:6.1f} docs/s "
            f"({pool_rate / bare_rate:.2f}× bare; target ≥ 1.5×)"
        )
        second = generate_packs(one, ctx=ctx)
        print(f"second run        : {second.documents_written} documents written, {len(second.results)} cases skipped")
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        shown = ", ".join(f"{s:.0f}" for s in samples)
        print(f"RSS after each chunk of 200 cases (MiB): {shown}")
        print(f"peak RSS: this process {own:.0f} MiB, largest pool worker {children:.0f} MiB")
        engine.dispose()


if __name__ == "__main__":
    main()
