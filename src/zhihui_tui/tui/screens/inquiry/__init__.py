"""网络查控 (F4): the post's queue and, per case, the 查控结果反馈信息表. ``InquiryScreen`` is what the post opens.

The modules are an internal split: ``post`` (the queue), ``feedback`` (one case's table), ``dialogs`` (the row
and the triage facts), ``messages``, ``jobs`` (the service work run through ``run_service``) and ``common``.
"""

from zhihui_tui.tui.screens.inquiry.common import EMPTY_QUEUE, EMPTY_TODAY
from zhihui_tui.tui.screens.inquiry.dialogs import FindingForm, FlagsForm
from zhihui_tui.tui.screens.inquiry.feedback import FeedbackScreen
from zhihui_tui.tui.screens.inquiry.post import InquiryScreen

__all__ = ["EMPTY_QUEUE", "EMPTY_TODAY", "FeedbackScreen", "FindingForm", "FlagsForm", "InquiryScreen"]
