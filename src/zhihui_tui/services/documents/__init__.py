"""Service documents (集约送达, R-SRV-1): the filing pack as Word files, their records, and merged print files.

``generate_packs`` and ``print_day`` are the use cases; ``load_templates`` and ``DocumentSettings`` are what a
caller (the CLI, a screen) prepares first, so a refused template or a missing account stops before any work.
"""

from zhihui_tui.services.documents.config import DocumentSettings, template_folders
from zhihui_tui.services.documents.generate import (
    CaseResult,
    GenerateReport,
    GenerateRequest,
    Outcome,
    WrittenDocument,
    due_case_ids,
    generate_packs,
)
from zhihui_tui.services.documents.printing import PrintedFile, plan_print_day, print_day
from zhihui_tui.services.documents.templates import Template, TemplateError, load_templates

__all__ = [
    "CaseResult",
    "DocumentSettings",
    "GenerateReport",
    "GenerateRequest",
    "Outcome",
    "PrintedFile",
    "Template",
    "TemplateError",
    "WrittenDocument",
    "due_case_ids",
    "generate_packs",
    "load_templates",
    "plan_print_day",
    "print_day",
    "template_folders",
]
