"""Case lifecycle (SPEC §2): stages, filing categories, case types and allowed transitions (R-CASE-4)."""

from __future__ import annotations

from enum import StrEnum

from zhihui_tui.domain.errors import DomainError, FieldError


class Stage(StrEnum):
    """Where a case stands in its life, from receipt to closing (stored as English codes)."""

    RECEIVED = "received"
    FILED = "filed"
    SERVED = "served"
    INQUIRED = "inquired"
    TRIAGED = "triaged"
    ESCALATED = "escalated"
    ASSIGNED = "assigned"
    CLOSED = "closed"
    ARCHIVED = "archived"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        """The stage's Chinese name."""
        return STAGE_LABELS[self]

    @classmethod
    def from_label(cls, text: str, *, field: str = "状态") -> Stage:
        """The stage named by its Chinese name or code; a field error names the choices otherwise."""
        for stage, label in STAGE_LABELS.items():
            if text.strip() in (label, stage.value):
                return stage
        raise FieldError(field, f"未知的案件状态“{text}”；可选：{'、'.join(STAGE_LABELS.values())}")


STAGE_LABELS: dict[Stage, str] = {
    Stage.RECEIVED: "材料接收",
    Stage.FILED: "已立案",
    Stage.SERVED: "已送达",
    Stage.INQUIRED: "已查控",
    Stage.TRIAGED: "已分流",
    Stage.ESCALATED: "局长指定",
    Stage.ASSIGNED: "承办中",
    Stage.CLOSED: "已结案",
    Stage.ARCHIVED: "已归档",
    Stage.REJECTED: "不予立案",
}

# Stages in lifecycle order; used to build realistic histories (demo, import) and for sorting.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.RECEIVED,
    Stage.FILED,
    Stage.SERVED,
    Stage.INQUIRED,
    Stage.TRIAGED,
    Stage.ASSIGNED,
    Stage.CLOSED,
    Stage.ARCHIVED,
)

TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.RECEIVED: frozenset({Stage.FILED, Stage.REJECTED}),
    # Objection cases skip service and triage: they go to their handler within 2 days (R-FIL-2).
    Stage.FILED: frozenset({Stage.SERVED, Stage.ASSIGNED}),
    Stage.SERVED: frozenset({Stage.INQUIRED}),
    Stage.INQUIRED: frozenset({Stage.TRIAGED, Stage.ESCALATED}),
    Stage.ESCALATED: frozenset({Stage.TRIAGED}),
    Stage.TRIAGED: frozenset({Stage.ASSIGNED}),
    Stage.ASSIGNED: frozenset({Stage.CLOSED}),
    Stage.CLOSED: frozenset({Stage.ARCHIVED}),
    Stage.ARCHIVED: frozenset(),
    Stage.REJECTED: frozenset(),
}

OPEN_STAGES: frozenset[Stage] = frozenset(set(Stage) - {Stage.CLOSED, Stage.ARCHIVED, Stage.REJECTED})


class FilingCategory(StrEnum):
    """How a case came in (application, resumption, objection, transfer): decides its case type."""

    APPLICATION = "application"
    RESUMPTION = "resumption"
    OBJECTION = "objection"
    TRANSFER = "transfer"

    @property
    def label(self) -> str:
        """The category's Chinese name."""
        return CATEGORY_LABELS[self]

    @property
    def carries_money(self) -> bool:
        """Whether the case enforces a sum (its 执行标的 must be more than 0): all but an objection."""
        return self is not FilingCategory.OBJECTION

    @property
    def case_type(self) -> CaseType:
        """The case type (执, 执恢, 执异 …) a case of this category is numbered under."""
        return {
            FilingCategory.APPLICATION: CaseType.IMPLEMENTATION,
            FilingCategory.RESUMPTION: CaseType.RESUMPTION,
            FilingCategory.OBJECTION: CaseType.OBJECTION,
            FilingCategory.TRANSFER: CaseType.IMPLEMENTATION,
        }[self]

    @classmethod
    def from_label(cls, text: str, *, field: str = "类别") -> FilingCategory:
        """The category named by its Chinese name or code; a field error names the choices otherwise."""
        value = text.strip()
        for category, label in CATEGORY_LABELS.items():
            if value in (label, category.value) or (category is cls.TRANSFER and value.startswith("审判庭移送")):
                return category
        raise FieldError(field, f"未知的类别“{text}”；可选：{'、'.join(CATEGORY_LABELS.values())}")


CATEGORY_LABELS: dict[FilingCategory, str] = {
    FilingCategory.APPLICATION: "申请执行",
    FilingCategory.RESUMPTION: "申请恢复执行",
    FilingCategory.OBJECTION: "执行异议",
    FilingCategory.TRANSFER: "审判庭移送",
}


class CaseType(StrEnum):
    """The type code (代字) inside a case number (R-CASE-2)."""

    IMPLEMENTATION = "执"
    RESUMPTION = "执恢"
    OBJECTION = "执异"
    PRESERVATION = "执保"


def check_transition(current: Stage, target: Stage, *, category: FilingCategory | None = None) -> None:
    """Refuse a move the lifecycle does not allow (R-CASE-4), with a message a clerk understands."""
    if target is current:
        raise DomainError(f"该案已是“{current.label}”状态，不能重复办理")
    if target not in TRANSITIONS[current]:
        raise DomainError(f"案件状态不能从“{current.label}”变为“{target.label}”")
    if current is Stage.FILED and target is Stage.ASSIGNED and category is not FilingCategory.OBJECTION:
        raise DomainError("只有执行异议案件可以立案后直接移送承办人；其他案件须先送达、查控、分流")


def check_target_amount(category: FilingCategory, fen: int, *, field: str = "执行标的") -> int:
    """The amount a case enforces: 0 is refused where the category carries money (one rule for F3 and import)."""
    if fen == 0 and category.carries_money:
        raise FieldError(field, f"{category.label}的执行标的应大于 0")
    return fen
