// Two small guards for forms, both entirely in the browser (nothing is sent while typing):
//
// LengthNotice wraps a field whose control has a maxlength. The browser stops typing at the limit
// and silently cuts a paste to it; this says so: a counter near the limit, a notice at it, and
// how long a cut paste was.
//
// SaveWatch sits inside a form whose save the server confirms by changing `answered`. While a save
// is on its way it blocks a second submit; when no answer comes (the connection dropped and the
// save was lost), it says so, and Save can be pressed again: the form still holds what was typed.
import React, { useCallback, useEffect, useRef, useState } from "react";

const count = (n) => n.toLocaleString("en-US");
const plain = (text) => text.replace(/\r\n?/g, "\n"); // a textarea keeps "\n" only

export function LengthNotice({ children, noun = "text", showFrom = 0.9 }) {
  const box = useRef(null);
  const [seen, setSeen] = useState({ length: 0, limit: 0, pasted: 0 });

  const read = useCallback((control, pasted) => {
    const limit = control?.maxLength > 0 ? control.maxLength : 0;
    if (!limit || typeof control.value !== "string") return;
    const length = control.value.length;
    // A cut paste is told until the text is shorter than the limit again.
    setSeen((last) => ({ length, limit, pasted: pasted ?? (length >= limit ? last.pasted : 0) }));
  }, []);

  useEffect(() => {
    read(box.current?.querySelector("textarea, input"));
  }, [read]);

  const onPaste = (event) => {
    const control = event.target;
    if (!(control?.maxLength > 0)) return;
    const text = plain(event.clipboardData?.getData("text/plain") ?? "");
    const selected = (control.selectionEnd ?? 0) - (control.selectionStart ?? 0);
    const room = control.maxLength - (control.value.length - selected);
    // The paste lands after this event: read the result on the next tick.
    const pasted = text.length > room ? text.length : 0;
    setTimeout(() => read(control, pasted), 0);
  };

  const { length, limit, pasted } = seen;
  let message = "";
  if (limit && pasted) {
    message = `The pasted text was ${count(pasted)} characters; the ${noun} is cut at ${count(limit)} characters.`;
  } else if (limit && length >= limit) {
    message = `The ${noun} is at its limit of ${count(limit)} characters.`;
  } else if (limit && length >= limit * showFrom) {
    message = `${count(length)} of ${count(limit)} characters.`;
  }
  return (
    <div ref={box} className="length-guard" onInput={(event) => read(event.target)} onPaste={onPaste}>
      {children}
      <p className="length-notice" role="status" data-cut={pasted ? "true" : undefined}>
        {message}
      </p>
    </div>
  );
}

export function SaveWatch({ answered, waitMs = 5000, savingAfterMs = 800, lateMessage }) {
  const mark = useRef(null);
  const timers = useRef([]);
  const phase = useRef("idle"); // "idle", "pending" (sent, no answer yet) or "late" (none in waitMs)
  const [shown, setShown] = useState(""); // what the user sees: "", "saving" or "late"

  const settle = useCallback(() => {
    timers.current.forEach(clearTimeout);
    timers.current = [];
    phase.current = "idle";
    setShown("");
  }, []);

  // Any answer from the server (saved, refused, changed elsewhere) ends the wait.
  useEffect(settle, [answered, settle]);

  useEffect(() => {
    const form = mark.current?.closest("form");
    if (!form) return undefined;
    const onSubmit = (event) => {
      if (phase.current === "pending") {
        // The first save is still on its way: a second one could add the job twice.
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      settle();
      phase.current = "pending";
      const later = (ms, next) =>
        setTimeout(() => {
          if (phase.current !== "idle") {
            if (next === "late") phase.current = "late";
            setShown(next);
          }
        }, ms);
      timers.current = [later(savingAfterMs, "saving"), later(waitMs, "late")];
    };
    // Listening on the form itself runs before React's handler (delegated to the page root).
    form.addEventListener("submit", onSubmit);
    return () => {
      form.removeEventListener("submit", onSubmit);
      timers.current.forEach(clearTimeout);
    };
  }, [settle, waitMs, savingAfterMs]);

  return (
    <span ref={mark} className="save-watch">
      {shown === "saving" && (
        <span className="save-watch-saving" role="status">
          Saving…
        </span>
      )}
      {shown === "late" && (
        <span className="save-watch-late" role="alert">
          {lateMessage}
        </span>
      )}
    </span>
  );
}
