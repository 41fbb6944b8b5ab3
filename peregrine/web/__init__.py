"""The HTTP edge: which requests reach the app at all, and what every answer carries.

The backend listens on 127.0.0.1, but the user's own browser visits strangers' pages all day and
those pages can reach 127.0.0.1 too. Everything here runs before Reflex or the REST API sees a
request: the Host check (DNS rebinding), the Origin check (another site's page driving the event
socket or the API), CORS for the few origins the user allowed, body limits while the body streams
in, and the security headers of every answer.

`policy` says what is allowed (plain data, from the environment); `guard` enforces it (plain
ASGI); `csp` builds the Content-Security-Policy the built pages run under; `site` is the one
module that reads Reflex's configuration to put them together.
"""
