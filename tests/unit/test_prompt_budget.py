"""Trimming a prompt's inputs to the room a model's window leaves (`llm.budget`), and saying what went."""

from __future__ import annotations

from peregrine.llm.budget import CHARS_PER_TOKEN, CUT_MARK, PromptInput, Room, fit_inputs, rank_by_overlap

WINDOW = Room(tokens=0, backend="local", window=4096)


def projects(count: int, size: int = 300) -> PromptInput:
    blocks = [f"Project {number}: " + "x" * size for number in range(1, count + 1)]
    return PromptInput("projects", blocks, "projects", weight=3, order="the most relevant to the job first")


def description(chars: int) -> PromptInput:
    text = "\n".join(f"Line of the job description, number {n:04d}." for n in range(chars // 42 + 1))[:chars]
    return PromptInput("job_description", [text], "the job description", weight=3, whole=False)


def tokens_for(chars: int) -> int:
    return int(chars / CHARS_PER_TOKEN) + 16  # the margin fit_inputs keeps


def test_everything_goes_in_when_it_fits_and_nothing_is_said() -> None:
    fitted = fit_inputs([projects(3), description(1000)], room_tokens=10_000)
    assert fitted.texts["projects"].count("Project ") == 3
    assert len(fitted.texts["job_description"]) == 1000
    assert fitted.notice(WINDOW) == ""


def test_projects_go_whole_in_their_ranked_order_and_the_notice_counts_them() -> None:
    fitted = fit_inputs([projects(9)], room_tokens=tokens_for(3 * 320))
    sent = fitted.texts["projects"]
    assert [line.split(":")[0] for line in sent.split("\n\n")] == ["Project 1", "Project 2", "Project 3"]
    assert fitted.notice(WINDOW) == (
        "3 of 9 projects sent (the most relevant to the job first); the window of this model is 4,096 tokens."
    )


def test_a_text_input_is_cut_at_a_line_and_says_how_much_went() -> None:
    fitted = fit_inputs([description(6000)], room_tokens=tokens_for(2000))
    sent = fitted.texts["job_description"]
    assert len(sent) <= 2000
    assert sent.endswith("." + CUT_MARK), "cut after a whole line"
    assert fitted.left_out == [f"the job description cut to {len(sent) - len(CUT_MARK):,} of 6,000 characters"]


def test_a_short_input_leaves_its_share_to_the_long_ones() -> None:
    room = tokens_for(4000)
    fitted = fit_inputs([description(500), projects(20)], room_tokens=room)
    assert len(fitted.texts["job_description"]) == 500, "the short description goes whole"
    kept = fitted.texts["projects"].count("Project ")
    assert kept == 11, "the projects (~313 characters each) get the 3,500 the description did not need"


def test_weights_share_the_room_when_every_input_is_long() -> None:
    rounds = PromptInput("earlier_rounds", ["r" * 290] * 20, "earlier rounds", weight=2, order="the latest first")
    fitted = fit_inputs([projects(20), rounds], room_tokens=tokens_for(5000))
    assert fitted.texts["projects"].count("Project ") == 9, "three fifths of 5,000 characters"
    assert fitted.left_out[1] == "6 of 20 earlier rounds sent (the latest first)"


def test_one_item_longer_than_the_room_is_sent_cut_rather_than_dropped() -> None:
    fitted = fit_inputs([projects(2, size=3000)], room_tokens=tokens_for(1000))
    assert fitted.texts["projects"].startswith("Project 1: xxx")
    assert fitted.left_out == [
        "1 of 2 projects sent (the most relevant to the job first), that one cut short",
    ]


def test_no_room_sends_nothing_and_says_all_of_it_went() -> None:
    fitted = fit_inputs([projects(4), description(900)], room_tokens=0)
    assert fitted.texts == {"projects": "", "job_description": ""}
    assert fitted.left_out == [
        "0 of 4 projects sent (the most relevant to the job first)",
        "the job description cut to 0 of 900 characters",
    ]


def test_without_a_known_window_only_the_caps_apply() -> None:
    fitted = fit_inputs([description(20_000)], room_tokens=None)
    assert len(fitted.texts["job_description"]) <= 12_000
    assert fitted.notice(None) == "the job description cut to " + fitted.left_out[0].split(" to ", 1)[1] + "."


def test_empty_inputs_are_empty_and_unmentioned() -> None:
    empty = PromptInput("research", [], "the company research", whole=False)
    fitted = fit_inputs([empty, PromptInput("projects", [], "projects")], room_tokens=50)
    assert fitted.texts == {"research": "", "projects": ""}
    assert fitted.left_out == []


def test_projects_are_ranked_by_the_words_they_share_with_the_description() -> None:
    jd = "We run Kafka streaming pipelines in Python and Postgres."
    texts = [
        "Project: Mobile app in Swift",
        "Project: Billing on Kafka, Python consumers, Postgres ledger",
        "Project: Kafka metrics dashboard",
        "Project: Another Swift app",
    ]
    assert rank_by_overlap(texts, jd) == [1, 2, 0, 3], "most shared words first; ties keep the resume's order"
