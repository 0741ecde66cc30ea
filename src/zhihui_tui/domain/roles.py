"""Posts (岗位) and roles of SPEC §1. What a role may do is checked in services, not only in the UI."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar


class Role(StrEnum):
    """A post's permission set; an account holds one or more (R-USER-1)."""

    FILING_REVIEW = "filing_review"
    SERVICE = "service"
    NETWORK_INQUIRY = "network_inquiry"
    DIRECTOR = "director"
    COUNTER_CONTROL = "counter_control"
    FIELD_SEARCH = "field_search"
    FUNDS = "funds"
    DOSSIER = "dossier"
    GENERAL_AFFAIRS = "general_affairs"
    HANDLER = "handler"
    BUREAU_CHIEF = "bureau_chief"
    DEPUTY_CHIEF = "deputy_chief"
    ADMIN = "admin"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        """The role's Chinese name."""
        return ROLE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Role:
        """Accept the code name or the Chinese post name."""
        value = text.strip()
        for role in cls:
            if value in (role.value, role.name.lower(), ROLE_LABELS[role]):
                return role
        names = "、".join(f"{r.value}（{r.label}）" for r in cls if r is not cls.SYSTEM)
        from zhihui_tui.domain.errors import FieldError

        raise FieldError("角色", f"没有“{text}”这个角色；可选：{names}")


ROLE_LABELS: dict[Role, str] = {
    Role.FILING_REVIEW: "立案审查组",
    Role.SERVICE: "集约送达组",
    Role.NETWORK_INQUIRY: "网络查控组",
    Role.DIRECTOR: "指挥中心主任",
    Role.COUNTER_CONTROL: "财产查控组",
    Role.FIELD_SEARCH: "线索查控组",
    Role.FUNDS: "款物管理组",
    Role.DOSSIER: "卷宗整理组",
    Role.GENERAL_AFFAIRS: "综合事务组",
    Role.HANDLER: "承办人",
    Role.BUREAU_CHIEF: "局长",
    Role.DEPUTY_CHIEF: "副局长",
    Role.ADMIN: "系统管理员",
    Role.SYSTEM: "批处理服务账号",
}


class Team(StrEnum):
    """The handler team a case is assigned to (快执 or 精执)."""

    FAST = "fast"
    INTENSIVE = "intensive"

    @property
    def label(self) -> str:
        """The team's Chinese name."""
        return {Team.FAST: "快执", Team.INTENSIVE: "精执"}[self]


class Title(StrEnum):
    """A staff member's title, shown on documents and lists."""

    JUDGE = "judge"
    ENFORCEMENT_OFFICER = "enforcement_officer"
    CLERK = "clerk"

    @property
    def label(self) -> str:
        """The title's Chinese name."""
        return {Title.JUDGE: "员额法官", Title.ENFORCEMENT_OFFICER: "执行员", Title.CLERK: "书记员"}[self]


Labelled = TypeVar("Labelled", Team, Title)


def parse_labelled(cls: type[Labelled], text: str, field: str) -> Labelled:
    """A team or title from its code or its Chinese name; a FieldError listing both otherwise."""
    value = text.strip()
    for member in cls:
        if value in (member.value, member.label):
            return member
    from zhihui_tui.domain.errors import FieldError

    choices = "、".join(f"{member.value}（{member.label}）" for member in cls)
    raise FieldError(field, f"没有“{text}”；可选：{choices}")
