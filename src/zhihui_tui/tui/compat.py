"""Every use of a private Textual name, in one place (Textual is pinned exactly in pyproject.toml).

Textual does not promise these across releases. Each one earns its place by a measured gain (see the callers:
building post screens ahead, skipping needless restyles, measuring table columns cheaply); each has a test in
``tests/tui/test_compat.py`` that fails by name when an upgrade removes or renames it. Upgrading Textual means:
bump the pin, run that test, fix what it names here — the rest of the code only calls these functions.

DataTable internals that ``widgets/table.py`` overrides (``_update_dimensions`` and the attributes it reads) are
listed in :data:`DATA_TABLE_INTERNALS` and tested the same way, as are the Screen handlers ``screens/base.py``
runs before Textual's (``_on_screen_resume``, ``_on_screen_suspend``): an override cannot move into this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import RenderableType
    from textual.app import App
    from textual.geometry import Size
    from textual.screen import Screen
    from textual.widget import AwaitMount
    from textual.widgets import Select

__all__ = [
    "DATA_TABLE_INTERNALS",
    "build_mode_screen",
    "cell_formatter",
    "css_update_count",
    "draw_hidden",
    "focus_and_style_hidden",
    "has_mode_screen",
    "layout_hidden",
    "layout_required",
    "mode_screens",
    "return_to_default_mode",
    "screens_by_mode",
    "select_values",
    "start_styled",
]

# DataTable attributes and methods ``widgets/table.py`` reads or overrides.
DATA_TABLE_INTERNALS = (
    "_update_dimensions",
    "_row_locations",
    "_update_count",
    "_row_label_column_width",
    "_total_row_height",
)


def cell_formatter() -> Callable[..., RenderableType]:
    """DataTable's own cell formatter (``default_cell_formatter``), fetched when a table module first needs it:
    importing Textual's DataTable module at start-up would cost the login screen's first frame ~3 ms."""
    from textual.widgets._data_table import default_cell_formatter

    return default_cell_formatter


# -- the app's modes (App._screen_stacks, App._load_screen_css, App._get_screen) --------------------------------


def mode_screens(app: App[Any]) -> list[Screen[Any]]:
    """Every screen of every installed mode (the hang-up keeps a draft of each)."""
    return [screen for stack in app._screen_stacks.values() for screen in stack]


def screens_by_mode(app: App[Any]) -> list[tuple[str, Screen[Any]]]:
    """Each installed mode's screens with the mode's name (a draft records the post it was typed on)."""
    return [(mode, screen) for mode, stack in app._screen_stacks.items() for screen in stack]


def has_mode_screen(app: App[Any], mode: str) -> bool:
    """Whether ``mode``'s screen is built already (opened, or built ahead)."""
    return mode in app._screen_stacks


def build_mode_screen(app: App[Any], mode: str, screen: Screen[Any]) -> tuple[Screen[Any], AwaitMount]:
    """Install ``screen`` as ``mode``'s base screen and mount it off screen, as ``App.switch_mode`` does on demand
    (``App._init_mode``) minus the ScreenResume that belongs to the opening. Await the second item to finish."""
    app._load_screen_css(screen)
    screen, mounted = app._get_screen(screen)
    app._screen_stacks[mode] = [screen]
    return screen, mounted


def return_to_default_mode(app: App[Any]) -> None:
    """Switch back to the default mode, whose base screen is the login screen (``App.get_default_screen``).

    ``App.switch_mode`` refuses ``"_default"``: it looks the name up in ``App._modes``, which only holds added
    modes, although the default mode's stack is always there. Naming it there for the switch (its stack exists,
    so the entry is never called) and removing it again lets the ordinary switch run."""
    default = app.DEFAULT_MODE
    app._modes[default] = app.get_default_screen
    try:
        app.switch_mode(default)
    finally:
        del app._modes[default]


# -- a Select's options (Select._options) ------------------------------------------------------------------------


def select_values(select: Select[Any]) -> list[Any]:
    """Every value a Select offers (its blank included): a draft's stored value is matched against them."""
    return [value for _prompt, value in select._options]


# -- restyling (App._css_update_count, Screen._css_update_count) ------------------------------------------------


def css_update_count(app: App[Any]) -> int:
    """The app's stylesheet generation: bumped on every theme or stylesheet change."""
    count: int = app._css_update_count
    return count


def start_styled(screen: Screen[Any], app: App[Any]) -> None:
    """Mark a new screen as styled under the app's current stylesheet, so ``switch_mode`` does not re-parse it
    (Textual starts a screen's counter at -1; PR #5211 notes the refresh "could be avoided")."""
    screen._css_update_count = app._css_update_count


# -- finishing a screen off screen (Screen internals used by prepare_hidden) ------------------------------------


def focus_and_style_hidden(screen: Screen[Any]) -> None:
    """Focus as the first opening would (the focus restyles its ancestors), then style every widget."""
    screen._update_auto_focus()
    screen.update_node_styles(animate=False)


def layout_hidden(screen: Screen[Any], size: Size) -> None:
    """One layout pass of a screen that is not current (Textual lays out the current screen only)."""
    screen._layout_required = False
    screen._refresh_layout(size)


def layout_required(screen: Screen[Any]) -> bool:
    """Whether the widgets' answers to the last layout (Resize, Show) asked for another."""
    required: bool = screen._layout_required
    return required


def draw_hidden(screen: Screen[Any]) -> None:
    """Draw the screen once, unseen: each widget keeps the lines it drew, and the opening repaints from them."""
    screen._compositor.render_update(full=True)
    screen._dirty_widgets.clear()
