"""`scripts.serve`'s supervisor, run for real with a dummy server: a killed or crashed server is
started again, a server that cannot start is given up on, and SIGTERM or Ctrl-C ends it all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scripts.serve import ROOT, describe

#: A dummy server: notes its pid (and a worker's, when asked) in a file, then serves for a minute.
DUMMY = """
import os, subprocess, sys, time
notes = open(sys.argv[1], "a")
line = str(os.getpid())
if len(sys.argv) > 2:  # a worker in the same process group, as Granian's are
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    line += " " + str(worker.pid)
notes.write(line + "\\n")
notes.flush()
time.sleep(60)
"""


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: its parent (here, init or the supervisor) just has not reaped it yet.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def starts(notes: Path) -> list[list[int]]:
    text = notes.read_text() if notes.exists() else ""
    return [[int(pid) for pid in line.split()] for line in text.splitlines()]


@pytest.fixture
def supervise(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(*command: str, first_backoff: float = 0.1, max_quick_failures: int = 5) -> subprocess.Popen[bytes]:
        options = ["--first-backoff", str(first_backoff), "--max-quick-failures", str(max_quick_failures)]
        argv = [sys.executable, "-m", "scripts.serve", "supervise", *options, "--", *command]
        supervisor = subprocess.Popen(argv, cwd=ROOT)
        started.append(supervisor)
        return supervisor

    yield start
    for supervisor in started:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()


def test_a_killed_server_is_started_again_and_sigterm_ends_everything(
    supervise: Callable[..., subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    notes = tmp_path / "starts.txt"
    supervisor = supervise(sys.executable, "-c", DUMMY, str(notes), "with a worker")
    wait_for(lambda: len(starts(notes)) == 1)
    [[server, worker]] = starts(notes)

    os.kill(server, signal.SIGKILL)
    wait_for(lambda: len(starts(notes)) == 2)
    assert supervisor.poll() is None
    assert not alive(server)
    assert not alive(worker), "the worker orphaned by the killed server is cleared, not left holding the port"

    [_, [second_server, second_worker]] = starts(notes)
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=10) == 0
    assert not alive(second_server)
    assert not alive(second_worker)


def test_a_server_that_exits_is_started_again_and_ctrl_c_stops_it(
    supervise: Callable[..., subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    notes = tmp_path / "starts.txt"
    # Exits by itself (a crash with code 3) once, then stays up.
    script = DUMMY.replace("time.sleep(60)\n", "time.sleep(60 if len(open(sys.argv[1]).readlines()) > 1 else 0)\n")
    script += "sys.exit(3)\n"
    supervisor = supervise(sys.executable, "-c", script, str(notes))
    wait_for(lambda: len(starts(notes)) == 2)
    [_, [second]] = starts(notes)
    assert alive(second)

    supervisor.send_signal(signal.SIGINT)
    assert supervisor.wait(timeout=10) == 0
    assert not alive(second)


def test_a_server_that_cannot_start_is_given_up_on(
    supervise: Callable[..., subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    notes = tmp_path / "starts.txt"
    script = "import sys; open(sys.argv[1], 'a').write('1\\n'); sys.exit(1)"
    supervisor = supervise(sys.executable, "-c", script, str(notes), first_backoff=0.01, max_quick_failures=3)
    assert supervisor.wait(timeout=10) == 1
    assert len(starts(notes)) == 3


def test_how_a_server_ended_is_said_in_words() -> None:
    assert describe(-signal.SIGKILL) == "was killed by SIGKILL"
    assert describe(-signal.SIGSEGV) == "was killed by SIGSEGV"
    assert describe(1) == "exited with code 1"
    assert describe(0) == "exited with code 0"
