"""The court-code table in force: which body a code inside a document number names (内22 → 兴安盟中级人民法院).

The packaged table covers this league and the courts above it; the court's own code and name come from its
settings; ``DATA_DIR/court_codes.toml`` (a ``[codes]`` table such as ``"内01" = "呼和浩特市中级人民法院"``) adds
or corrects the rest without a release.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from zhihui_tui.domain.basis import court_codes_with
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.services.context import ServiceContext

CODES_FILE = "court_codes.toml"


def court_codes(ctx: ServiceContext) -> dict[str, str]:
    """The table for ``ctx``'s court: packaged codes, the court's own, then the court's file."""
    return court_codes_with(ctx.court.court_code, ctx.court.court_name, read_codes_file(ctx.data_dir / CODES_FILE))


def read_codes_file(path: Path) -> dict[str, str]:
    """The ``[codes]`` table of ``path`` (none when the file is absent); a broken file is refused by name."""
    if not path.exists():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("codes", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DomainError(f"法院代字表 {path} 无法读取：{error}") from error
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise DomainError(f'法院代字表 {path} 的 [codes] 应为 代字 = "法院名称" 的列表')
    return {code.strip(): name.strip() for code, name in table.items()}
