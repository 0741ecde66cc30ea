"""F11 款物管理: case funds and the register of seized property (see ``screen``)."""

from zhihui_tui.tui.screens.funds.screen import FundsScreen

__all__ = ["FundsScreen"]
