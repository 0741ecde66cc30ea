"""Entry point. Without a subcommand the terminal app starts without importing Typer or SQLAlchemy first,
so the login screen is on screen as fast as a bare Textual app (the database opens behind it)."""

from __future__ import annotations

import gc
import sys

GLOBAL_OPTIONS = ("--db", "--as-of")


def hoist_global_options(argv: list[str]) -> list[str]:
    """Let ``--db``/``--as-of`` stand anywhere (``zhihui supervise --db URL``) by moving them to the front."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if "=" in arg:
                front.append(arg)
            else:
                front.extend(argv[i : i + 2])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def _tui_options(argv: list[str]) -> dict[str, str] | None:
    """Global options only (no subcommand, no --help): the terminal app should start."""
    options: dict[str, str] = {}
    i = 0
    while i < len(argv):
        name, _, value = argv[i].partition("=")
        if name not in GLOBAL_OPTIONS:
            return None
        if not value:
            if i + 1 >= len(argv):
                return None
            value = argv[i + 1]
            i += 1
        options[name.lstrip("-").replace("-", "_")] = value
        i += 1
    return options


def main(argv: list[str] | None = None) -> None:
    args = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    tui_options = _tui_options(args)
    if tui_options is not None:
        # Start-up makes ~47,000 objects that live as long as the app (modules, classes, the login screen's
        # widgets); Python's cyclic collector ran ~110 times over them on the way to the first frame (~15 ms of
        # CPU), finding next to nothing to free. The terminal app turns it back on once the login screen is
        # drawn (ZhihuiApp._after_first_frame; run_terminal_app at the latest).
        gc.disable()
        from zhihui_tui.tui.run import run_terminal_app

        sys.exit(run_terminal_app(db=tui_options.get("db"), as_of=tui_options.get("as_of")))
    from zhihui_tui.cli.app import app

    app(args=args, prog_name="zhihui")


if __name__ == "__main__":
    main()
