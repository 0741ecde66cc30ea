"""The reception post's vocabulary: limits, field names, purposes, channels, ID kinds and appointment kinds."""

from __future__ import annotations

from datetime import time, timedelta
from enum import StrEnum

OFFICE_OPEN = time(8, 0)  # earliest bookable appointment; reception closes at RECEPTION_CLOSE (17:00)
CENTRE_HOTLINE = "0482-8393383"  # seed §五(六): the number parties call with questions about their case
BACKFILL_DAYS = 30  # a visit may be entered up to this many days after it happened (with a reason)
APPOINTMENT_HORIZON_DAYS = 90
APPOINTMENT_SLOT = timedelta(minutes=30)  # two bookings of one handler must be at least this far apart

OUTCOME_MAX = 500
LATE_REASON_MAX = 200  # Visit.late_entry_reason
OTHER_DOCUMENT_MAX = 32  # Visit.visitor_id_number
PARTY_NAME_MAX = 100  # Appointment.party_name (a person or an organisation)
NOTE_MAX = 500  # Appointment.note / outcome

# Field labels: the TUI puts the message next to the field with this label.
F_TIME = "时间"
F_CHANNEL = "渠道"
F_NAME = "来访人"
F_ID_KIND = "证件类型"
F_ID_NUMBER = "证件号码"
F_PHONE = "电话"
F_PURPOSE = "事由"
F_CASE = "关联案件"
F_STAFF = "接待人"
F_OUTCOME = "处理结果"
F_LATE_REASON = "补录原因"
F_APPT_KIND = "预约类型"
F_APPT_CHANNEL = "反馈方式"
F_APPT_TIME = "预约时间"
F_APPT_PARTY = "当事人"
F_APPT_PHONE = "当事人电话"
F_APPT_NOTE = "备注"
F_APPT_HANDLER = "承办人"
F_APPT_OUTCOME = "约见结果"
F_CANCEL_REASON = "取消原因"


class VisitPurpose(StrEnum):
    """Why the visitor came or called (事由); the ledger counts each (R-REC-6)."""

    CASE_QUERY = "case_query"
    FIRST_INTERVIEW = "first_interview"
    MATERIALS = "materials"
    PETITION = "petition"
    APPOINTMENT = "appointment"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The Chinese name the clerk reads."""
        return _PURPOSE_LABELS[self]


_PURPOSE_LABELS = {
    VisitPurpose.CASE_QUERY: "案件查询",
    VisitPurpose.FIRST_INTERVIEW: "首次约谈",
    VisitPurpose.MATERIALS: "材料递交",
    VisitPurpose.PETITION: "信访",
    VisitPurpose.APPOINTMENT: "预约承办人",
    VisitPurpose.OTHER: "其他",
}

# Purposes that tell the visitor something about a case: R-REC-2 applies (party or registered agent only).
DISCLOSING_PURPOSES: frozenset[VisitPurpose] = frozenset(
    {VisitPurpose.CASE_QUERY, VisitPurpose.FIRST_INTERVIEW, VisitPurpose.APPOINTMENT}
)


class Channel(StrEnum):
    """How the visitor reached the centre: at the window or on the hotline."""

    WINDOW = "window"
    HOTLINE = "hotline"

    @property
    def label(self) -> str:
        """The Chinese name the clerk reads."""
        return {Channel.WINDOW: "窗口", Channel.HOTLINE: "电话"}[self]


class IdKind(StrEnum):
    """The document the visitor showed: resident ID, an organisation's credit code, or another document."""

    RESIDENT_ID = "resident_id"
    CREDIT_CODE = "credit_code"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The Chinese name the clerk reads."""
        return {IdKind.RESIDENT_ID: "居民身份证", IdKind.CREDIT_CODE: "统一社会信用代码", IdKind.OTHER: "其他证件"}[
            self
        ]


class AppointmentKind(StrEnum):
    """A meeting with the handler, or the handler calling the party back."""

    MEETING = "meeting"
    CALLBACK = "callback"

    @property
    def label(self) -> str:
        """The Chinese name the clerk reads."""
        return {AppointmentKind.MEETING: "约见", AppointmentKind.CALLBACK: "回电"}[self]


class AppointmentChannel(StrEnum):
    """How an appointment takes place: in person, by phone, or by video."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"

    @property
    def label(self) -> str:
        """The Chinese name the clerk reads."""
        return {
            AppointmentChannel.IN_PERSON: "面谈",
            AppointmentChannel.PHONE: "电话",
            AppointmentChannel.VIDEO: "视频",
        }[self]


class AppointmentStatus(StrEnum):
    """Where a booked appointment stands: booked, held, or cancelled."""

    BOOKED = "booked"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The Chinese name the clerk reads."""
        return {
            AppointmentStatus.BOOKED: "已预约",
            AppointmentStatus.HELD: "已进行",
            AppointmentStatus.CANCELLED: "已取消",
        }[self]


ALLOWED_CHANNELS: dict[AppointmentKind, frozenset[AppointmentChannel]] = {
    AppointmentKind.MEETING: frozenset({AppointmentChannel.IN_PERSON, AppointmentChannel.VIDEO}),
    AppointmentKind.CALLBACK: frozenset({AppointmentChannel.PHONE, AppointmentChannel.VIDEO}),
}
