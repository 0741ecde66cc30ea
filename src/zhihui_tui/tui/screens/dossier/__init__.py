"""卷宗管理 (F12, R-ARC-1): the dossier group's list of dossiers on their way to the archive (``post``) and its
dialogs (``dialogs``: 归档 with its 档案号, 终本 案件补充材料). The director reads it."""

from zhihui_tui.tui.screens.dossier.post import DossierScreen

__all__ = ["DossierScreen"]
