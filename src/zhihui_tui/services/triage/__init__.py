"""繁简分流 (R-TRI-1..3): the director's board, accept / override / escalate, the chief's designation, 二次分案.

``allowed_actions`` tells the board what a person may do with a case at a stage; the writes enforce the same.
Every public function takes its arguments, then ``*, ctx: ServiceContext``. The modules are an internal split
(``rules``, ``facts``, ``board``, ``rulings``, ``flags``, ``assignment``, ``results``): import from this package.
"""

from zhihui_tui.services.triage.assignment import assign, handler_options
from zhihui_tui.services.triage.board import VIEW_STEPS, all_proposals, board_page
from zhihui_tui.services.triage.facts import facts_for, proposal_for
from zhihui_tui.services.triage.flags import set_flags
from zhihui_tui.services.triage.results import (
    BatchOutcome,
    BoardKey,
    BoardPage,
    BoardRow,
    FlagsSaved,
    HandlerLoad,
    ProposedCase,
)
from zhihui_tui.services.triage.rules import TriageAction, allowed_actions, first_view, ruling_stage
from zhihui_tui.services.triage.rulings import (
    MAX_REASON,
    TEAM_TRACK,
    TRACK_TEAM,
    accept,
    accept_many,
    designate,
    escalate,
    override,
)

__all__ = [
    "MAX_REASON",
    "TEAM_TRACK",
    "TRACK_TEAM",
    "VIEW_STEPS",
    "BatchOutcome",
    "BoardKey",
    "BoardPage",
    "BoardRow",
    "FlagsSaved",
    "HandlerLoad",
    "ProposedCase",
    "TriageAction",
    "accept",
    "accept_many",
    "all_proposals",
    "allowed_actions",
    "assign",
    "board_page",
    "designate",
    "escalate",
    "facts_for",
    "first_view",
    "handler_options",
    "override",
    "proposal_for",
    "ruling_stage",
    "set_flags",
]
