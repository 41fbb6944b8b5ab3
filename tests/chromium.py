"""How the browser tests and `make bench` start Debian's Chromium (never a downloaded browser).

The flags keep it headless, single-user and quiet on a machine with no network but loopback.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
