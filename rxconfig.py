"""Reflex configuration. Peregrine's own settings live in `config/` and PEREGRINE_* variables."""

import reflex as rx

from peregrine import config as peregrine_config

config = rx.Config(
    app_name="peregrine",
    db_url=peregrine_config.database_url(),
    # A self-hosted app holding someone's job search does not phone home.
    telemetry_enabled=False,
    show_built_with_reflex=False,
    backend_host="127.0.0.1",
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium")),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
