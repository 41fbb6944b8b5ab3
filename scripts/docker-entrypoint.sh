#!/bin/sh
# The container's start-up: bring the database to the newest schema, then serve the app.
# Any arguments run instead of the server, after the migration, e.g.
#   docker run --rm -v peregrine-data:/app/data peregrine python -m peregrine demo
set -eu

cd /app
data_dir="${PEREGRINE_DATA_DIR:-/app/data}"
mkdir -p "$data_dir" 2>/dev/null || true
if [ ! -w "$data_dir" ]; then
    echo "peregrine: $data_dir is not writable by user $(id -u):$(id -g)." >&2
    echo "peregrine: use a named volume (-v peregrine-data:/app/data), or give a bind-mounted" >&2
    echo "peregrine: folder to that user first: sudo chown -R $(id -u):$(id -g) <folder>" >&2
    exit 1
fi

python -m peregrine migrate

if [ "$#" -gt 0 ]; then
    exec "$@"
fi
# The built frontend, the backend and its websocket on ONE port; the frontend is built once here,
# and a server that dies is started again within seconds without rebuilding (scripts/serve.py).
# The listening address comes from REFLEX_BACKEND_HOST (0.0.0.0, set in the Dockerfile).
exec python -m scripts.serve --port "${PEREGRINE_PORT:-3000}"
