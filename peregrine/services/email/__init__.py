"""Email sync: read the mailbox, store each message once, classify it, match it to a job, act.

A poll (`poller.poll_once`) reads the new messages of the configured folder without changing them on
the server (`integrations.imap`), stores each once, keyed by its Message-ID (`store.store_message`),
then processes what is not processed yet (`actions.process_pending`):

1. **Classify** (`classify.EmailClassifier`): the language model (`llm/prompts/email_classify.py`)
   when one answers, the documented keyword rules of `domain/email_rules.py` otherwise. Either way
   the class comes with a confidence and the sentence that decided it (the evidence).
2. **Match** (`matching.match_job`): a reply to a message already matched goes to the same job;
   otherwise the sender's domain against the company (its name, or its job URL's domain), and the
   company's name in the subject or body. One clear winner is a match; several, or none, wait in
   the inbox for the user to choose.
3. **Act** (`actions`) exactly as the README's table says (`domain.email_rules.email_move`), always
   through `services.jobs.move_job(..., source=MoveSource.EMAIL)`: an email never moves a job
   backwards or out of Hired or Rejected. Below the confidence threshold (``imap.min_confidence``,
   default 0.6) nothing moves and the message is flagged for review; an offer always asks for a look.

A message whose processing failed is retried on the next polls (`actions.MAX_ATTEMPTS` in all) and
never holds up the others. The inbox page reads what it shows through `inbox`, and changes a
message's class or job, applies its action, undoes it (through `jobs.undo_last_move`) or marks it
reviewed through the user's actions at the end of `actions`.

`poller.poll_forever` is the backend's lifespan task: it does nothing while IMAP is not configured,
backs off while the server is down or refuses the login, and keeps a `PollerStatus` for Settings.

The modules, each importing only modules listed before it: `parsing` (never raises; no database),
`kinds` (the values a stored message's columns take), `store`, `classify`, `matching`, `actions`,
`inbox`, `poller`. Nothing is re-exported here: import each name from the module that owns it.
"""
