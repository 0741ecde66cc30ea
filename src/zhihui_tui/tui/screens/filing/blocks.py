"""The party and agent blocks of the filing form, widgets of their own.

A ``PartySide`` holds the party rows of one side (``#applicants``, ``#respondents``), an ``AgentList`` the agent
blocks (``#agents``). Each reads and fills its own fields; a side that gains or loses rows posts
``PartySide.RowsChanged`` so the form can offer every party row as 代理对象. Nothing here touches a service.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from zhihui_tui.domain.filing import APPLICANT_SIDE, RESPONDENT_SIDE, AgentForm, PartyForm
from zhihui_tui.tui.screens.filing.common import (
    AGENT_KINDS,
    PARTY_FIELDS,
    SIDE_PREFIXES,
    field,
    text_input,
)

PARTY_HINTS = {"id": "居民身份证号或统一社会信用代码", "phone": "可不填", "addr": "送达地址，可不填"}


def represented(choice: str) -> tuple[str, int]:
    """``r2`` → (RESPONDENT_SIDE, 2): the 代理对象 value as ``AgentForm`` takes it."""
    return (APPLICANT_SIDE if choice.startswith("a") else RESPONDENT_SIDE), int(choice[1:])


def choice_of(agent: AgentForm) -> str:
    return f"{SIDE_PREFIXES.get(agent.side, 'a')}{agent.represents}"


class PartyBlock(Vertical):
    """One party row (``#a1`` … ``#r3``): its title and four fields."""

    def __init__(self, prefix: str, n: int, role: str) -> None:
        super().__init__(id=f"{prefix}{n}", classes="f-party")
        self.base, self.role_title = f"{prefix}{n}", f"{role}{n}"

    def compose(self) -> ComposeResult:
        yield Static(self.role_title, id=f"{self.base}-title", classes="f-party-title", markup=False)
        for key, label in PARTY_FIELDS:
            yield field(label, text_input(f"{self.base}-{key}", placeholder=PARTY_HINTS.get(key, "")))

    def text(self, key: str) -> str:
        return self.query_one(f"#{self.base}-{key}", Input).value

    def read(self) -> PartyForm:
        return PartyForm(
            name=self.text("name"), id_number=self.text("id"), phone=self.text("phone"), address=self.text("addr")
        )

    def fill(self, party: PartyForm) -> None:
        values = {"name": party.name, "id": party.id_number, "phone": party.phone, "addr": party.address}
        for key, value in values.items():
            self.query_one(f"#{self.base}-{key}", Input).value = value


class PartySide(Vertical):
    """The party rows of one side; ``prefix`` is ``a`` (applicants) or ``r`` (respondents)."""

    class RowsChanged(Message):
        """The side now has ``count`` rows (or renamed them): the 代理对象 choices follow."""

        def __init__(self, prefix: str, count: int) -> None:
            super().__init__()
            self.prefix = prefix
            self.count = count

    def __init__(self, prefix: str, role: str, *, id: str) -> None:
        super().__init__(id=id)
        self.prefix, self.role, self.count = prefix, role, 1

    def compose(self) -> ComposeResult:
        yield PartyBlock(self.prefix, 1, self.role)

    def blocks(self) -> list[PartyBlock]:
        return list(self.query(PartyBlock).results(PartyBlock))

    def read(self) -> tuple[PartyForm, ...]:
        return tuple(block.read() for block in self.blocks())

    async def set_rows(self, count: int) -> None:
        await self.remove_children()
        await self.mount_all([PartyBlock(self.prefix, n, self.role) for n in range(1, count + 1)])
        self.count = count
        self.post_message(self.RowsChanged(self.prefix, count))

    async def fill(self, parties: tuple[PartyForm, ...]) -> None:
        await self.set_rows(len(parties) or 1)
        for block, party in zip(self.blocks(), parties, strict=False):
            block.fill(party)

    async def add_row(self) -> PartyBlock:
        self.count += 1
        block = PartyBlock(self.prefix, self.count, self.role)
        await self.mount(block)
        self.post_message(self.RowsChanged(self.prefix, self.count))
        return block

    def retitle(self, role: str) -> None:
        """Another category names the side differently (申请执行人 / 异议人)."""
        self.role = role
        for n in range(1, self.count + 1):
            self.query_one(f"#{self.prefix}{n}-title", Static).update(f"{role}{n}")


class AgentBlock(Vertical):
    """One agent (``#g1`` …): name, ID number, kind, phone, and the party row acted for."""

    def __init__(self, n: int, choices: list[tuple[str, str]]) -> None:
        super().__init__(id=f"g{n}", classes="f-party")
        self.n, self.choices = n, choices

    def compose(self) -> ComposeResult:
        n, choices = self.n, self.choices
        yield Static(f"代理人{n}", id=f"g{n}-title", classes="f-party-title", markup=False)
        yield field("姓名", text_input(f"g{n}-name"))
        yield field("证件号", text_input(f"g{n}-id", placeholder="居民身份证号"))
        kinds = [(kind, kind) for kind in AGENT_KINDS]
        yield field("类型", Select(kinds, value=AGENT_KINDS[0], allow_blank=False, id=f"g{n}-kind", compact=True))
        yield field("电话", text_input(f"g{n}-phone", placeholder="可不填"))
        party = Select(
            choices, value=choices[0][1], allow_blank=False, id=f"g{n}-for", classes="agent-for", compact=True
        )
        yield field("代理对象", party)

    def text(self, key: str) -> str:
        return self.query_one(f"#g{self.n}-{key}", Input).value

    def read(self) -> AgentForm:
        """As typed; a blank block stays in the draft so later blocks keep their numbers."""
        side, represents = represented(str(self.query_one(f"#g{self.n}-for", Select).value))
        kind = str(self.query_one(f"#g{self.n}-kind", Select).value)
        return AgentForm(
            name=self.text("name"),
            id_number=self.text("id"),
            kind=kind,
            phone=self.text("phone"),
            represents=represents,
            side=side,
        )

    def fill(self, agent: AgentForm, legal: set[str]) -> None:
        for key, text in (("name", agent.name), ("id", agent.id_number), ("phone", agent.phone)):
            self.query_one(f"#g{self.n}-{key}", Input).value = text
        if agent.kind in AGENT_KINDS:
            self.query_one(f"#g{self.n}-kind", Select).value = agent.kind
        if choice_of(agent) in legal:
            self.query_one(f"#g{self.n}-for", Select).value = choice_of(agent)

    def offer(self, choices: list[tuple[str, str]]) -> None:
        """New 代理对象 choices, keeping the one chosen while it is still a party row."""
        select = self.query_one(f"#g{self.n}-for", Select)
        kept = select.value
        select.set_options(choices)
        if kept in {value for _, value in choices}:
            select.value = kept


class AgentList(Vertical):
    """The agent blocks (``#agents``); empty blocks are ignored by validation."""

    def __init__(self, choices: list[tuple[str, str]], *, id: str) -> None:
        super().__init__(id=id)
        self.choices, self.count = choices, 1

    def compose(self) -> ComposeResult:
        yield AgentBlock(1, self.choices)

    def blocks(self) -> list[AgentBlock]:
        return list(self.query(AgentBlock).results(AgentBlock))

    def read(self) -> tuple[AgentForm, ...]:
        return tuple(block.read() for block in self.blocks())

    def offer(self, choices: list[tuple[str, str]]) -> None:
        self.choices = choices
        for block in self.blocks():
            block.offer(choices)

    async def set_rows(self, count: int) -> None:
        await self.remove_children()
        await self.mount_all([AgentBlock(n, self.choices) for n in range(1, count + 1)])
        self.count = count

    async def fill(self, agents: tuple[AgentForm, ...]) -> None:
        """One block per agent (one empty block when there is none); the party rows must be set first."""
        await self.set_rows(len(agents) or 1)
        legal = {value for _, value in self.choices}
        for block, agent in zip(self.blocks(), agents, strict=False):
            block.fill(agent, legal)

    async def add_row(self) -> AgentBlock:
        self.count += 1
        block = AgentBlock(self.count, self.choices)
        await self.mount(block)
        return block
