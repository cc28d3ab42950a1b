"""The web app's entry points (the page itself lives in assistant.ui.app)."""

from __future__ import annotations

from typing import Any

from assistant.settings import Settings


def build_app(settings: Settings, **kwargs: Any):
    from assistant.ui.app import build_app as build

    return build(settings, **kwargs)


def start(settings: Settings, **kwargs: Any):
    """Serve the page (session cookies, login guard); ``block=False`` returns the running Blocks."""
    from assistant.ui.app import start as serve

    return serve(settings, **kwargs)


def launch(settings: Settings, host: str | None = None, port: int | None = None, **kwargs: Any) -> None:
    start(settings, host=host, port=port, **kwargs)
