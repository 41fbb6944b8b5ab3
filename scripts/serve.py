"""`make run` and the container: build the frontend once, then serve it with the backend on one
port, and start the server again whenever it dies.

    python -m scripts.serve [--port N]           build, then serve and keep serving (Ctrl-C stops)
    python -m scripts.serve server [--port N]    the server alone: the built frontend + the backend
    python -m scripts.serve supervise -- CMD...  keep any command running (what the first one uses)

Why not `reflex run --env prod` under a loop: it compiles the app and rebuilds the frontend on
every start (35-87 s), so a crashed backend would leave the app down for a minute. The build is
`reflex export --frontend-only` (the same compile and bundle `reflex run` does); the server is
Reflex's own production backend (`reflex.utils.exec.run_backend_prod`) with the compiled frontend
mounted on the same port and compiling skipped, which is what `reflex run --env prod` runs after
its build. The bundle holds the port it was built for, so the server reuses it only on that port.

The supervisor runs the server in a process group of its own, so a terminal's Ctrl-C reaches the
supervisor alone; it passes SIGTERM on to the whole group, and after any end of the server it
clears what is left of that group (workers orphaned by a killed main process would hold the port).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def log(message: str) -> None:
    print(f"peregrine serve: {message}", file=sys.stderr, flush=True)


def describe(returncode: int) -> str:
    """How a child ended, in words: `killed by SIGKILL`, `exited with code 1`."""
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


@dataclass
class Supervisor:
    """Keep `command` running: start it again after any end it was not asked for, waiting longer
    after each quick failure, and give up after `max_quick_failures` quick failures in a row (a
    server that cannot start at all should say so, not spin). SIGINT, SIGTERM and SIGHUP stop it.
    """

    command: Sequence[str]
    env: Mapping[str, str] | None = None
    first_backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    healthy_after_s: float = 30.0  # a server that ran this long did not fail "quickly"
    max_quick_failures: int = 5
    stop_timeout_s: float = 15.0
    _stopping: bool = field(default=False, init=False, repr=False)
    _kill_now: bool = field(default=False, init=False, repr=False)

    def run(self) -> int:
        """Supervise until told to stop (0) or until the command keeps failing (1)."""
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_stop_signal)
        quick_failures = 0
        while not self._stopping:
            started = time.monotonic()
            returncode = self._run_once()
            if self._stopping:
                break
            lived = time.monotonic() - started
            quick_failures = quick_failures + 1 if lived < self.healthy_after_s else 0
            if quick_failures >= self.max_quick_failures:
                log(f"the server {describe(returncode)}, {quick_failures} times in a row within seconds; giving up")
                return 1
            delay = min(self.first_backoff_s * 2 ** max(quick_failures - 1, 0), self.max_backoff_s)
            log(f"the server {describe(returncode)} after {lived:.0f} s; starting it again in {delay:g} s")
            self._sleep(delay)
        log("stopped")
        return 0

    def _on_stop_signal(self, signum: int, _frame: FrameType | None) -> None:
        # Only flags here: the wait loop passes the signal on, so one arriving while the child is
        # being started is not lost.
        if self._stopping and signum == signal.SIGINT:
            self._kill_now = True  # a second Ctrl-C: no more waiting
        self._stopping = True

    def _run_once(self) -> int:
        child = subprocess.Popen(list(self.command), env=self.env, start_new_session=True)
        terminated_at: float | None = None
        try:
            while True:
                try:
                    return child.wait(timeout=0.1)
                except subprocess.TimeoutExpired:
                    pass
                if self._stopping and terminated_at is None:
                    log("stopping the server")
                    _signal_group(child.pid, signal.SIGTERM)
                    terminated_at = time.monotonic()
                elif terminated_at is not None and (
                    self._kill_now or time.monotonic() - terminated_at > self.stop_timeout_s
                ):
                    log("the server is not stopping; killing it")
                    _signal_group(child.pid, signal.SIGKILL)
                    self._kill_now, terminated_at = False, float("inf")
        finally:
            _clear_group(child.pid)

    def _sleep(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < until:
            time.sleep(0.05)


def _signal_group(pgid: int, signum: int) -> bool:
    """Send `signum` to the process group; False when nothing is left in it."""
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        return False
    return True


def _clear_group(pgid: int, grace_s: float = 5.0) -> None:
    """End whatever is left in the server's process group (its workers, once the main process
    died): SIGTERM, then SIGKILL after `grace_s`."""
    if not _signal_group(pgid, signal.SIGTERM):
        return
    until = time.monotonic() + grace_s
    while time.monotonic() < until:
        if not _signal_group(pgid, 0):  # signal 0: is anyone left?
            return
        time.sleep(0.05)
    _signal_group(pgid, signal.SIGKILL)


# ----------------------------------------------------------------------------- the app
def reflex_env(port: int) -> dict[str, str]:
    """The environment of the build and the server: production, and one port for both halves
    (the bundle is built for it: the page connects back to that port)."""
    return {
        **os.environ,
        "REFLEX_ENV_MODE": "prod",
        "REFLEX_FRONTEND_PORT": str(port),
        "REFLEX_BACKEND_PORT": str(port),
    }


def build(port: int) -> int:
    """Compile the app and bundle the frontend for `port`, once (the slow part: 35-87 s)."""
    log(f"building the frontend for port {port} (once; restarts reuse it)")
    command = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"]
    return subprocess.run(command, cwd=ROOT, env=reflex_env(port), check=False).returncode


def serve_built(port: int) -> None:
    """Serve the built frontend and the backend on `port`, compiling and building nothing."""
    from reflex.utils import exec as reflex_exec
    from reflex.utils import prerequisites
    from reflex_base.config import get_config
    from reflex_base.environment import environment

    if not (prerequisites.get_web_dir() / "build" / "client" / "index.html").exists():
        log("no built frontend in .web/build/client: run `python -m scripts.serve` (it builds first)")
        raise SystemExit(2)
    environment.REFLEX_SKIP_COMPILE.set(True)  # the workers import the app; the build is done
    config = get_config()
    log(f"serving on http://{config.backend_host}:{port}")
    reflex_exec.run_backend_prod(
        config.backend_host, port, config.loglevel.subprocess_level(), mount_frontend_compiled_app=True
    )


def server_command(port: int) -> list[str]:
    return [sys.executable, "-m", "scripts.serve", "server", "--port", str(port)]


def main(argv: Sequence[str] | None = None) -> int:
    from peregrine.config import app_port

    parser = argparse.ArgumentParser(prog="python -m scripts.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=app_port(), help="default: PEREGRINE_PORT, else 3000")
    commands = parser.add_subparsers(dest="command")
    server = commands.add_parser("server", help="serve the built frontend and the backend, no build")
    server.add_argument("--port", type=int, default=argparse.SUPPRESS)
    supervise = commands.add_parser("supervise", help="keep a command running")
    supervise.add_argument("--first-backoff", type=float, default=1.0, help="seconds before the first restart")
    supervise.add_argument("--max-quick-failures", type=int, default=5)
    supervise.add_argument("argv", nargs=argparse.REMAINDER, help="-- then the command")
    args = parser.parse_args(argv)

    if args.command == "server":
        os.chdir(ROOT)
        serve_built(args.port)
        return 0
    if args.command == "supervise":
        command = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
        if not command:
            parser.error("supervise needs a command after --")
        supervisor = Supervisor(command, first_backoff_s=args.first_backoff, max_quick_failures=args.max_quick_failures)
        return supervisor.run()
    try:
        built = build(args.port)
    except KeyboardInterrupt:  # Ctrl-C during the build: the build got it too and stopped
        log("stopped before the build finished")
        return 130
    if built != 0:
        log("the build failed; nothing to serve")
        return 1
    return Supervisor(server_command(args.port), env=reflex_env(args.port)).run()


if __name__ == "__main__":
    sys.exit(main())
