"""What screens may ask of the app, as a Protocol: screens stay importable without the App module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from zhihui_tui.runtime import Runtime
    from zhihui_tui.services.context import Actor, ServiceContext
    from zhihui_tui.tui.connect import DatabaseState


class Shell(Protocol):
    runtime: Runtime
    actor: Actor | None
    db_state: DatabaseState
    db_error: str

    def signed_in(self, actor: Actor) -> None: ...

    def service_context(self) -> ServiceContext: ...

    def sign_out(self, reason: str = "") -> None: ...


def shell_of(node: DOMNode) -> Shell:
    return cast("Shell", node.app)
