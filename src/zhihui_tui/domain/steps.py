"""Steps with deadlines (SPEC §3): who owns each, how many days it has, and how far along it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhihui_tui.domain.roles import Role


class Step(StrEnum):
    """A step of a case with a time limit and an owning post (立案, 送达, 网络查控 …)."""

    FILING = "filing"
    SERVICE_PACK = "service_pack"
    OBJECTION_TRANSFER = "objection_transfer"
    NETWORK_INQUIRY = "network_inquiry"
    TRIAGE = "triage"
    DOSSIER_TO_HANDLER = "dossier_to_handler"
    DOSSIER_TRANSFER = "dossier_transfer"
    DOSSIER_SCAN = "dossier_scan"
    ARCHIVE = "archive"

    @property
    def rule(self) -> StepRule:
        """The step's time limit, owner and source requirement."""
        return STEP_RULES[self]

    @property
    def label(self) -> str:
        """The step's Chinese name."""
        return STEP_RULES[self].label


@dataclass(frozen=True)
class StepRule:
    """A step's time limit in working days, the post that owns it, and the requirement it comes from."""

    label: str
    days: int
    owner_role: Role
    source: str  # the requirement id, so a clerk and an auditor can trace the limit


STEP_RULES: dict[Step, StepRule] = {
    Step.FILING: StepRule("立案", 2, Role.FILING_REVIEW, "R-FIL-2"),
    Step.SERVICE_PACK: StepRule("生成文书并邮寄", 5, Role.SERVICE, "R-SRV-1"),
    Step.OBJECTION_TRANSFER: StepRule("异议案件移送承办人", 2, Role.FILING_REVIEW, "R-FIL-2"),
    Step.NETWORK_INQUIRY: StepRule("提起网络查控", 2, Role.NETWORK_INQUIRY, "R-NET-1"),
    Step.TRIAGE: StepRule("繁简分流", 2, Role.DIRECTOR, "R-TRI-1"),
    Step.DOSSIER_TO_HANDLER: StepRule("卷宗交承办人", 2, Role.DIRECTOR, "R-TRI-1"),
    Step.DOSSIER_TRANSFER: StepRule("结案卷宗移交", 20, Role.HANDLER, "R-ARC-1"),
    Step.DOSSIER_SCAN: StepRule("卷宗编目扫描上传", 7, Role.DOSSIER, "R-ARC-1"),
    Step.ARCHIVE: StepRule("归档", 90, Role.DOSSIER, "R-ARC-1"),
}


# A step handed to another post keeps its clock and takes this name on that post's screens.
# 局长指定: R-TRI-1 gives triage 2 days from the feedback table, and seed §四.4 makes 提请局长指定分案 part of the
# same 繁简分流 duty. So escalating neither stops nor restarts the clock: the open TRIAGE step passes to the
# bureau chief with its due date and closes when he designates a team.
HANDED_OVER_LABELS: dict[tuple[Step, Role], str] = {(Step.TRIAGE, Role.BUREAU_CHIEF): "局长指定分案"}


def step_label(step: Step, owner_role: Role) -> str:
    """The step's name as its current owner's post knows it."""
    return HANDED_OVER_LABELS.get((step, owner_role), step.label)


class DeadlineState(StrEnum):
    """How close an open deadline is, for colouring lists and ordering work."""

    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_soon"
    OPEN = "open"

    @property
    def label(self) -> str:
        """The state's Chinese name."""
        return {"overdue": "已超期", "due_today": "今日到期", "due_soon": "临近到期", "open": "未到期"}[self.value]


DUE_SOON_DAYS = 2


def deadline_state(due: date, today: date) -> DeadlineState:
    """Whether a deadline due on ``due`` is overdue, due today, due soon or open on ``today``."""
    if due < today:
        return DeadlineState.OVERDUE
    if due == today:
        return DeadlineState.DUE_TODAY
    if (due - today).days <= DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.OPEN
