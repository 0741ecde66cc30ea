"""Material checklists of filing review (R-FIL-1, seed §六(三)).

Checklists (R-FIL-1) are the seed's §六(三) lists word for word — the text after ``(n)`` without the closing
``；``/``。`` — with a stable code per item; the code is what ``CaseMaterial.item`` stores, the text is what the
reviewer sees. Which items are required (decided per item, see ``Requirement``):

* Every item the seed lists is required: the heading says 应提交 and no item carries a condition of its own,
  except application item (5). Its two halves are ticked separately: 当事人身份证明材料 is always required,
  授权委托书材料（…） only when an agent acts for an applicant (``has_agent``): the list is what the applicant
  hands in, so a respondent's agent does not make the applicant owe a power of attorney.
* Application item (6) and resumption item (7) name alternatives (送达地址确认书 *or* 下落不明证明): one tick
  means either was provided; the form records whether a respondent's whereabouts are unknown.
* Objection item (2) says 内容同执行申请人: the one tick also covers a power of attorney when an agent acts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import FilingCategory


class Requirement(StrEnum):
    """Whether a checklist item is always required or only when an agent acts for the party."""

    REQUIRED = "required"
    WHEN_AGENT = "when_agent"  # only when an agent (lawyer or relative) acts for the party

    @property
    def label(self) -> str:
        """The requirement in Chinese, as the checklist shows it."""
        return {"required": "必备", "when_agent": "有代理人时必备"}[self.value]


@dataclass(frozen=True)
class ChecklistItem:
    """One numbered item of a seed list. An item with ``parts`` is ticked part by part."""

    code: str  # stable; stored in CaseMaterial.item
    number: int  # the seed's (n)
    text: str  # the seed's words, exactly
    short: str  # a few characters for narrow columns and messages
    requirement: Requirement = Requirement.REQUIRED
    parts: tuple[ChecklistItem, ...] = ()

    @property
    def label(self) -> str:
        """The item as the seed list words it, with its number."""
        return f"（{self.number}）{self.text}"

    @property
    def short_label(self) -> str:
        """The item's number and short name, for narrow columns and messages."""
        return f"（{self.number}）{self.short}"

    def required(self, *, has_agent: bool) -> bool:
        """Whether the item must be provided (the power of attorney only when an agent acts)."""
        return self.requirement is Requirement.REQUIRED or (self.requirement is Requirement.WHEN_AGENT and has_agent)


def _item(code: str, number: int, text: str, short: str, *parts: ChecklistItem) -> ChecklistItem:
    return ChecklistItem(code, number, text, short, parts=parts)


_APPLICATION_IDENTITY = ChecklistItem("app.5.identity", 5, "当事人身份证明材料", "身份证明")
_APPLICATION_AUTHORISATION = ChecklistItem(
    "app.5.agent",
    5,
    "授权委托书材料（律师代理执行的应提交事务所函及律师证复印件、"
    "近属代理执行的应提交能够证明是亲属关系的材料如户口本或社区开具的亲属证明）",
    "授权委托书",
    Requirement.WHEN_AGENT,
)

CHECKLISTS: dict[FilingCategory, tuple[ChecklistItem, ...]] = {
    # 1、申请执行人应提交材料
    FilingCategory.APPLICATION: (
        _item(
            "app.1",
            1,
            "执行申请书（申请书中具体标注是否申请对被执行人采取限制高消费及列失信人员名单措施）",
            "执行申请书",
        ),
        _item(
            "app.2",
            2,
            "执行依据原件（诉讼案件承办人签字生效）、仲裁或公证债权类法律文书生效证明书",
            "执行依据原件及生效证明",
        ),
        _item("app.3", 3, "申请执行人提供被执行人可供执行财产线索表", "财产线索表"),
        _item("app.4", 4, "诉讼费收据", "诉讼费收据"),
        _item(
            "app.5",
            5,
            f"{_APPLICATION_IDENTITY.text}及{_APPLICATION_AUTHORISATION.text}",
            "身份证明及授权委托书",
            _APPLICATION_IDENTITY,
            _APPLICATION_AUTHORISATION,
        ),
        _item(
            "app.6",
            6,
            "申请执行人收取案款确认书、双方当事人送达地址确认书或下落不明证明",
            "收款确认书、送达地址确认书或下落不明证明",
        ),
    ),
    # 2、执行异议申请人应提交材料
    FilingCategory.OBJECTION: (
        _item("obj.1", 1, "执行异议申请书（有明确的异议请求、事实、理由）", "执行异议申请书"),
        _item("obj.2", 2, "异议人身份证明材料（内容同执行申请人）", "异议人身份证明"),
        _item("obj.3", 3, "证据材料（含原执行裁定书）", "证据材料"),
    ),
    # 恢复执行材料
    FilingCategory.RESUMPTION: (
        _item(
            "res.1",
            1,
            "恢复执行申请书（应注明发现被执行人可供执行财产线索并有原承办人确认签字，原承办人离开工作岗位的，"
            "由局长确认签字）",
            "恢复执行申请书",
        ),
        _item("res.2", 2, "执行依据", "执行依据"),
        _item("res.3", 3, "执行裁定书（终本或终结裁定书）", "终本或终结裁定书"),
        _item(
            "res.4",
            4,
            "恢复执行裁定书（由原承办人签字确认恢复，原承办人离开工作岗位的，由局长确认签字）",
            "恢复执行裁定书",
        ),
        _item("res.5", 5, "恢复执行申请人身份证明材料", "申请人身份证明"),
        _item("res.6", 6, "申请人执行人收取案款确认书", "收款确认书"),  # sic: the seed's words
        _item("res.7", 7, "双方当事人送达地址确认书或下落不明证明", "送达地址确认书或下落不明证明"),
    ),
    # 3、审判庭移送材料
    FilingCategory.TRANSFER: (
        _item("trf.1", 1, "移送执行说明（内容包括被执行人、被害人的基本信息）", "移送执行说明"),
        _item("trf.2", 2, "生效裁判文书及其附件", "生效裁判文书及附件"),
        _item(
            "trf.3",
            3,
            "已查明的财产状况或者财产线索、随案移送的财产和已经处置财产的情况说明、查封、扣押、冻结财产情况说明",
            "财产情况说明",
        ),
    ),
}


def checklist_units(category: FilingCategory) -> tuple[ChecklistItem, ...]:
    """What the reviewer ticks, in order: items, with an item's parts in its place."""
    return tuple(unit for item in CHECKLISTS[category] for unit in (item.parts or (item,)))


def unit_by_code(category: FilingCategory) -> dict[str, ChecklistItem]:
    """The units of a checklist by their stored code."""
    return {unit.code: unit for unit in checklist_units(category)}


def check_provided_codes(category: FilingCategory, provided: Iterable[str]) -> frozenset[str]:
    """Refuse codes that are not on the category's checklist (a stale screen, a wrong category)."""
    codes = frozenset(provided)
    unknown = sorted(codes - unit_by_code(category).keys())
    if unknown:
        raise FieldError("材料清单", f"“{category.label}”的材料清单中没有：{'、'.join(unknown)}")
    return codes


def missing_items(
    category: FilingCategory, provided: set[str] | frozenset[str], *, has_agent: bool
) -> list[ChecklistItem]:
    """Required units not ticked, in checklist order (R-FIL-1: no filing while one is missing)."""
    return [
        unit for unit in checklist_units(category) if unit.required(has_agent=has_agent) and unit.code not in provided
    ]


def describe_missing(items: Iterable[ChecklistItem]) -> str:
    """Missing items as one line for a refusal message: （4）诉讼费收据；（5）授权委托书."""
    return "；".join(item.short_label for item in items)
