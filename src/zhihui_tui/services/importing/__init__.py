"""Imports from spreadsheets (SPEC §5.1), all or nothing: cases (``zhihui import cases``) and network-inquiry
findings (``zhihui import findings``), both read by the one tabular-file reader (:mod:`.table`).

Every row is checked before any write lock is taken; a clean file goes in with one short write transaction, a bad
one writes nothing and every problem is reported with its line. Modules: ``table`` (the reader), ``cases``
(the case import; ``case_fields``, ``case_rows``, ``case_checks`` parse and check, ``case_plan``,
``case_build``, ``case_stage``, ``case_write`` write), ``findings`` (the findings import).
"""

from zhihui_tui.services.importing.cases import COLUMNS, ImportResult, Progress, import_cases
from zhihui_tui.services.importing.findings import FindingsImportResult, import_findings
from zhihui_tui.services.importing.table import Cell, ImportFileError, RowError, cell_text, open_table

__all__ = [
    "COLUMNS",
    "Cell",
    "FindingsImportResult",
    "ImportFileError",
    "ImportResult",
    "Progress",
    "RowError",
    "cell_text",
    "import_cases",
    "import_findings",
    "open_table",
]
