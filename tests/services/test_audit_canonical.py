"""The audit chain's canonical text written by hand (issue 12) is json.dumps's, byte for byte, and orjson's row
JSON reads back as the json module's: a record appended in bulk verifies like one appended alone."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from zhihui_tui.services.audit.chain import _TAIL, AuditEntry, _dump, canonical_head, plain_value, prepare

_text = st.text(max_size=40)  # every code point hypothesis draws: quotes, backslashes, controls, CJK, surrogates
_optional = st.none() | _text


@given(
    action=_text,
    actor_login=_text,
    after=_optional,
    as_of=_text,
    before=_optional,
    entity=_text,
    entity_id=_optional,
)
def test_canonical_head_is_json_dumps_up_to_its_tail(
    action: str,
    actor_login: str,
    after: str | None,
    as_of: str,
    before: str | None,
    entity: str,
    entity_id: str | None,
) -> None:
    fields = {
        "id": 0,
        "recorded_at": "",
        "as_of": as_of,
        "actor_login": actor_login,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": before,
        "after": after,
    }
    expected = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    head = canonical_head(
        action=action,
        actor_login=actor_login,
        after=after,
        as_of=as_of,
        before=before,
        entity=entity,
        entity_id=entity_id,
    )
    assert head + _TAIL == expected


_ROW = {
    "id": 7,
    "name": '张三"\\\n',
    "filed_at": datetime(2026, 11, 27, 9, 0, 0, 123456),
    "aware": datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
    "due": date(2027, 2, 10),
    "flag": False,
    "amount_fen": 123_456_789,
    "nested": [{"at": datetime(2026, 1, 2, 3, 4, 5), "z": None, "a": 1}],
}


def test_dump_reads_back_as_the_json_modules_text() -> None:
    written = _dump(_ROW)
    assert written is not None
    reference = json.dumps(_ROW, ensure_ascii=False, sort_keys=True, default=plain_value)
    assert json.loads(written) == json.loads(reference)
    assert '"filed_at":"2026-11-27T09:00:00"' in written  # dates as plain_value writes them: to the second
    assert '"aware":"2026-11-27T09:00:00+00:00"' in written
    assert list(json.loads(written)) == sorted(_ROW)  # keys sorted, as before


def test_dump_falls_back_to_the_json_module_where_orjson_refuses() -> None:
    huge = {"amount_fen": 2**70, "lone": "\ud800"}
    written = _dump(huge)
    assert written == json.dumps(huge, ensure_ascii=False, sort_keys=True)


def test_prepared_entries_hash_as_row_hash_does() -> None:
    as_of = datetime(2026, 11, 27, 9, 30)
    entry = AuditEntry("kuai01", "导入案件", "enforcement_case", "12", None, _ROW)
    (prepared,) = prepare([entry], as_of=as_of)
    fields = {
        "id": 41,
        "recorded_at": "2026-12-06T10:00:00",
        "as_of": plain_value(as_of),
        "actor_login": entry.actor_login,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": prepared.before,
        "after": prepared.after,
    }
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    tail = b'"id": 41, "recorded_at": "2026-12-06T10:00:00"}'
    assert prepared.head + tail == canonical.encode()
