"""The API's interactive docs at `/api/docs`, served from the app itself.

FastAPI's default page loads Swagger UI from a CDN: blank offline, and refused by the pages'
Content-Security-Policy anyway. Here Swagger UI's files come from the `swagger-ui-bundle-v2`
package, and the page's one inline script (the start-up call) is allowed by its hash, in a policy
of its own that the Guard leaves in place.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from peregrine.web.csp import inline_scripts, script_hash

DOCS_PATH = "/api/docs"
ASSETS_PATH = "/api/docs/assets"


def _docs_page(openapi_url: str, title: str) -> tuple[str, str]:
    """The page's HTML and its Content-Security-Policy."""
    page = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=f"{title} · docs",
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url="/favicon.ico",
    )
    html = bytes(page.body).decode()
    hashes = " ".join(f"'{script_hash(text)}'" for text in inline_scripts(html))
    policy = (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
    return html, policy


def mount_docs(api: FastAPI) -> None:
    """Add `/api/docs` and Swagger UI's files to `api` (built with `docs_url=None`)."""
    html, policy = _docs_page(api.openapi_url or "/api/openapi.json", api.title)
    api.mount(ASSETS_PATH, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @api.get(DOCS_PATH, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(html, headers={"Content-Security-Policy": policy})
