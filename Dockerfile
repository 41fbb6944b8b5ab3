# Peregrine — production image.
#
#   docker build -t peregrine .
#   docker run -d --name peregrine --restart unless-stopped -p 127.0.0.1:3000:3000 -v peregrine-data:/app/data peregrine
#
# The app serves frontend, backend and websocket on ONE port (PEREGRINE_PORT, 3000). Publish it
# on the same port number on the host: the browser page connects back to that port.
# Your configuration: mount a folder with user.yaml / llm.yaml / services.yaml over /app/config
# (see config/README.md), e.g. -v "$PWD/config:/app/config:ro".

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Node 22 and Bun from the npm registry, exactly as the Makefile installs them (Reflex 0.10 needs
# Node >= 22.22 and Bun >= 1.4.4; Debian ships Node 18). Debian's nodejs/npm are only the bootstrap
# that runs `npm install`: the packages' install scripts put real node and bun binaries into
# .tools/, after which the bootstrap is removed again.
# tini is PID 1: it forwards `docker stop` to the supervisor (scripts/serve.py), which stops the server.
# tesseract-ocr reads survey screenshots when no vision model is configured.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm tini tesseract-ocr \
 && npm install --no-audit --no-fund --prefix /app/.tools node@22.23.3 bun@1.4.5 \
 && DEBIAN_FRONTEND=noninteractive apt-get purge -y --auto-remove nodejs npm \
 && rm -rf /var/lib/apt/lists/* /root/.npm /tmp/* \
 && /app/.tools/node_modules/.bin/node --version \
 && /app/.tools/node_modules/.bin/bun --version

# The Python dependencies, in their own layer so a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

RUN groupadd --gid 1000 peregrine \
 && useradd --uid 1000 --gid peregrine --create-home --shell /usr/sbin/nologin peregrine \
 && mkdir -p /app/data \
 && chown peregrine:peregrine /app /app/data

COPY --chown=peregrine:peregrine . .

ENV PATH=/app/.tools/node_modules/.bin:$PATH \
    REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    PEREGRINE_DATA_DIR=/app/data \
    PEREGRINE_CONFIG_DIR=/app/config \
    PEREGRINE_PORT=3000 \
    REFLEX_UPLOADED_FILES_DIR=/app/data/uploaded_files

# rxconfig.py pins backend_host="127.0.0.1" so that `make run` is reachable from its own machine
# only. Inside a container that would leave the published port dead. Reflex lets an environment
# variable named REFLEX_<FIELD> override any rx.Config field (reflex_base/config.py,
# Config.update_from_env, applied after the values in rxconfig.py), so the container listens on
# all of its interfaces; publishing with -p 127.0.0.1:3000:3000 keeps it private on the host.
ENV REFLEX_BACKEND_HOST=0.0.0.0

USER peregrine

# Compile the app and install the frontend's packages now, so that starting a container needs no
# network: the start-up build (scripts/serve.py) then only rebuilds the bundle (a few seconds).
# A throwaway data dir keeps the image's /app/data empty for the volume.
RUN PEREGRINE_DATA_DIR=/tmp/build-data reflex export --frontend-only --no-zip --env prod \
 && rm -rf /tmp/build-data "$HOME/.bun/install/cache" "$HOME/.cache"

VOLUME /app/data
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/ping' % os.environ.get('PEREGRINE_PORT', '3000'), timeout=4)"]

ENTRYPOINT ["/usr/bin/tini", "-g", "--", "/bin/sh", "/app/scripts/docker-entrypoint.sh"]
