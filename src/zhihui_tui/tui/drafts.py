"""A form's fields as a draft and back (issue 16): what the hang-up keeps, what 恢复 fills in.

Every Input, Select and Checkbox with an id under a form is read as a JSON value keyed by that id; a Select's
value is stored as its code (an enum's value) and matched back against the options it offers, so nothing but
the widgets' own values is needed to restore a form. Only :mod:`zhihui_tui.domain.drafts` is imported here (no
database code): the app imports this module before the first frame.
"""

from __future__ import annotations

import contextlib
import dataclasses
import typing
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from textual.widgets import Checkbox, Input, Select

from zhihui_tui.tui.compat import select_values

if TYPE_CHECKING:
    from textual.dom import DOMNode

R = TypeVar("R")
RESTORED = "已恢复上次连接中断时未保存的内容，请核对后提交"
RECORD_CHANGED = "注意：该记录在草稿保存后已被他人修改，提交时将按冲突提示处理，请先核对"


def json_value(value: Any) -> Any:
    """A widget value as JSON: an enum as its code, a blank Select as None."""
    if isinstance(value, Enum):
        return value.value
    if value is Select.BLANK:
        return None
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def read_fields(root: DOMNode) -> dict[str, Any]:
    """The values of the fields under ``root``, by widget id (widgets without an id are not form fields)."""
    values: dict[str, Any] = {}
    for widget in root.query("Input, Select, Checkbox"):
        if widget.id is None:
            continue
        if isinstance(widget, Input):
            values[widget.id] = widget.value
        elif isinstance(widget, Select):
            values[widget.id] = json_value(widget.value)
        elif isinstance(widget, Checkbox):
            values[widget.id] = widget.value
    return values


def fill_fields(root: DOMNode, values: dict[str, Any]) -> list[str]:
    """Put ``values`` back into the fields under ``root``; returns the ids that could not be filled (a field
    gone, or a choice no longer offered) so the screen can say so."""
    missed: list[str] = []
    for key, value in values.items():
        try:
            widget = root.query_one(f"#{key}")
        except Exception:  # an id of an older form, or one not a CSS identifier
            missed.append(key)
            continue
        if not _fill(widget, value):
            missed.append(key)
    return missed


def _fill(widget: Any, value: Any) -> bool:
    if isinstance(widget, Input) and isinstance(value, str):
        widget.value = value
        return True
    if isinstance(widget, Checkbox) and isinstance(value, bool):
        widget.value = value
        return True
    if isinstance(widget, Select):
        for offered in select_values(widget):
            if json_value(offered) == value:
                with contextlib.suppress(Exception):  # InvalidSelectValueError: the blank of a no-blank Select
                    widget.value = offered
                    return True
    return False


# -- a service row a dialog was opened on, as JSON and back --------------------------------------------------------


def row_json(row: Any) -> dict[str, Any]:
    """A flat dataclass row (ints, texts, dates, enums) as JSON values: dates as ISO text, enums as codes."""
    values: dict[str, Any] = {}
    for item in dataclasses.fields(row):
        value = getattr(row, item.name)
        values[item.name] = value.isoformat() if isinstance(value, date) else json_value(value)
    return values


def row_from(kind: type[R], data: dict[str, Any]) -> R:
    """The row again from :func:`row_json`, each value converted back by the field's annotated type."""
    hints = typing.get_type_hints(kind)
    return kind(**{name: _typed(hints[name], value) for name, value in data.items() if name in hints})


def _typed(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    for kind in typing.get_args(hint) or (hint,):  # X | None: the first type that takes the value
        if kind is type(None):
            continue
        if kind is datetime:
            return datetime.fromisoformat(value)
        if kind is date:
            return date.fromisoformat(value)
        if isinstance(kind, type) and issubclass(kind, Enum):
            return kind(value)
    return value
