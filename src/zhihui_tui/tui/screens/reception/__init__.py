"""接待台账 (F2): the post (``post``), its visit form (``form``), the booking dialog (``booking``), the service
work run through ``run_service`` (``jobs``) and the messages it answers with (``messages``)."""

from zhihui_tui.tui.screens.reception.booking import BookingScreen
from zhihui_tui.tui.screens.reception.post import ReceptionScreen

__all__ = ["BookingScreen", "ReceptionScreen"]
