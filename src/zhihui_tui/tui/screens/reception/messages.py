"""The reception screens' messages: one per service answer, posted by ``run_service``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from zhihui_tui.services.reception import LedgerView, VisitorCase
    from zhihui_tui.tui.screens.reception.common import Notice


class CasesFound(Message):
    """The cases of the visitor whose ID number is ``id_number``."""

    def __init__(self, id_number: str, cases: list[VisitorCase]) -> None:
        super().__init__()
        self.id_number = id_number
        self.cases = cases


class LedgerLoaded(Message):
    """Today's ledger, and the banner as of reading it."""

    def __init__(self, ledger: LedgerView, notice: Notice) -> None:
        super().__init__()
        self.ledger = ledger
        self.notice = notice


class NoticeChanged(Message):
    """The banner as of now (asked again before each save: the clerk may sit past 17:00)."""

    def __init__(self, notice: Notice) -> None:
        super().__init__()
        self.notice = notice


class Saved(Message):
    """A visit was registered."""

    def __init__(self, visit_id: int, case_id: int | None) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.case_id = case_id


class Booked(Message):
    """A handler appointment was booked."""

    def __init__(self, appointment_id: int) -> None:
        super().__init__()
        self.appointment_id = appointment_id
