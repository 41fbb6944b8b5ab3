"""The longest text each field accepts: one table for the pages, the services and the REST API.

Every limit is stated here once and used three times:
- the page's `max_length` (the browser's maxlength: typing stops at it and a paste is cut to it, which
  the long fields say out loud, see `components.forms.length_notice`);
- the service's check (`services.errors.check_lengths`): a longer value is refused with a message that
  names the field, its length and the limit; a service never cuts what the user wrote;
- the API schema's `max_length` (a 422 naming the field).

Why limits at all: a page sends what is typed over Reflex's websocket, whose messages are capped at
about 1,000,000 bytes (REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE). A larger message closes the socket and
the value never arrives: a 1 MB job description used to be saved as empty, without a word. Every
limit here stays under that cap even JSON-escaped (the longest, 200,000 characters, is ~600 KB in
the worst realistic case of three UTF-8 bytes a character).

Lengths are characters as Python counts them (code points). The browser counts UTF-16 code units,
never fewer, so whatever a page lets through also passes the service.
"""

from __future__ import annotations

# ----------------------------------------------------------------------------- jobs
COMPANY = 300
JOB_TITLE = 300
JOB_URL = 2_000
LOCATION = 300
SOURCE = 200
RECRUITER = 300
#: A long posting with its benefits section is 20,000-30,000 characters; this leaves room.
JOB_DESCRIPTION = 100_000
#: The board's filter box.
BOARD_FILTER = 200
#: One tag, and how many a job holds (a count); the dialog's comma-separated line holds them all.
JOB_TAG = 50
JOB_TAGS = 20
JOB_TAGS_TEXT = JOB_TAGS * (JOB_TAG + len(", "))
#: The job page's free-text notes.
JOB_NOTES = 20_000

# ----------------------------------------------------------------------------- interview rounds
ROUND_NAME = 300
ROUND_FORMAT = 300
ROUND_FOCUS = 300
INTERVIEWER_NAME = 200
INTERVIEWER_ROLE = 300
#: People on one round (a count, not characters).
INTERVIEWERS = 30
#: The page's one-a-line interviewers box: every person at full length, "name — role" and a newline.
INTERVIEWERS_TEXT = INTERVIEWERS * (INTERVIEWER_NAME + len(" — ") + INTERVIEWER_ROLE + 1)
ROUND_NOTES = 20_000
ROUND_FEEDBACK = 20_000
ROUND_NEXT_STEPS = 5_000
#: What a job's next step says (`NextStep.title`): one line.
NEXT_STEP = 300

# ----------------------------------------------------------------------------- offers
OFFER_EQUITY = 300
OFFER_NOTES = 20_000
#: An amount as typed on the offer form ("1,000,000,000" and some slack); the service bounds its value.
AMOUNT_TEXT = 20
CURRENCY = 3

# ----------------------------------------------------------------------------- resume
PROJECT_NAME = 300
PROJECT_COMPANY = 300
PROJECT_ROLE = 300
PROJECT_PERIOD = 100
#: Each of situation, actions, results, metrics and decisions.
PROJECT_STORY = 10_000
#: The stack as one comma-separated line.
PROJECT_STACK = 2_000
BULLET = 1_000
#: A resume in YAML, pasted or loaded from a file: a few kilobytes in practice.
RESUME_IMPORT = 200_000

# ----------------------------------------------------------------------------- preparation
PREP_SECTION = 40_000
QUESTION_ASKED = 500
#: Questions recorded for one round (a count).
QUESTIONS_ASKED = 50
#: The page's one-a-line box of questions asked.
QUESTIONS_ASKED_TEXT = QUESTIONS_ASKED * (QUESTION_ASKED + 1)
PRACTICE_ANSWER = 8_000

# ----------------------------------------------------------------------------- survey
SURVEY_PASTED = 50_000
SURVEY_IMAGE_TEXT = 20_000
SURVEY_ANSWER = 5_000

# ----------------------------------------------------------------------------- settings
API_TOKEN_NAME = 100

# ----------------------------------------------------------------------------- per record
# How a message starts for each field of a record (the field and its verb, so "The notes are"
# reads right), and the field's limit; keyed as the service's values are.
JOB_FIELDS: dict[str, tuple[str, int]] = {
    "company": ("The company is", COMPANY),
    "title": ("The title is", JOB_TITLE),
    "url": ("The URL is", JOB_URL),
    "location": ("The location is", LOCATION),
    "source": ("The source is", SOURCE),
    "recruiter": ("The recruiter is", RECRUITER),
    "raw_jd_text": ("The job description is", JOB_DESCRIPTION),
}
#: The job dialog's detail fields as typed (amounts and tags are text there; the service checks what they hold).
JOB_DETAIL_FIELDS: dict[str, tuple[str, int]] = {
    "salary_min": ("The lowest salary is", AMOUNT_TEXT),
    "salary_max": ("The highest salary is", AMOUNT_TEXT),
    "salary_currency": ("The salary's currency is", CURRENCY),
    "tags": ("The tags are", JOB_TAGS_TEXT),
}
JOB_NOTES_FIELDS: dict[str, tuple[str, int]] = {"notes": ("The notes are", JOB_NOTES)}
ROUND_FIELDS: dict[str, tuple[str, int]] = {
    "name": ("The round's name is", ROUND_NAME),
    "format": ("The format is", ROUND_FORMAT),
    "focus": ("The focus is", ROUND_FOCUS),
}
OUTCOME_FIELDS: dict[str, tuple[str, int]] = {
    "notes": ("The notes are", ROUND_NOTES),
    "feedback": ("The feedback is", ROUND_FEEDBACK),
    "next_steps": ("The next steps are", ROUND_NEXT_STEPS),
}
OFFER_FIELDS: dict[str, tuple[str, int]] = {
    "equity": ("The equity is", OFFER_EQUITY),
    "notes": ("The offer's notes are", OFFER_NOTES),
}
PROJECT_FIELDS: dict[str, tuple[str, int]] = {
    "name": ("The project's name is", PROJECT_NAME),
    "company": ("The company is", PROJECT_COMPANY),
    "role": ("The role is", PROJECT_ROLE),
    "period": ("The period is", PROJECT_PERIOD),
    "situation": ("The situation is", PROJECT_STORY),
    "actions": ("The actions are", PROJECT_STORY),
    "results": ("The results are", PROJECT_STORY),
    "metrics": ("The metrics are", PROJECT_STORY),
    "decisions": ("The decisions are", PROJECT_STORY),
}


def too_long(subject: str, text: str, limit: int) -> str | None:
    """Why `text` cannot be kept, or None when it fits. `subject` is the field and its verb, as the
    message starts: "The job description is" gives "The job description is 123,456 characters; the
    limit is 100,000."."""
    if len(text) <= limit:
        return None
    return f"{subject} {len(text):,} characters; the limit is {limit:,}."
