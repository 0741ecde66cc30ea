"""款物管理 in the demo court (SPEC §3.9): case accounts on a few assigned and closed cases — receipts, payments to
the applicants on the bureau chief's approval, one reversal — with one sum overdue, one near its deadline and one
whose late payment is registered with its reason; two transfers from the bank waiting to be claimed; and a few
seized items in each state of the register.

Written straight into the demo's unit of work from a ``random.Random`` of its own (``"{seed}:funds"``), so the rest
of the demo court is the same with or without it. Days count back from ``now``.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from zhihui_tui.db.models import DisbursementDelay, FundsEntry, SeizedItem, SeizedItemStatus, StatementLine
from zhihui_tui.demo.cases import CaseSpec
from zhihui_tui.demo.work import Crew
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.funds import CLAIM_DAYS, Channel, EntryKind
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.seized_property import ItemStatus
from zhihui_tui.services.context import Actor

BANKS = (
    "中国农业银行科右前旗支行",
    "中国工商银行乌兰浩特分行",
    "内蒙古农村信用社科右前旗联社",
    "中国建设银行兴安盟分行",
)
# (days ago it arrived, yuan, days ago paid out and how much of it — 0: nothing yet)
ACCOUNTS: tuple[tuple[int, int, tuple[tuple[int, int], ...]], ...] = (
    (78, 200_000, ((60, 200_000),)),  # closed: all paid out
    (46, 58_600, ()),  # overdue: arrived 46 days ago, nothing paid
    (30, 12_345, ((17, 2_345),)),  # near its deadline: the rest is due today
    (50, 30_000, ()),  # overdue, but its delay is registered
    (25, 86_000, ((7, 86_000),)),  # paid out; an earlier wrong receipt reversed
    (7, 5_000, ()),  # arrived last week from the bank statement: open
)
DELAY_REASON = "申请执行人银行账户被冻结，待其提供新账户后发放"
UNCLAIMED = (("乌兰浩特市某某建材有限公司", "15600.00", 2, "执行款"), ("包金花", "3200.00", 1, "还款 巴特尔案"))
ITEMS: tuple[tuple[str, int, str, str, int | None, int, tuple[tuple[ItemStatus, int, str], ...]], ...] = (
    ("小型轿车（蒙G·5K2J7）", 1, "辆", "法院涉案物品仓库 A-03", 8_500_000, 40, ()),
    (
        "挖掘机（卡特 320D）",
        1,
        "台",
        "被执行人院内（已张贴封条）",
        32_000_000,
        70,
        ((ItemStatus.VALUING, 55, "委托兴安盟某评估公司"), (ItemStatus.AUCTION, 20, "淘宝司法拍卖一拍")),
    ),
    (
        "西门塔尔牛",
        12,
        "头",
        "科右前旗某牧业合作社代为饲养",
        14_400_000,
        90,
        ((ItemStatus.AUCTION, 60, "网络司法拍卖"), (ItemStatus.DISPOSED, 30, "一拍成交，价款已入案款账户")),
    ),
    ("金项链", 2, "条", "法院保管室保险柜", None, 35, ((ItemStatus.RETURNED, 10, "案外人异议成立，发还案外人"),)),
    ("商用冷柜", 3, "台", "法院涉案物品仓库 B-11", 1_200_000, 15, ((ItemStatus.VALUING, 8, "询价"),)),
)


@dataclass(frozen=True)
class FundsCase:
    """A case the demo keeps an account for."""

    case_id: int
    number: str
    spec: CaseSpec


def funds_candidates(registered: list[tuple[int, CaseSpec, str]]) -> list[FundsCase]:
    """Assigned and closed cases with a handler (objections hold no money), in filing order."""
    return [
        FundsCase(case_id, number, spec)
        for case_id, spec, number in registered
        if spec.stage in (Stage.ASSIGNED, Stage.CLOSED)
        and spec.handler
        and spec.category is not FilingCategory.OBJECTION
    ]


class _Writer:
    def __init__(self, session: Session, crew: Crew, rng: random.Random, now: datetime) -> None:
        self.session, self.rng, self.today = session, rng, now.date()
        self.clerk: Actor = crew.by_login["kuanwu1"]
        self.chief = crew.chief

    def day(self, ago: int) -> date:
        return self.today - timedelta(days=ago)

    def at(self, ago: int) -> datetime:
        return datetime.combine(self.day(ago), time(10, self.rng.randrange(60)))

    def account(self) -> str:
        return "6228" + "".join(str(self.rng.randrange(10)) for _ in range(15))

    def entry(self, case_id: int, kind: EntryKind, fen: int, ago: int, who: str, **extra: object) -> FundsEntry:
        row = FundsEntry(
            case_id=case_id,
            kind=kind.value,
            amount_fen=fen,
            occurred_on=self.day(ago),
            counterparty=who,
            recorded_by_id=self.clerk.id,
            recorded_at=self.at(ago),
            **extra,  # type: ignore[arg-type]
        )
        self.session.add(row)
        self.session.flush()
        return row


def write_funds(
    session: Session, cases: list[FundsCase], crew: Crew, *, calendar: WorkCalendar, now: datetime, seed: int
) -> None:
    """The funds post's accounts, statement lines and seized items (see the module docstring)."""
    rng = random.Random(f"{seed}:funds")
    w = _Writer(session, crew, rng, now)
    chosen = rng.sample(cases, min(len(cases), len(ACCOUNTS) + 2))
    for (arrived, yuan, payments), case in zip(ACCOUNTS, chosen, strict=False):
        _write_account(w, case, arrived, yuan, payments, calendar)
    for number, (payer, amount, ago, memo) in enumerate(UNCLAIMED):
        arrived_on = w.day(ago)
        session.add(
            StatementLine(
                line_key=hashlib.sha256(f"demo-unclaimed-{number}".encode()).hexdigest(),
                arrived_on=arrived_on,
                payer=payer,
                payer_account=w.account(),
                amount_fen=int(float(amount) * 100),
                memo=memo,
                claim_due=calendar.due_date(arrived_on, CLAIM_DAYS),
                imported_at=w.at(ago - 1 if ago > 1 else 0),
            )
        )
    for item_spec, case in zip(ITEMS, chosen[len(ACCOUNTS) - 3 :], strict=False):
        _write_item(w, case.case_id, item_spec)


def _write_account(
    w: _Writer,
    case: FundsCase,
    arrived: int,
    yuan: int,
    payments: tuple[tuple[int, int], ...],
    calendar: WorkCalendar,
) -> None:
    payer = case.spec.respondents[0].name
    payee = case.spec.applicants[0].name
    if yuan == 86_000:  # a receipt typed wrong, reversed the next day, then recorded right
        wrong = w.entry(case.case_id, EntryKind.RECEIPT, 8_600_00, arrived + 1, payer, channel=Channel.COUNTER.value)
        w.entry(case.case_id, EntryKind.REVERSAL, -8_600_00, arrived, payer, reverses_id=wrong.id, note="金额录入错误")
    bank = yuan == 5_000
    line_id = None
    if bank:
        line = StatementLine(
            line_key=hashlib.sha256(f"demo-posted-{case.case_id}".encode()).hexdigest(),
            arrived_on=w.day(arrived),
            payer=payer,
            payer_account=w.account(),
            amount_fen=yuan * 100,
            memo=f"{case.number}执行款",
            claim_due=calendar.due_date(w.day(arrived), CLAIM_DAYS),
            case_id=case.case_id,
            imported_at=w.at(arrived),
        )
        w.session.add(line)
        w.session.flush()
        line_id = line.id
    channel = Channel.BANK if bank else w.rng.choice((Channel.COUNTER, Channel.ONLINE))
    receipt = w.entry(
        case.case_id, EntryKind.RECEIPT, yuan * 100, arrived, payer, channel=channel.value, statement_line_id=line_id
    )
    for ago, paid in payments:
        w.entry(
            case.case_id,
            EntryKind.DISBURSEMENT,
            -paid * 100,
            ago,
            payee,
            counterparty_bank=w.rng.choice(BANKS),
            counterparty_account=w.account(),
            approved_by_id=w.chief.id,
        )
    if yuan == 30_000:
        w.session.add(
            DisbursementDelay(
                case_id=case.case_id,
                receipt_id=receipt.id or 0,
                reason=DELAY_REASON,
                expected_on=w.day(-14),
                recorded_by_id=w.clerk.id,
                recorded_at=w.at(12),
            )
        )


def _write_item(
    w: _Writer, case_id: int, spec: tuple[str, int, str, str, int | None, int, tuple[tuple[ItemStatus, int, str], ...]]
) -> None:
    description, quantity, unit, place, valuation, seized, changes = spec
    last_status, last_day = ItemStatus.HELD, w.day(seized)
    if changes:
        last_status, last_day = changes[-1][0], w.day(changes[-1][1])
    item = SeizedItem(
        case_id=case_id,
        description=description,
        quantity=quantity,
        unit=unit,
        custody_place=place,
        valuation_fen=valuation,
        seized_on=w.day(seized),
        status=last_status.value,
        status_on=last_day,
        registered_by_id=w.clerk.id,
        registered_at=w.at(seized),
    )
    w.session.add(item)
    w.session.flush()
    assert item.id is not None
    for status, ago, note in ((ItemStatus.HELD, seized, ""), *changes):
        w.session.add(
            SeizedItemStatus(
                item_id=item.id,
                status=status.value,
                changed_on=w.day(ago),
                note=note or None,
                changed_by_id=w.clerk.id,
                changed_at=w.at(ago),
            )
        )
