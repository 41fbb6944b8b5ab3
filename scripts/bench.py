"""`make bench`: the measured figures, one JSON line each (board at 2,000 jobs, research, practice, uploads,
import, exports, backups, the calendar feed, and capturing a posting).

Everything runs against real parts: a SQLite file in a temporary folder, the
production server (`reflex run --env prod`) as a child process, and Debian's
Chromium driven by Playwright. Nothing touches the user's own data.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import http.client
import io
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
JOBS = 2000


def emit(figure: str, value: float | None = None, *, unit: str, target: float | None = None, **extra: Any) -> None:
    line: dict[str, Any] = {"figure": figure, "unit": unit}
    if value is not None:
        line["value"] = round(value, 3)
    line |= {key: round(val, 3) if isinstance(val, float) else val for key, val in extra.items()}
    if target is not None:
        measured = line.get("p95", line.get("value"))
        line["target"] = target
        line["ok"] = measured is not None and measured <= target
    print(json.dumps(line), flush=True)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


# ---- server-side figures ---------------------------------------------------------


def bench_services() -> None:
    from peregrine import db
    from peregrine.domain.stages import MoveSource, RejectionReason, Stage
    from peregrine.services import board, jobs
    from peregrine.services.candidates import current_candidate

    with db.session_scope() as session:
        candidate_id = current_candidate(session).id or 0

    def build() -> None:
        with db.session_scope() as session:
            snapshot = board.load_board(session, candidate_id)
        # What the page's state sends on load (pages/board.py): card rows and column id lists, as JSON.
        json.dumps(
            {
                "card_rows": [board.card_row(card) for card in snapshot.cards.values()],
                "columns": {stage.value: ids for stage, ids in snapshot.columns.items()},
            }
        )

    build()
    samples = [timed(build) for _ in range(30)]
    emit(
        "board_state_build_ms",
        unit="ms",
        p50=statistics.median(samples),
        p95=percentile(samples, 0.95),
        n=len(samples),
        jobs=JOBS,
        target=100,
    )

    with db.session_scope() as session:
        applied = board.load_board(session, candidate_id).columns[Stage.APPLIED][:250]
    samples = []
    for job_id in applied:
        for target, reason in ((Stage.REJECTED, RejectionReason.GHOSTED), (Stage.APPLIED, None)):

            def move(job_id: int = job_id, target: Stage = target, reason: RejectionReason | None = reason) -> None:
                with db.session_scope() as session:
                    jobs.move_job(session, job_id, target, source=MoveSource.BUTTON, reason=reason)

            samples.append(timed(move))
    emit(
        "move_job_ms",
        unit="ms",
        p50=statistics.median(samples),
        p95=percentile(samples, 0.95),
        n=len(samples),
        jobs=JOBS,
        target=10,
    )


# ---- the production server and the browser ------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def production_server(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="peregrine-bench-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod", "--backend-port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited; see {log.name}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url + "/ping", timeout=1):
                break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"the server did not start in time; see {log.name}")
        yield url, process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def tree_rss_mb(process: subprocess.Popen[bytes]) -> float:
    import psutil

    root = psutil.Process(process.pid)
    members = [root, *root.children(recursive=True)]
    return sum(member.memory_info().rss for member in members) / 2**20


# The board is fully drawn when the column counts add up to every job and each non-empty
# column shows its cards (a long column draws the cards in view; see kanban_board.jsx).
FIRST_PAINT_PROBE = """
window.__allCardsAt = null;
const expected = %d;
const drawn = () => {
  const columns = [...document.querySelectorAll('section.kanban-column')];
  const total = columns.reduce((sum, c) => sum + Number(c.querySelector('.column-count')?.textContent || 0), 0);
  return total >= expected && columns.every(
    // A column whose cards are all folded (rejected long ago) shows its "Show N older" button instead.
    (c) => Number(c.querySelector('.column-count').textContent) === 0
      || c.querySelector('article.job-card') || c.querySelector('button.column-older'));
};
const check = () => {
  if (drawn()) {
    requestAnimationFrame(() => { window.__allCardsAt = performance.now(); });
  } else {
    requestAnimationFrame(check);
  }
};
requestAnimationFrame(check);
"""

DROP_PROBE = """
([columnName, label]) => {
  window.__shownAfterDrop = null;
  window.__dropAt = null;
  const column = document.querySelector(`section[aria-label="${columnName}"]`);
  const found = () => column.querySelector(`article[aria-label="${CSS.escape(label)}"]`);
  document.addEventListener('mouseup', () => { window.__dropAt = performance.now(); }, {capture: true, once: true});
  const observer = new MutationObserver(() => {
    if (window.__dropAt !== null && found()) {
      observer.disconnect();
      requestAnimationFrame(() => { window.__shownAfterDrop = performance.now() - window.__dropAt; });
    }
  });
  observer.observe(column, {childList: true, subtree: true});
}
"""


def bench_browser(url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1700, "height": 1000})
        page = context.new_page()

        load_samples = []
        for _ in range(5):
            page.add_init_script(FIRST_PAINT_PROBE % JOBS)
            page.goto(url + "/")
            page.wait_for_function("window.__allCardsAt !== null", timeout=60_000)
            load_samples.append(float(page.evaluate("window.__allCardsAt")))
        emit(
            "page_load_all_cards_ms",
            unit="ms",
            p50=statistics.median(load_samples),
            p95=max(load_samples),
            n=len(load_samples),
            cards=JOBS,
            cards_in_dom=page.evaluate("document.querySelectorAll('article.job-card').length"),
            target=700,
        )

        received: list[int] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(len(frame))))
        page.reload()
        page.wait_for_function("window.__allCardsAt !== null", timeout=60_000)
        page.wait_for_timeout(500)

        applied = page.get_by_role("region", name="Applied", exact=True)
        phone = page.get_by_role("region", name="Phone screen", exact=True)
        drop_samples: list[float] = []
        bytes_per_move: list[int] = []
        for _ in range(50):
            first = applied.get_by_role("article").first
            label = first.get_attribute("aria-label") or ""
            page.evaluate(DROP_PROBE, ["Phone screen", label])
            source_box, target_box = first.bounding_box(), phone.bounding_box()
            assert source_box is not None
            assert target_box is not None
            received.clear()
            x, y = source_box["x"] + source_box["width"] / 2, source_box["y"] + 14
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + 10, y + 10, steps=3)
            page.mouse.move(target_box["x"] + target_box["width"] / 2, target_box["y"] + 120, steps=12)
            page.mouse.up()
            page.wait_for_function("window.__shownAfterDrop !== null", timeout=10_000)
            drop_samples.append(float(page.evaluate("window.__shownAfterDrop")))
            page.wait_for_timeout(800)  # a person drops cards seconds apart; let this move settle (toast, research)
            bytes_per_move.append(sum(received))
        emit(
            "drop_to_card_shown_ms",
            unit="ms",
            p50=statistics.median(drop_samples),
            p95=percentile(drop_samples, 0.95),
            n=len(drop_samples),
            cards=JOBS,
            target=50,
        )
        emit(
            "bytes_sent_per_move",
            unit="bytes",
            p50=statistics.median(bytes_per_move),
            p95=percentile([float(b) for b in bytes_per_move], 0.95),
            n=len(bytes_per_move),
            cards=JOBS,
            target=5 * 1024,
        )
        emit("capture_to_card_shown_ms", unit="ms", **_capture_to_card(page, url), cards=JOBS, target=300)
        browser.close()


def _capture_to_card(page: Any, url: str, samples: int = 20) -> dict[str, Any]:
    """A posting saved as the extension saves it (`POST /api/v1/capture`) until its card is drawn
    on a board open in the browser (the change announced to the page, the card inserted)."""
    import httpx

    from peregrine import db
    from peregrine.services import api_tokens
    from peregrine.services.candidates import current_candidate

    with db.session_scope() as session:
        _, token = api_tokens.create_token(session, current_candidate(session).id or 0, "bench capture")
    headers = {"Authorization": f"Bearer {token}"}
    shown = (
        "name => [...document.querySelectorAll('article.job-card')].some(c => c.getAttribute('aria-label') === name)"
    )
    times: list[float] = []
    with httpx.Client(base_url=url, headers=headers, timeout=30) as api:
        for n in range(samples):
            company, title = f"Captured {n}", "Platform Engineer"
            started = time.perf_counter()
            answer = api.post("/api/v1/capture", json={"company": company, "title": title})
            answer.raise_for_status()
            page.wait_for_function(shown, arg=f"{company} — {title}", polling="raf", timeout=10_000)
            times.append((time.perf_counter() - started) * 1000)
            page.wait_for_timeout(300)
    return {"p50": statistics.median(times), "p95": percentile(times, 0.95), "n": samples}


# ---- company research ------------------------------------------------------------------

RESEARCH_BRIEF = {
    "overview": [{"text": "Bench Corp makes benchmarks.", "sources": [1]}],
    "leadership": [{"text": "Ada Bench is the CEO.", "sources": [1]}],
    "talking_points": [{"text": "Ask about the roadmap.", "sources": [1]}],
}
SEARCH_RESULTS = [
    {
        "title": "Bench Corp",
        "url": "https://bench.example",
        "content": "Bench Corp makes benchmarks.",
        "publishedDate": None,
        "engine": "fake",
        "category": "general",
    },
]


def _new_job(company: str) -> int:
    from peregrine import db
    from peregrine.services import jobs
    from peregrine.services.candidates import current_candidate

    with db.session_scope() as session:
        candidate_id = current_candidate(session).id or 0
        job = jobs.create_job(session, candidate_id, jobs.JobFields(company=company, title="Benchmark Engineer"))
        return job.id or 0


async def _move_to_running(samples: int) -> list[float]:
    """The app's own overhead from a stage move to its research task running (in the backend's loop)."""
    import asyncio

    from peregrine import db
    from peregrine.domain.stages import MoveSource, Stage
    from peregrine.services import jobs, task_runner, tasks

    runner = asyncio.create_task(task_runner.run_forever(poll_seconds=5))
    await asyncio.sleep(0.2)
    overheads = []
    try:
        for index in range(samples):
            job_id = _new_job(f"Bench Corp {index}")
            moved_at = time.time()
            with db.session_scope() as session:
                jobs.move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.BUTTON)
            task_runner.wake()  # what the board does after a move that queued research
            while True:
                await asyncio.sleep(0.0005)
                with db.session_scope() as session:
                    task = tasks.latest_task(session, tasks.TaskKind.COMPANY_RESEARCH, job_id)
                if task is not None and task.started_at is not None:
                    break
            overheads.append((task.started_at.timestamp() - moved_at) * 1000)
            while task is not None and task.status in ("queued", "running"):  # let it finish first
                await asyncio.sleep(0.005)
                with db.session_scope() as session:
                    task = tasks.latest_task(session, tasks.TaskKind.COMPANY_RESEARCH, job_id)
    finally:
        runner.cancel()
    return overheads


BRIEF_SHOWN_PROBE = """
() => {
  window.__briefShownAt = null;
  const found = () => document.querySelector('section[aria-label="Company overview"]');
  const observer = new MutationObserver(() => {
    if (found()) {
      observer.disconnect();
      requestAnimationFrame(() => { window.__briefShownAt = performance.timeOrigin + performance.now(); });
    }
  });
  observer.observe(document.body, {childList: true, subtree: true});
}
"""


def _last_byte_to_brief(url: str, llm: Any, samples: int) -> list[float]:
    """From the model's last byte to the brief painted on the job page (wall clock, one machine)."""
    from playwright.sync_api import sync_playwright

    llm.delay_s = 0.5  # the page is watching before the answer comes
    latencies = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for index in range(samples):
            job_id = _new_job(f"Brief Corp {index}")
            llm.queue_json(RESEARCH_BRIEF)
            page.goto(f"{url}/applications/{job_id}")
            page.get_by_role("button", name="Research now").wait_for()
            page.evaluate(BRIEF_SHOWN_PROBE)
            answered = len(llm.answered_at)
            page.get_by_role("button", name="Research now").click()
            page.wait_for_function("window.__briefShownAt !== null", timeout=20_000)
            shown_at = float(page.evaluate("window.__briefShownAt"))
            assert len(llm.answered_at) == answered + 1
            latencies.append(shown_at - llm.answered_at[-1] * 1000)
        browser.close()
    return latencies


def bench_research(env: dict[str, str], data_dir: Path) -> None:
    import asyncio

    import yaml

    from tests.fakes.openai_server import FakeOpenAIServer
    from tests.fakes.searxng_server import FakeSearxng

    with FakeOpenAIServer(name="fake") as llm:
        searxng = FakeSearxng().start()
        try:
            searxng.set_results("general", SEARCH_RESULTS)
            config = data_dir / "config"
            config.mkdir(exist_ok=True)
            (config / "llm.yaml").write_text(
                yaml.safe_dump({"backends": [{"name": "fake", "base_url": llm.url, "model": llm.model}]})
            )
            (config / "services.yaml").write_text(yaml.safe_dump({"searxng": {"url": searxng.url}}))
            env = {**env, "PEREGRINE_CONFIG_DIR": str(config)}
            os.environ["PEREGRINE_CONFIG_DIR"] = str(config)

            overheads = asyncio.run(_move_to_running(30))
            emit(
                "research_move_to_running_ms",
                unit="ms",
                p50=statistics.median(overheads),
                p95=percentile(overheads, 0.95),
                n=len(overheads),
                target=50,
            )

            with production_server(env) as (url, _server):
                latencies = _last_byte_to_brief(url, llm, 10)
                llm.delay_s = 0.0
                bench_practice(url, llm)
            emit(
                "research_last_byte_to_brief_shown_ms",
                unit="ms",
                p50=statistics.median(latencies),
                p95=percentile(latencies, 0.95),
                n=len(latencies),
                target=200,
            )
        finally:
            searxng.stop()


# ---- the practice interview's streamed turns --------------------------------------

TOKEN_PAINT_PROBE = """
() => {
  window.__paints = [];
  const observer = new MutationObserver(() => {
    const el = document.querySelector('.live-text');
    if (!el) return;
    const length = el.textContent.length;
    requestAnimationFrame(() => window.__paints.push([performance.timeOrigin + performance.now(), length]));
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""


def _practice_interview() -> tuple[int, int]:
    from peregrine import db
    from peregrine.services import interviews

    job_id = _new_job("Practice Corp")
    with db.session_scope() as session:
        interview = interviews.add_round(session, job_id, interviews.RoundFields(name="Tech screen", kind="technical"))
        return job_id, interview.id or 0


def _frames_received(page: Any) -> list[float]:
    """The times of every websocket frame the page receives (state updates), from now on."""
    frames: list[float] = []

    def watch(socket: Any) -> None:
        socket.on("framereceived", lambda _payload: frames.append(time.time()))

    page.on("websocket", watch)
    return frames


def _stream_turn(page: Any, llm: Any, tokens: int, delay_s: float, frames: list[float]) -> tuple[list[float], int]:
    """One interviewer turn of `tokens` tokens: each token's server-send → browser-paint time, and WS frames."""
    page.evaluate(TOKEN_PAINT_PROBE)
    llm.chunk_sent_at.clear()
    llm.stream_delay_s = delay_s
    llm.queue_text(" ".join(f"tok{i:04d}" for i in range(tokens)))
    started = time.time()
    page.get_by_role("button", name="Start a new session").click()
    page.wait_for_function(f"window.__paints.some(([, n]) => n >= {tokens * 8 - 1})", timeout=120_000)
    finished = time.time()
    page.wait_for_timeout(300)
    paints = page.evaluate("window.__paints")
    sent = list(llm.chunk_sent_at)
    overheads, length = [], 0
    for at, text in sent:
        length += len(text)
        painted = next((when for when, shown in paints if shown >= length), None)
        if painted is not None:
            overheads.append(painted - at * 1000)
    updates = sum(started <= when <= finished for when in frames)
    return overheads, updates


def bench_practice(url: str, llm: Any) -> None:
    """Per-token overhead of the streamed interviewer (server receipt → browser paint) and updates per 1,000 tokens."""
    from playwright.sync_api import sync_playwright

    job_id, interview_id = _practice_interview()
    results: dict[float, tuple[list[float], int]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for delay_s in (0.02, 0.0025):  # 50 and 400 tokens a second: a modest and a fast model
            page = browser.new_page()
            frames = _frames_received(page)
            page.goto(f"{url}/applications/{job_id}/interview-prep?interview_id={interview_id}")
            page.get_by_role("button", name="Start a new session").wait_for()
            results[delay_s] = _stream_turn(page, llm, 400, delay_s, frames)
            page.close()
        browser.close()
    overheads = results[0.02][0] + results[0.0025][0]
    emit(
        "practice_token_overhead_ms",
        unit="ms",
        p50=statistics.median(overheads),
        p95=percentile(overheads, 0.95),
        n=len(overheads),
        target=30,
        **{
            f"p95_at_{round(1 / delay_s)}_tokens_per_s": percentile(per_rate, 0.95)
            for delay_s, (per_rate, _) in results.items()
        },
    )
    for delay_s, (_, updates) in results.items():
        emit(
            "practice_state_updates_per_1000_tokens",
            updates * 1000 / 400,
            unit="updates",
            tokens_per_second=round(1 / delay_s),
            batching="one update per 8 ms at most",
        )


# ---- analytics and the REST API at scale ------------------------------------------

SCALE_JOBS = 100_000
SCALE_ROUNDS_PER_JOB = 4
API_CLIENTS = 50
API_SECONDS = 15
API_PAUSE_MS = 100  # paced run: each client about 10 requests a second


def _fill_at_scale(
    candidate_id: int, *, jobs_count: int = SCALE_JOBS, rounds_per_job: int = SCALE_ROUNDS_PER_JOB
) -> None:
    """100,000 jobs with their stage events and 400,000 rounds, written in bulk (the services would
    take an hour to write this much one job at a time; the rows are the same shape)."""
    import random
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from peregrine import db
    from peregrine.domain.stages import Stage
    from peregrine.models import Interview, Job, StageEvent

    rng = random.Random(2026)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    main_path = [Stage.APPLIED, Stage.PHONE_SCREEN, Stage.INTERVIEWING, Stage.OFFER, Stage.HIRED]
    ends = [(Stage.APPLIED, 40), (Stage.PHONE_SCREEN, 15), (Stage.INTERVIEWING, 10), (Stage.OFFER, 3), (Stage.HIRED, 2)]
    kinds = ["recruiter", "technical", "hiring_manager", "panel", "behavioral", "system_design", "other"]
    sources = ["LinkedIn", "Referral", "Company site", "Recruiter", "Indeed"]
    reasons = ["rejected_by_company", "withdrew", "ghosted"]
    batch = 10_000
    with db.session_scope() as session:
        for first in range(0, jobs_count, batch):
            jobs, events, rounds = [], [], []
            ids = range(first + 1, min(first + batch, jobs_count) + 1)
            for job_id in ids:
                created = start + timedelta(minutes=rng.randint(0, 60 * 24 * 600))
                if rng.random() < 0.3:
                    stop = rng.choice(main_path[:4])
                    path = [*main_path[1 : main_path.index(stop) + 1], Stage.REJECTED]
                    final, rejection_stage, reason = Stage.REJECTED, stop.value, rng.choice(reasons)
                else:
                    stop = rng.choices([stage for stage, _ in ends], [weight for _, weight in ends])[0]
                    path = main_path[1 : main_path.index(stop) + 1]
                    final, rejection_stage, reason = stop, None, None
                moment, previous = created, Stage.APPLIED
                for stage in path:
                    entered, moment = moment, moment + timedelta(hours=rng.randint(12, 24 * 14))
                    events.append(
                        {
                            "job_id": job_id,
                            "from_stage": previous.value,
                            "to_stage": stage.value,
                            "source": "button",
                            "at": moment,
                            "from_entered_at": entered,
                            "rejection_reason": reason if stage is Stage.REJECTED else None,
                        }
                    )
                    previous = stage
                jobs.append(
                    {
                        "id": job_id,
                        "candidate_id": candidate_id,
                        "company": f"Company {rng.randint(1, 5000)}",
                        "title": "Engineer",
                        "url": "",
                        "location": "",
                        "source": rng.choice(sources),
                        "recruiter": "",
                        "raw_jd_text": "",
                        "stage": final.value,
                        "stage_entered_at": moment,
                        "rejection_stage": rejection_stage,
                        "rejection_reason": reason,
                        "position": float(job_id),
                        "version": 1,
                        "created_at": created,
                        "updated_at": moment,
                    }
                )
                for order in range(1, rounds_per_job + 1):
                    outcome = rng.choice(["passed", "failed", "pending", "cancelled"])
                    rounds.append(
                        {
                            "job_id": job_id,
                            "candidate_id": candidate_id,
                            "order": order,
                            "name": f"Round {order}",
                            "kind": rng.choice(kinds),
                            "format": "",
                            "focus": "",
                            "interviewers": [],
                            "scheduled_at": created,
                            "completed_at": None,
                            "outcome": outcome,
                            "overall_rating": rng.randint(1, 5),
                            "technical_rating": None,
                            "culture_fit_rating": rng.randint(1, 5),
                            "communication_rating": None,
                            "notes": "",
                            "questions_asked": [],
                            "feedback": "",
                            "next_steps": "",
                            "created_at": created,
                            "updated_at": created,
                        }
                    )
            session.execute(insert(Job), jobs)
            session.execute(insert(StageEvent), events)
            if rounds:
                session.execute(insert(Interview), rounds)
            session.commit()


def bench_scale() -> None:
    """Each analytics report at 100,000 jobs / 400,000 rounds, and GET a job over the API at 50 clients."""
    data_dir = Path(tempfile.mkdtemp(prefix="peregrine-bench-scale-"))
    env = {**os.environ, "PEREGRINE_DATA_DIR": str(data_dir), "PEREGRINE_DB_URL": f"sqlite:///{data_dir / 'p.db'}"}
    os.environ.update(env)
    try:
        from peregrine import db
        from peregrine.services import analytics, api_tokens
        from peregrine.services.candidates import current_candidate

        db.engine_for.cache_clear()
        db.migrate()
        with db.session_scope() as session:
            candidate_id = current_candidate(session).id or 0
        started = time.perf_counter()
        _fill_at_scale(candidate_id)
        print(f"# filled {SCALE_JOBS:,} jobs in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        reports: dict[str, Callable[[Any], Any]] = {
            "funnel": lambda session: analytics.conversion_funnel(session, candidate_id),
            "rounds_by_kind": lambda session: analytics.round_kind_stats(session, candidate_id),
            "time_in_stages": lambda session: analytics.time_in_stages(session, candidate_id),
            "time_to_decision": lambda session: analytics.time_to_decision(session, candidate_id),
            "rejections": lambda session: analytics.rejections(session, candidate_id),
            "source_conversion": lambda session: analytics.source_conversion(session, candidate_id),
            "company_insights": lambda session: analytics.company_insights(session, candidate_id, "Company 42"),
        }
        for name, report in reports.items():

            def run(report: Callable[[Any], Any] = report) -> None:
                with db.session_scope() as session:
                    report(session)

            run()
            samples = [timed(run) for _ in range(10)]
            emit(
                f"analytics_{name}_ms",
                unit="ms",
                p50=statistics.median(samples),
                p95=percentile(samples, 0.95),
                jobs=SCALE_JOBS,
                rounds=SCALE_JOBS * SCALE_ROUNDS_PER_JOB,
                target=200,
            )
        with db.session_scope() as session:
            _, token = api_tokens.create_token(session, candidate_id, "bench")
        with production_server(env) as (url, _server):
            _api_load(url, token, pause_ms=0, seconds=3)  # warm up
            flat_out = _api_load(url, token, pause_ms=0)
            paced = _api_load(url, token, pause_ms=API_PAUSE_MS)
        emit(
            "api_get_job_ms",
            unit="ms",
            **flat_out,
            clients=API_CLIENTS,
            load="closed loop: each client sends its next request as soon as the answer arrives",
            target=25,
        )
        emit(
            "api_get_job_paced_ms",
            unit="ms",
            **paced,
            clients=API_CLIENTS,
            load=f"each client waits {API_PAUSE_MS} ms between an answer and its next request",
            target=25,
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


FEED_ROUNDS = 1000


@contextlib.contextmanager
def _scratch_databases() -> Iterator[Callable[[str], tuple[Path, int]]]:
    """Fresh databases for a group of figures: `new(prefix)` makes one in a temporary folder, migrated,
    and the process's own from then on (its folder and candidate). Afterwards the process is back on
    the database it had, and the folders are gone."""
    from peregrine import db
    from peregrine.services.candidates import current_candidate

    saved = {name: os.environ.get(name) for name in ("PEREGRINE_DATA_DIR", "PEREGRINE_DB_URL")}
    folders: list[Path] = []

    def new(prefix: str) -> tuple[Path, int]:
        data_dir = Path(tempfile.mkdtemp(prefix=prefix))
        folders.append(data_dir)
        os.environ.update(
            {"PEREGRINE_DATA_DIR": str(data_dir), "PEREGRINE_DB_URL": f"sqlite:///{data_dir / 'peregrine.db'}"}
        )
        db.engine_for.cache_clear()
        db.migrate()
        with db.session_scope() as session:
            return data_dir, current_candidate(session).id or 0

    try:
        yield new
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        db.engine_for.cache_clear()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


TODAY_JOBS = 2000
TODAY_ROUNDS_PER_JOB = 4
TODAY_OWN_STEPS = 500


def bench_today() -> None:
    """Today's read (what `/today`'s load runs, with its rows serialised) and the board's read, which
    now carries the due badges, at 2,000 jobs and 8,000 rounds with 500 steps written by hand."""
    with _scratch_databases() as new_database:
        _, candidate_id = new_database("peregrine-bench-today-")
        from dataclasses import asdict
        from datetime import UTC, datetime, timedelta

        from sqlalchemy import insert

        from peregrine import db
        from peregrine.config import user_profile
        from peregrine.models import NextStep
        from peregrine.services import board
        from peregrine.services.today import today_view

        _fill_at_scale(candidate_id, jobs_count=TODAY_JOBS, rounds_per_job=TODAY_ROUNDS_PER_JOB)
        now = datetime.now(UTC)
        with db.session_scope() as session:
            session.execute(
                insert(NextStep),
                [
                    {
                        "candidate_id": candidate_id,
                        "job_id": job_id,
                        "rule_key": f"own:{job_id}",
                        "kind": "own",
                        "title": "Send the portfolio",
                        "due_at": now + timedelta(hours=job_id % 96 - 48),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for job_id in range(1, TODAY_OWN_STEPS + 1)
                ],
            )
        profile = user_profile()
        shown: dict[str, int] = {}

        def read_today() -> None:
            with db.session_scope() as session:
                view = today_view(session, candidate_id, rules=profile.step_rules, zone=profile.zone)
            rows: dict[str, list[Any]] = {
                "steps": view.steps,
                "rounds": view.rounds,
                "deadlines": view.deadlines,
                "quiet": view.quiet,
            }
            json.dumps({name: [asdict(row) for row in found] for name, found in rows.items()})
            shown.update({name: len(found) for name, found in rows.items()})

        def read_board() -> None:
            with db.session_scope() as session:
                snapshot = board.load_board(session, candidate_id, filters=board.BoardFilters(due="due"))
            json.dumps([board.card_row(card) for card in snapshot.cards.values()])

        for name, read in (("today_load", read_today), ("board_due_filter", read_board)):
            read()
            samples, cpu = [], []
            for _ in range(30):
                started_cpu = time.process_time()
                samples.append(timed(read))
                cpu.append((time.process_time() - started_cpu) * 1000)
            emit(
                f"{name}_ms",
                unit="ms",
                p50=statistics.median(samples),
                p95=percentile(samples, 0.95),
                # The process's own CPU time: on a shared machine the wall clock also counts waiting.
                cpu_p50=statistics.median(cpu),
                cpu_p95=percentile(cpu, 0.95),
                load_average=round(os.getloadavg()[0], 1),
                n=len(samples),
                jobs=TODAY_JOBS,
                rounds=TODAY_JOBS * TODAY_ROUNDS_PER_JOB,
                own_steps=TODAY_OWN_STEPS,
                target=100,
                **({f"{key}_shown": value for key, value in shown.items()} if name == "today_load" else {}),
            )


def bench_backup() -> None:
    """A backup and a restore of a 100,000-job database, and the calendar feed at 1,000 rounds."""
    from peregrine.services import backups

    with _scratch_databases() as new_database:
        data_dir, candidate_id = new_database("peregrine-bench-backup-")
        _fill_at_scale(candidate_id)
        size_mb = (data_dir / "peregrine.db").stat().st_size / 2**20
        made: list[Any] = []
        backup_ms = timed(lambda: made.append(backups.make_backup(keep=5)))
        emit(
            "backup_ms",
            backup_ms,
            unit="ms",
            jobs=SCALE_JOBS,
            rounds=SCALE_JOBS * SCALE_ROUNDS_PER_JOB,
            database_mb=round(size_mb, 1),
            backup_mb=round(made[0].size_bytes / 2**20, 1),
        )
        restore_ms = timed(lambda: backups.restore(made[0].path))
        emit(
            "restore_ms",
            restore_ms,
            unit="ms",
            jobs=SCALE_JOBS,
            includes="checking a copy, backing up the current database, writing the backup into it",
        )

        _, candidate_id = new_database("peregrine-bench-feed-")
        _fill_at_scale(candidate_id, jobs_count=FEED_ROUNDS // SCALE_ROUNDS_PER_JOB)
        wall, cpu = asyncio.run(_feed_samples(candidate_id, samples=50))
        emit(
            "calendar_feed_ms",
            unit="ms",
            p50=statistics.median(wall),
            p95=percentile(wall, 0.95),
            cpu_p50=statistics.median(cpu),
            cpu_p95=percentile(cpu, 0.95),
            load_average=os.getloadavg()[0],
            rounds=FEED_ROUNDS,
            path="GET through the edge and the API app, in process (no socket); cpu: the process's CPU time",
            target=100,
        )


async def _feed_samples(candidate_id: int, *, samples: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each GET (CPU shows the cost on a busy machine)."""
    import httpx

    from peregrine import db
    from peregrine.api.app import mount_api
    from peregrine.routes import calendar_feed_url
    from peregrine.services import calendar_feed
    from peregrine.web import site

    async def not_reflex(_scope: Any, _receive: Any, _send: Any) -> None:
        raise AssertionError("the feed never reaches Reflex")

    with db.session_scope() as session:
        _, secret = calendar_feed.new_feed(session, candidate_id)
    edge = site.guard(mount_api(not_reflex))
    wall: list[float] = []
    cpu: list[float] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=edge), base_url="http://127.0.0.1:3000") as http:
        for number in range(samples + 3):  # the first few warm the caches up
            started, cpu_started = time.perf_counter(), time.process_time()
            answer = await http.get(calendar_feed_url(secret))
            elapsed, cpu_elapsed = (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000
            assert answer.status_code == 200
            assert answer.content.count(b"BEGIN:VEVENT") == FEED_ROUNDS
            if number >= 3:
                wall.append(elapsed)
                cpu.append(cpu_elapsed)
    return wall, cpu


def _api_load(url: str, token: str, *, pause_ms: int, seconds: int = API_SECONDS) -> dict[str, Any]:
    """wrk's figures for GET a random job over API_CLIENTS keep-alive connections (see the script)."""
    finished = subprocess.run(
        ["wrk", "-t1", f"-c{API_CLIENTS}", f"-d{seconds}s", "-s", str(ROOT / "scripts" / "bench_get_job.lua"), url],
        env={**os.environ, "TOKEN": token, "JOBS": str(SCALE_JOBS), "DELAY_MS": str(pause_ms)},
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return figures


# ---- memory an idle board session keeps ------------------------------------------------------

IDLE_SESSIONS = 10


def _board_session(browser: Any, url: str, jobs_count: int) -> None:
    """One tab that loads the whole board, then closes."""
    context = browser.new_context(viewport={"width": 1700, "height": 1000})
    page = context.new_page()
    page.add_init_script(FIRST_PAINT_PROBE % jobs_count)
    page.goto(url + "/")
    page.wait_for_function("window.__allCardsAt !== null", timeout=120_000)
    page.wait_for_timeout(500)  # the last batch and the follower settle
    context.close()


def bench_sessions(base_env: dict[str, str]) -> None:
    """Backend memory each board session keeps once its tab is closed (Reflex holds a session's state
    for an hour after that), at 2,000 and 10,000 jobs: RSS after ten tabs loaded the whole board
    and closed, minus RSS before them, divided by ten."""
    from playwright.sync_api import sync_playwright

    from peregrine import db
    from peregrine.services.candidates import current_candidate

    for jobs_count in (2_000, 10_000):
        data_dir = Path(tempfile.mkdtemp(prefix="peregrine-bench-sessions-"))
        env = {**base_env, "PEREGRINE_DATA_DIR": str(data_dir), "PEREGRINE_DB_URL": f"sqlite:///{data_dir / 'p.db'}"}
        os.environ.update(env)
        try:
            db.engine_for.cache_clear()
            db.migrate()
            with db.session_scope() as session:
                candidate_id = current_candidate(session).id or 0
            _fill_at_scale(candidate_id, jobs_count=jobs_count, rounds_per_job=0)
            with production_server(env) as (url, server), sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                _board_session(browser, url, jobs_count)  # warm-up: first compiles, caches and pools
                time.sleep(2)
                before = tree_rss_mb(server)
                for _ in range(IDLE_SESSIONS):
                    _board_session(browser, url, jobs_count)
                time.sleep(2)
                after = tree_rss_mb(server)
                browser.close()
            emit(
                "idle_session_memory_mb",
                (after - before) / IDLE_SESSIONS,
                unit="MiB",
                jobs=jobs_count,
                sessions=IDLE_SESSIONS,
                rss_before_mb=round(before, 1),
                rss_after_mb=round(after, 1),
            )
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)


# ---- uploads: the event loop while screenshots are checked ----------------------------

UPLOAD_SIDE = 6_300  # 39.7 MP: just under the 40 MP limit per image, as in the security report
UPLOADS = 10
GET_PAUSE_S = 0.01  # the client's pause between an answer and its next GET


def _near_limit_png() -> bytes:
    """A screenshot-like PNG (lines on white) of UPLOAD_SIDE x UPLOAD_SIDE pixels, ~170 KB."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (UPLOAD_SIDE, UPLOAD_SIDE), (250, 250, 250, 255))
    draw = ImageDraw.Draw(image)
    for y in range(0, UPLOAD_SIDE, 200):
        draw.line((0, y, UPLOAD_SIDE, y), fill=(30, 30, 30, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


async def _answer_gets(reader: Any, writer: Any) -> None:
    """A tiny HTTP/1.1 server on the loop under test: every GET gets `ok` (keep-alive)."""
    try:
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


def _time_gets(port: int, stop: Any, samples: list[float]) -> None:
    """The client, in its own thread: GET / over one keep-alive connection until `stop` is set."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not stop.is_set():
        start = time.perf_counter()
        connection.request("GET", "/")
        connection.getresponse().read()
        samples.append((time.perf_counter() - start) * 1000)
        time.sleep(GET_PAUSE_S)
    connection.close()


def _reset_peak_rss() -> int:
    """Reset this process's peak resident memory (Linux); its resident memory now, in MiB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _rss_mb("VmRSS")


def _rss_mb(field: str) -> int:
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field))
    return int(line.split()[1]) // 1024


async def _gets_during(work: Callable[[], Any] | None) -> dict[str, Any]:
    """GET latencies from a client thread to a server on this loop while the loop runs `work`
    (None: one idle second), with how long the work took and the peak memory it added."""
    server = await asyncio.start_server(_answer_gets, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    stop, samples = threading.Event(), list[float]()
    client = threading.Thread(target=_time_gets, args=(port, stop, samples), daemon=True)
    client.start()
    await asyncio.sleep(0.3)  # warm: the connection is open and answered before the work starts
    samples.clear()
    base_mb = _reset_peak_rss()
    start = time.perf_counter()
    await (work() if work is not None else asyncio.sleep(1.0))
    work_s = time.perf_counter() - start
    stop.set()
    await asyncio.to_thread(client.join)
    server.close()
    await server.wait_closed()
    return {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "max": max(samples),
        "n": len(samples),
        "work_s": work_s,
        "peak_rss_added_mb": _rss_mb("VmHWM") - base_mb,
    }


def bench_uploads() -> None:
    """A small GET's latency on an event loop while ten uploads of a near-limit screenshot each are
    checked at once, through the code the survey page runs (`uploads.screen_off_loop` in its upload
    handler, `uploads.decode_off_loop` in its background event), against the same GET idle and
    against the check run inside the async handler itself, as before (`uploads.check_uploads`).

    What it measures: how long the loop takes to answer a trivial request while the checks run; the
    server (asyncio streams) and the checks share one loop, the client is a thread of its own.
    """
    from peregrine.services import uploads

    png = _near_limit_png()

    def batch() -> list[tuple[str, Any]]:
        return [("survey.png", io.BytesIO(png))]

    async def off_loop() -> None:  # what the page does now: ten people's uploads, queued for one decoder
        async def one() -> None:
            await uploads.decode_off_loop(await uploads.screen_off_loop(batch()))

        await asyncio.gather(*(one() for _ in range(UPLOADS)))

    async def on_loop() -> None:  # before: each upload handler checked its files itself, on the loop
        async def handler() -> None:
            uploads.check_uploads(batch())

        await asyncio.gather(*(handler() for _ in range(UPLOADS)))

    async def unlimited_threads() -> None:  # asyncio.to_thread alone, without the one decoder thread
        await asyncio.gather(*(asyncio.to_thread(uploads.check_uploads, batch()) for _ in range(UPLOADS)))

    common = {"uploads": UPLOADS, "megapixels_each": round(UPLOAD_SIDE**2 / 1e6, 1), "png_bytes": len(png)}
    idle = asyncio.run(_gets_during(None))
    emit("upload_check_get_idle_ms", unit="ms", **{k: idle[k] for k in ("p50", "p95", "max", "n")})
    for figure, work, target in (
        ("upload_check_get_ms", off_loop, 50.0),
        ("upload_check_get_on_loop_ms", on_loop, None),
        ("upload_check_get_unlimited_threads_ms", unlimited_threads, None),
    ):
        emit(figure, unit="ms", target=target, **asyncio.run(_gets_during(work)), **common)


def bench_documents() -> None:
    """Reading a resume's text as the Resume page does (`resume_document.read_document`, in a worker
    thread there): a DOCX of eight projects, a full one-page PDF, and a scanned page read by Tesseract."""
    from peregrine.services.resume_document import read_document
    from tests.fakes import resume_documents

    bullets = [f"Delivered outcome {b} for the payments team" for b in range(5)]
    projects = [(f"Project {n}", bullets) for n in range(8)]
    lines = [line for _ in range(6) for line in resume_documents.RESUME_LINES]
    files = {
        "docx": (resume_documents.resume_docx(projects=projects), 20),
        "pdf": (resume_documents.resume_pdf(lines[:48]), 20),
        "scan": (resume_documents.scanned_pdf(lines[:24]), 3),
    }
    for kind, (data, runs) in files.items():
        samples = [timed(functools.partial(read_document, data)) for _ in range(runs)]
        emit(
            f"resume_read_{kind}_ms",
            unit="ms",
            p50=statistics.median(samples),
            p95=percentile(samples, 0.95),
            n=runs,
            bytes=len(data),
        )


CAPTURE_RUNS = 30


def bench_capture() -> None:
    """Capturing a posting: the extraction of each fixture page (tests/fakes/posting_pages, the
    preview's work), p95 over all of them; and the capture API's save of a reviewed job."""
    import httpx

    from peregrine.api.app import build_api
    from peregrine.services import api_tokens
    from peregrine.services.candidates import current_candidate
    from peregrine.services.capture.extract import extract
    from tests.fakes.postings import names, page

    samples: list[float] = []
    for name in names():
        html = page(name)
        samples += [timed(functools.partial(extract, "https://careers.example.org/jobs/1", html)) for _ in range(10)]
    emit(
        "capture_extract_ms",
        unit="ms",
        p50=statistics.median(samples),
        p95=percentile(samples, 0.95),
        target=50,
        n=len(samples),
        pages=len(names()),
    )

    # A heavy page (a signed-in LinkedIn view is 1-3 MB): the standard library's parser is linear
    # but not fast, and this says how slow (the description's markdown stops at a job's limit).
    heavy = page("no_structured_data").replace("</main>", "<div><p>A <b>long</b> page's paragraph.</p></div>" * 20_000)
    heavy_runs = [timed(functools.partial(extract, "https://careers.example.org/jobs/1", heavy)) for _ in range(3)]
    emit("capture_extract_1mb_ms", statistics.median(heavy_runs), unit="ms", bytes=len(heavy.encode()), n=3)

    from peregrine import db

    with db.session_scope() as session:
        _, token = api_tokens.create_token(session, current_candidate(session).id or 0, "bench")

    async def saves() -> list[float]:
        transport = httpx.ASGITransport(app=build_api())
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://peregrine", headers=headers) as client:
            times = []
            for run in range(CAPTURE_RUNS):
                body = {"company": f"Captured {run}", "title": "Engineer", "description": "x" * 5000}
                started = time.perf_counter()
                answer = await client.post("/api/v1/capture", json=body)
                times.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 201, answer.text
            return times

    saved = asyncio.run(saves())
    emit("capture_save_ms", unit="ms", p50=statistics.median(saved), p95=percentile(saved, 0.95), n=CAPTURE_RUNS)


IMPORT_ROWS = 2000
IMPORT_RUNS = 3


def _import_csv(run: int) -> bytes:
    """A tracker's export of `IMPORT_ROWS` applications with histories: every status, dates in
    day-first form, a phone screen and an interview date where the status got that far."""
    statuses = ["Applied", "Phone screen", "Onsite", "Offer", "Rejected", "No response", "Hired", "Wishlist"]
    lines = ["Company,Job Title,Status,Date Applied,Phone screen date,Interview date,URL,Location,Salary,Notes"]
    for row in range(IMPORT_ROWS):
        status = statuses[row % len(statuses)]
        day = 1 + row % 28
        later = status not in ("Applied", "Wishlist", "No response")
        screen = f"{min(day + 1, 28):02d}/02/2026" if later else ""
        interview = f"{min(day + 2, 28):02d}/03/2026" if status in ("Onsite", "Offer", "Hired") else ""
        lines.append(
            f"Company {run}-{row},Engineer {row},{status},{day:02d}/01/2026,{screen},{interview},"
            f'https://jobs.example/{run}/{row},Berlin,"90k-110k EUR",Imported note {row}'
        )
    return ("\n".join(lines) + "\n").encode()


def bench_import() -> None:
    """A 2,000-row CSV with histories imported end to end, as the page's Import does it: the bytes
    read, the mapping guessed, the dry run, the bulk write and the commit (target 3 s). The database
    already holds the demo's 2,000 jobs, so the duplicate check reads a real board."""
    from peregrine import db
    from peregrine.services import spreadsheet_import as imports
    from peregrine.services.candidates import current_candidate

    with db.session_scope() as session:
        candidate_id = current_candidate(session).id or 0
    dry, full = [], []
    for run in range(IMPORT_RUNS):
        data = _import_csv(run)

        def plan(data: bytes = data) -> tuple[imports.Table, imports.ImportPlan]:
            table = imports.read_table(data, "export.csv")
            with db.session_scope() as session:
                return table, imports.first_plan(session, candidate_id, table)

        def dry_run() -> None:
            table, chosen = plan()
            with db.session_scope() as session:
                imports.dry_run(session, candidate_id, table, chosen)

        def import_all() -> None:
            table, chosen = plan()
            with db.session_scope() as session:
                imports.import_table(session, candidate_id, table, chosen)

        dry.append(timed(dry_run))
        full.append(timed(import_all))
    common = {"rows": IMPORT_ROWS, "n": IMPORT_RUNS, "jobs_before": JOBS}
    emit("import_dry_run_ms", statistics.median(dry), unit="ms", max=max(dry), **common)
    emit("import_csv_ms", statistics.median(full), unit="ms", max=max(full), target=3000, **common)


def bench_export() -> None:
    """The exports of the demo's 2,000 jobs as the page, the CLI and the API make them (CSV, XLSX, the
    full archive), and the archive's import into an empty database, each timed end to end."""
    from peregrine import db
    from peregrine.services import archive, export
    from peregrine.services.candidates import current_candidate

    with db.session_scope() as session:
        candidate_id = current_candidate(session).id or 0
    made: dict[str, bytes] = {}

    def run(kind: str) -> None:
        with db.session_scope() as session:
            if kind == "archive":
                out = io.BytesIO()
                archive.write_archive(session, candidate_id, out)
                made[kind] = out.getvalue()
            else:
                made[kind] = (
                    export.jobs_csv(session, candidate_id) if kind == "csv" else export.jobs_xlsx(session, candidate_id)
                )

    for kind in ("csv", "xlsx", "archive"):
        samples = [timed(functools.partial(run, kind)) for _ in range(5)]
        emit(
            f"export_{kind}_ms",
            unit="ms",
            p50=statistics.median(samples),
            max=max(samples),
            n=len(samples),
            jobs=JOBS,
            kilobytes=round(len(made[kind]) / 1024),
        )

    saved = {name: os.environ[name] for name in ("PEREGRINE_DATA_DIR", "PEREGRINE_DB_URL")}
    target = Path(tempfile.mkdtemp(prefix="peregrine-bench-import-"))
    try:
        os.environ["PEREGRINE_DATA_DIR"] = str(target)
        os.environ["PEREGRINE_DB_URL"] = f"sqlite:///{target / 'peregrine.db'}"
        db.migrate()
        started = time.perf_counter()
        with db.session_scope() as session:
            summary = archive.import_archive(session, io.BytesIO(made["archive"]))
        emit(
            "archive_import_ms",
            (time.perf_counter() - started) * 1000,
            unit="ms",
            jobs=summary.jobs,
            rows=sum(summary.rows.values()),
        )
    finally:
        os.environ.update(saved)
        shutil.rmtree(target, ignore_errors=True)


#: The question bank's size for its search figure: 500 jobs x 4 rounds x 10 questions asked.
BANK_QUESTIONS = 20_000
_BANK_WORDS = ("kafka", "design", "conflict", "sql", "culture", "partition", "latency", "team", "python", "failure")


def bench_questions() -> None:
    """The question bank's search at 20,000 questions (one indexed query, the page's words and tag),
    and filling the bank from the rounds once."""
    from peregrine import db
    from peregrine.models import Interview
    from peregrine.services import question_bank
    from peregrine.services.jobs import JobFields, create_job

    with _scratch_databases() as new_database:
        _, candidate_id = new_database("peregrine-bench-questions-")
        rounds_per_job, per_round = 4, 10
        with db.session_scope() as session:
            for job_number in range(BANK_QUESTIONS // (rounds_per_job * per_round)):
                job = create_job(session, candidate_id, JobFields(company=f"Bank {job_number}", title="Engineer"))
                session.flush()
                session.add_all(
                    Interview(
                        job_id=job.id or 0,
                        candidate_id=candidate_id,
                        order=order,
                        name=f"Round {order}",
                        questions_asked=[
                            f"Question {job_number}-{order}-{n} about {_BANK_WORDS[(job_number + n) % 10]} "
                            f"and {_BANK_WORDS[(order + n) % 10]}"
                            for n in range(per_round)
                        ],
                    )
                    for order in range(1, rounds_per_job + 1)
                )
        with db.session_scope() as session:
            sync_ms = timed(lambda: question_bank.sync_bank(session, candidate_id=candidate_id))
        emit("question_bank_sync_ms", sync_ms, unit="ms", questions=BANK_QUESTIONS, writes="every question, once")
        with db.session_scope() as session:  # what opening /questions costs when nothing changed
            resync_ms = timed(lambda: question_bank.sync_bank(session, candidate_id=candidate_id))
        emit("question_bank_resync_ms", resync_ms, unit="ms", questions=BANK_QUESTIONS, writes="none")
        searches = [
            ("", ""),
            ("kafka", ""),
            ("design latency", ""),
            ("", "technical"),
            ("team", "culture"),
            ("zzz", ""),
        ]
        samples: list[float] = []
        with db.session_scope() as session:
            for run in range(120):
                words, tag = searches[run % len(searches)]
                samples.append(
                    timed(
                        functools.partial(
                            question_bank.search, session, candidate_id=candidate_id, words=words, tag=tag
                        )
                    )
                )
        emit(
            "question_bank_search_ms",
            unit="ms",
            p50=statistics.median(samples),
            p95=percentile(samples, 0.95),
            questions=BANK_QUESTIONS,
            load_average=os.getloadavg()[0],
            searches="no words, one word, two words, a tag, a word and a tag, no match (the first 50 and the count)",
            target=100,
        )


def main(argv: list[str]) -> int:
    """`python -m scripts.bench [board] [llm] [scale] [uploads] [sessions] [documents] [export] [import]
    [backup] [questions] [today] [capture]`: the named groups of figures (default: all)."""
    groups = set(argv) or {
        "board",
        "llm",
        "scale",
        "uploads",
        "sessions",
        "documents",
        "export",
        "import",
        "backup",
        "questions",
        "today",
        "capture",
    }
    data_dir = Path(tempfile.mkdtemp(prefix="peregrine-bench-"))
    env = {
        **os.environ,
        "PEREGRINE_DATA_DIR": str(data_dir),
        "PEREGRINE_DB_URL": f"sqlite:///{data_dir / 'peregrine.db'}",
        "PEREGRINE_CONFIG_DIR": str(data_dir),
        "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    os.environ.update(env)
    try:
        from peregrine import db
        from peregrine.services.demo import load_demo

        db.migrate()
        started = time.perf_counter()
        with db.session_scope() as session:
            load_demo(session, jobs=JOBS)
        emit("demo_load_ms", (time.perf_counter() - started) * 1000, unit="ms", jobs=JOBS)
        gc.freeze()  # as the app does once started (peregrine.py), so collections skip long-lived objects
        if "board" in groups:
            bench_services()
            with production_server(env) as (url, server):
                bench_browser(url)
                emit("backend_rss_mb", tree_rss_mb(server), unit="MiB", jobs=JOBS)
        if "llm" in groups:
            bench_research(env, data_dir)  # research, then the practice interview's streaming
        if "scale" in groups:
            bench_scale()
        if "sessions" in groups:
            bench_sessions(env)
        if "uploads" in groups:
            bench_uploads()
        if "documents" in groups:
            bench_documents()
        if "capture" in groups:
            bench_capture()
        if "export" in groups:
            bench_export()  # before the import's 6,000 more jobs: the exports are of the demo's 2,000
        if "import" in groups:
            bench_import()
        if "backup" in groups:
            bench_backup()
        if "questions" in groups:
            bench_questions()
        if "today" in groups:
            bench_today()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
