"""款物管理 (SPEC §3.9): one account per case — an append-only ledger in fen — fed by the bank statement and
the counter, paid out on approval, corrected by reversals; what is due to be paid out or claimed.

- ``accounts``: receipts at the counter, disbursements, reversals, delays, the balance;
- ``statement``: ``zhihui import receipts`` and 认领;
- ``due``: an account's view and ``zhihui funds due``;
- ``property``: the register of seized movable property (R-FND-3).
"""

from zhihui_tui.services.funds.accounts import (
    Approver,
    ReceiptInput,
    approvers,
    balance_of,
    disburse,
    record_receipt,
    register_delay,
    reverse_entry,
)
from zhihui_tui.services.funds.due import AccountView, DueSum, EntryLine, account_view, funds_due
from zhihui_tui.services.funds.property import (
    ItemRow,
    StatusLine,
    change_status,
    item_history,
    items_of_case,
    property_register,
    register_item,
    register_size,
)
from zhihui_tui.services.funds.rules import FundsAction, allowed_actions
from zhihui_tui.services.funds.statement import StatementResult, claim, import_statement, unclaimed_lines

__all__ = [
    "AccountView",
    "Approver",
    "DueSum",
    "EntryLine",
    "FundsAction",
    "ItemRow",
    "ReceiptInput",
    "StatementResult",
    "StatusLine",
    "account_view",
    "allowed_actions",
    "approvers",
    "balance_of",
    "change_status",
    "claim",
    "disburse",
    "funds_due",
    "import_statement",
    "item_history",
    "items_of_case",
    "property_register",
    "record_receipt",
    "register_delay",
    "register_item",
    "register_size",
    "reverse_entry",
    "unclaimed_lines",
]
