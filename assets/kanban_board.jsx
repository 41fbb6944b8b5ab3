// The Interviews board, rendered in the browser from three props the Python state owns:
//   cardBatch {seq, reset, rows: [[id, company, …], …]}  card data, in batches per page load
//   snapshot  {seq, columns: {stage: [ids]}}  sent on load and when the filters change
//   ops       [{seq, cardId, column, index, card}]  sent per change: "card X is now at column[index]"
// A drop moves the card here at once (the same op, applied locally) and asks Python;
// Python answers with the op that stands: the same place (confirmed) or the old one
// (refused, with a toast). Ops are idempotent, so applying one twice is harmless.
//
// Cards are plain elements memoised per card object, so a move re-renders two
// columns, not two thousand cards. Mouse and touch drag a card by its body or its
// grip; the drop target is the column under the pointer, whatever part of the card
// was grabbed. The keyboard drags it by its handle (Space, arrows, Space), announced
// to screen readers. On a phone the board shows one column at a time behind a stage
// switcher, and each card's "Move to…" sheet moves it with a tap (same path as a drop).
// A collapsible column (Saved) folds to a narrow strip on a wide screen; the browser remembers it.
// Empty, it is always a strip, so a board without saved jobs is as wide as it ever was.
import React, { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  closestCorners,
  pointerWithin,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS, getEventCoordinates } from "@dnd-kit/utilities";

// ---- ops ---------------------------------------------------------------------------

function applyOp(columns, op) {
  // Already there (a confirmation, or a patch of the card's data): keep every list as it is,
  // so nothing re-renders and a drag in progress is left alone.
  if (op.column && (columns[op.column] ?? [])[op.index] === op.cardId) return columns;
  const next = { ...columns };
  for (const [column, ids] of Object.entries(columns)) {
    if (ids.includes(op.cardId)) next[column] = ids.filter((id) => id !== op.cardId);
  }
  if (op.column) {
    const ids = [...(next[op.column] ?? [])];
    ids.splice(Math.max(0, Math.min(op.index ?? 0, ids.length)), 0, op.cardId);
    next[op.column] = ids;
  }
  return next;
}

function columnOf(columns, cardId) {
  for (const [column, ids] of Object.entries(columns)) if (ids.includes(cardId)) return column;
  return null;
}

// ---- accessibility -----------------------------------------------------------------

const labelOf = (item) => item?.data?.current?.label ?? String(item?.id ?? "");

function placeOf(over) {
  const data = over?.data?.current;
  if (!data) return "no column";
  if (data.type === "column") return `the ${data.label} column`;
  return `the ${data.columnLabel} column, position ${(data.sortable?.index ?? 0) + 1}`;
}

const announcements = {
  onDragStart: ({ active }) => `Picked up ${labelOf(active)}. Arrow keys move it, Space drops it, Escape cancels.`,
  onDragOver: ({ active, over }) =>
    over ? `${labelOf(active)} is over ${placeOf(over)}.` : `${labelOf(active)} is not over a column.`,
  onDragEnd: ({ active, over }) =>
    over ? `${labelOf(active)} dropped in ${placeOf(over)}.` : `${labelOf(active)} dropped outside the board.`,
  onDragCancel: ({ active }) => `Moving ${labelOf(active)} was cancelled; it is back in place.`,
};

const screenReaderInstructions = {
  draggable:
    "To move this card, press Space to lift it, use the arrow keys to move it between and within columns, then press Space again to drop it or Escape to cancel.",
};

// ---- icons (lucide paths, inline so a card costs no extra requests) ---------------

const Icon = ({ d, size = 14 }) => (
  <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2"
    strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    {d.map((path) => <path key={path} d={path} />)}
  </svg>
);
const GRIP = ["M9 5h.01", "M9 12h.01", "M9 19h.01", "M15 5h.01", "M15 12h.01", "M15 19h.01"];
const ARROW = ["M5 12h14", "m12 5 7 7-7 7"];
const PENCIL = ["M21.17 6.81a1 1 0 0 0-3.98-3.98L3.84 16.17a2 2 0 0 0-.5.83l-1.32 4.35a.5.5 0 0 0 .62.62l4.35-1.32a2 2 0 0 0 .83-.5z"];
const CROSS = ["M18 6 6 18", "m6 6 12 12"];
const MOVE = ["m16 3 4 4-4 4", "M20 7H4", "m8 21-4-4 4-4", "M4 17h16"];
const RESTORE = ["M9 14 4 9l5-5", "M4 9h10.5a5.5 5.5 0 0 1 5.5 5.5a5.5 5.5 0 0 1-5.5 5.5H11"];
const CHEVRON_LEFT = ["m15 18-6-6 6-6"];
const CHEVRON_RIGHT = ["m9 18 6-6-6-6"];
const CLOCK = ["M12 6v6l4 2", "M22 12a10 10 0 1 1-20 0 10 10 0 0 1 20 0"];
const SURVEY = ["M9 2h6a1 1 0 0 1 1 1v2a1 1 0 0 1-1 1H9a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1z",
  "M16 4h2a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2h2", "M12 11h4", "M12 16h4", "M8 11h.01", "M8 16h.01"];
const MAIL = ["m22 7-8.99 5.7a2 2 0 0 1-2.02 0L2 7", "M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"];
// The mail badge: an email moved the job to this stage, or an email about it waits in the inbox.
const EMAIL_BADGES = {
  moved: { title: "An email moved this job here (see the inbox)", style: undefined },
  review: { title: "An email about this job waits for you in the inbox",
    style: { background: "var(--amber-a4)", color: "var(--amber-11)" } },
};

const RESEARCH_LABELS = {
  queued: "Research queued",
  not_set_up: "Research not set up",
  running: "Researching…",
  ready: "Research ready",
  failed: "Research failed",
};

// ---- a card ----------------------------------------------------------------------

const CardBody = memo(function CardBody({ card, meta, label, handle, onAction }) {
  const act = (action) => (event) => {
    event.stopPropagation();
    onAction(action, card.id, meta.id);
  };
  const openJob = (event, action = "open") => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    onAction(action, card.id, meta.id);
  };
  return (
    <>
      <div className="card-top">
        <button type="button" className="drag-handle" aria-label={`Drag ${label}`} ref={handle.ref}
          onKeyDown={handle.onKeyDown} {...handle.attributes}>
          <Icon d={GRIP} size={16} />
        </button>
        <span className="card-company" title={card.company}>{card.company}</span>
        {EMAIL_BADGES[card.email] && (
          <span className="card-badge card-email" role="img" style={EMAIL_BADGES[card.email].style}
            title={EMAIL_BADGES[card.email].title} aria-label={EMAIL_BADGES[card.email].title}>
            <Icon d={MAIL} size={12} />
          </span>
        )}
        {/* Shown on hover or focus (always on touch screens), so the company name has the room. */}
        <span className="card-tools">
          {meta.id === "survey" && (
            <a className="card-icon" href={`/applications/${card.id}/survey`} aria-label={`Open survey of ${label}`}
              title="Open survey" onClick={(event) => { event.stopPropagation(); openJob(event, "open_survey"); }}>
              <Icon d={SURVEY} />
            </a>
          )}
          <button type="button" className="card-icon" aria-label={`Move ${label} to another stage`} title="Move to…"
            aria-haspopup="dialog" onClick={act("move")}>
            <Icon d={MOVE} />
          </button>
          <button type="button" className="card-icon" aria-label={`Edit ${label}`} title="Edit" onClick={act("edit")}>
            <Icon d={PENCIL} />
          </button>
          {meta.canReject && (
            <button type="button" className="card-icon" aria-label={`Reject ${label}`} title="Reject…" onClick={act("reject")}>
              <Icon d={CROSS} />
            </button>
          )}
        </span>
      </div>
      <a className="card-title" href={`/applications/${card.id}`} title={card.title} onClick={openJob}>{card.title}</a>
      <div className="card-meta">
        {/* The next step's badge says its state in words (colour only repeats it); its title names the step. */}
        {card.due && (
          <span className={`card-badge card-due card-due-${card.due === "Overdue" ? "overdue" : "today"}`}
            title={`${card.due}: ${card.due_step}`} aria-label={`${card.due}: ${card.due_step}`}>
            {card.due}
          </span>
        )}
        {card.quiet && (
          <a className="card-badge card-quiet" href={`/applications/${card.id}`} onClick={openJob}
            title="Open the job to reject it as ghosted, snooze or follow up">{card.quiet}</a>
        )}
        {card.research === "failed" ? (
          <button type="button" className="card-badge card-research-failed" title={card.research_error}
            aria-label={`Research failed: ${card.research_error}. Retry research for ${label}`} onClick={act("retry_research")}>
            <Icon d={RESTORE} size={11} />Research failed · retry
          </button>
        ) : card.research && (
          <span className={`card-badge card-research-${card.research}`} title="Company research (open the job to read it)">
            {RESEARCH_LABELS[card.research] ?? card.research}
          </span>
        )}
        {card.next_interview && <span className="card-badge card-badge-violet">{card.next_interview}</span>}
        <span className="card-badge card-badge-outline" title="Time in this stage"><Icon d={CLOCK} size={11} />{card.in_stage}</span>
        {card.source && <span className="card-badge">{card.source}</span>}
      </div>
      {card.rejection && <p className="card-rejection">{card.rejection}</p>}
      {(meta.advanceLabel || meta.canSurvey || meta.canRestore) && (
        <div className="card-actions">
          {meta.advanceLabel && (
            <button type="button" className="card-button card-button-soft" onClick={act("advance")}
              aria-label={meta.advanceText ? `${meta.advanceText}: move ${label} to ${meta.advanceLabel}` : `Advance to ${meta.advanceLabel}`}
              title={meta.advanceText ? `Move to ${meta.advanceLabel}` : `Advance to ${meta.advanceLabel}`}>
              <Icon d={ARROW} /><span className="card-button-text">{meta.advanceText || meta.advanceLabel}</span>
            </button>
          )}
          {meta.canSurvey && (
            <button type="button" className="card-button card-button-outline" onClick={act("survey")}>Survey</button>
          )}
          {meta.canRestore && (
            <button type="button" className="card-button card-button-soft" onClick={act("restore")}>
              <Icon d={RESTORE} />Restore
            </button>
          )}
        </div>
      )}
    </>
  );
});

// What follows the pointer (or the keyboard) while a card is dragged: a picture of the card,
// hidden from screen readers (the announcer speaks for it) and holding nothing to click.
function CardPreview({ card, meta }) {
  return (
    <div className="job-card job-card-preview" aria-hidden="true" style={{ "--card-height": `${meta.cardHeight}px` }}>
      <div className="card-top">
        <span className="drag-handle"><Icon d={GRIP} size={16} /></span>
        <span className="card-company">{card.company}</span>
      </div>
      <span className="card-title">{card.title}</span>
      <div className="card-meta">
        <span className="card-badge card-badge-outline"><Icon d={CLOCK} size={11} />{card.in_stage}</span>
        {card.source && <span className="card-badge">{card.source}</span>}
      </div>
    </div>
  );
}

const noLayoutAnimation = () => false;

const SortableCard = memo(function SortableCard({ card, meta, onAction }) {
  const label = `${card.company} — ${card.title}`;
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: card.id,
    data: { type: "card", column: meta.id, columnLabel: meta.label, label },
    // Animating every card that shifts would measure each one (a forced layout per card).
    animateLayoutChanges: noLayoutAnimation,
  });
  const { role, tabIndex, ...described } = attributes;
  const onKeyDown = listeners?.onKeyDown;
  const describedKey = JSON.stringify(described);
  const handle = useMemo(
    () => ({ ref: setActivatorNodeRef, onKeyDown, attributes: described }),
    [setActivatorNodeRef, onKeyDown, describedKey],
  );
  return (
    <article ref={setNodeRef} className="job-card" aria-label={label}
      data-dragging={isDragging ? "true" : undefined}
      style={transform ? { transform: CSS.Translate.toString(transform), transition } : transition ? { transition } : undefined}
      onMouseDown={listeners?.onMouseDown} onTouchStart={listeners?.onTouchStart}>
      <CardBody card={card} meta={meta} label={label} handle={handle} onAction={onAction} />
    </article>
  );
});

// ---- a column ------------------------------------------------------------------------

// Every card of a column has the same height (set per stage by Python), so a long
// column can render only the cards in view plus a margin: a column of 700 cards
// then costs what 30 cost. Columns up to FULL_COLUMN cards are rendered whole.
const FULL_COLUMN = 60;
const OVERSCAN = 8;
const CARD_GAP = 7;

function useWindow(count, rowHeight, scroller) {
  const [range, setRange] = useState([0, Math.min(count, FULL_COLUMN)]);
  const frame = useRef(0);
  const measure = useCallback(() => {
    frame.current = 0;
    const node = scroller.current;
    if (!node) return;
    const first = Math.max(0, Math.floor(node.scrollTop / rowHeight) - OVERSCAN);
    const last = Math.ceil((node.scrollTop + node.clientHeight) / rowHeight) + OVERSCAN;
    setRange((current) => (current[0] === first && current[1] === last ? current : [first, last]));
  }, [rowHeight, scroller]);
  useEffect(() => {
    measure();
  }, [count, measure]);
  const onScroll = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(measure);
  }, [measure]);
  if (count <= FULL_COLUMN) return { first: 0, last: count, onScroll };
  return { first: Math.min(range[0], count), last: Math.min(range[1], count), onScroll };
}

// Rejected jobs that ended long ago (the server marks them `older`) fold behind a button,
// so the column does not grow forever; the button opens them in place.
function useFolded(meta, ids, cards, patches) {
  const [open, setOpen] = useState(false);
  const older = useMemo(() => {
    if (meta.id !== "rejected") return 0;
    return ids.reduce((count, id) => count + ((patches[id] ?? cards.get(id))?.older ? 1 : 0), 0);
  }, [meta.id, ids, cards, patches]);
  const shown = useMemo(
    () => (open || !older ? ids : ids.filter((id) => !(patches[id] ?? cards.get(id))?.older)),
    [open, older, ids, cards, patches],
  );
  return { shown, older, open, toggle: useCallback(() => setOpen((now) => !now), []) };
}

function countLabel(count, total, filtered) {
  if (!filtered) return { text: String(count), label: `${count} cards` };
  return { text: `${count} of ${total}`, label: `${count} of ${total} cards match the filter` };
}

// Which collapsible columns are folded, kept in this browser's localStorage (a board preference,
// not the account's): a set of column ids.
const COLLAPSED_KEY = "peregrine.board.collapsed";

function readCollapsed() {
  try {
    const stored = JSON.parse(window.localStorage.getItem(COLLAPSED_KEY) ?? "[]");
    return new Set(Array.isArray(stored) ? stored : []);
  } catch {
    return new Set();  // storage blocked or a hand-edited value: every column open
  }
}

function useCollapsed() {
  const [collapsed, setCollapsed] = useState(readCollapsed);
  const toggle = useCallback((id) => {
    setCollapsed((now) => {
      const next = new Set(now);
      if (next.has(id)) next.delete(id); else next.add(id);
      try { window.localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...next])); } catch { /* not kept: fine */ }
      return next;
    });
  }, []);
  return [collapsed, toggle];
}

// On a phone one column shows at a time, so nothing folds there.
const NARROW = "(max-width: 640px)";
function useNarrow() {
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW).matches);
  useEffect(() => {
    const query = window.matchMedia(NARROW);
    const changed = () => setNarrow(query.matches);
    query.addEventListener("change", changed);
    return () => query.removeEventListener("change", changed);
  }, []);
  return narrow;
}

function ColumnToggle({ meta, collapsed, onToggle }) {
  return (
    <button type="button" className="column-toggle" aria-expanded={!collapsed} aria-controls={`column-cards-${meta.id}`}
      aria-label={collapsed ? `Show the ${meta.label} column` : `Collapse the ${meta.label} column`}
      title={collapsed ? "Show" : "Collapse"} onClick={() => onToggle(meta.id)}>
      <Icon d={collapsed ? CHEVRON_RIGHT : CHEVRON_LEFT} size={16} />
    </button>
  );
}

const Column = memo(function Column({ meta, ids, cards, patches, onAction, highlighted, current, filtered, hidden,
  collapsed, onToggle }) {
  const { setNodeRef } = useDroppable({
    id: `column:${meta.id}`,
    data: { type: "column", column: meta.id, label: meta.label },
  });
  const { shown, older, open, toggle } = useFolded(meta, ids, cards, patches);
  const scroller = useRef(null);
  const rowHeight = meta.cardHeight + CARD_GAP;
  const { first, last, onScroll } = useWindow(shown.length, rowHeight, scroller);
  const count = countLabel(ids.length, ids.length + hidden, filtered);
  const header = (
    <header className="column-header">
      {meta.collapsible && ids.length > 0 && <ColumnToggle meta={meta} collapsed={collapsed} onToggle={onToggle} />}
      <h2>{meta.label}</h2>
      <span className="column-count" aria-label={count.label}>{count.text}</span>
    </header>
  );
  const frame = { ref: setNodeRef, "aria-label": meta.label, id: `column-${meta.id}`,
    className: `kanban-column column-${meta.id}`, "data-over": highlighted ? "true" : undefined,
    "data-current": current ? "true" : undefined };
  if (collapsed) {
    // Folded: its name and count only (still a drop target); its cards are not drawn.
    return <section {...frame} data-collapsed="true">{header}</section>;
  }
  return (
    <section {...frame} style={{ "--card-height": `${meta.cardHeight}px`, "--card-gap": `${CARD_GAP}px` }}>
      {header}
      <SortableContext id={meta.id} items={shown} strategy={verticalListSortingStrategy}>
        <div className="column-cards" id={`column-cards-${meta.id}`} ref={scroller} onScroll={onScroll}>
          {first > 0 && <div aria-hidden="true" style={{ height: first * rowHeight, flex: "none" }} />}
          {shown.slice(first, last).map((id) => {
            const card = patches[id] ?? cards.get(id);
            return card ? <SortableCard key={id} card={card} meta={meta} onAction={onAction} /> : null;
          })}
          {last < shown.length && <div aria-hidden="true" style={{ height: (shown.length - last) * rowHeight, flex: "none" }} />}
          {ids.length === 0 && (
            <p className="column-empty">{filtered && hidden > 0 ? "No job matches the filter" : "No jobs here yet"}</p>
          )}
        </div>
      </SortableContext>
      {older > 0 && (
        <button type="button" className="column-older" aria-expanded={open} onClick={toggle}
          title="Jobs rejected more than 30 days ago">
          {open ? "Hide older" : `Show ${older} older`}
        </button>
      )}
    </section>
  );
});

// ---- on a phone: one column at a time, and a tap-to-move sheet -------------------------

// The stage switcher: a tab list (arrow keys move between stages), shown on narrow screens only.
function StageTabs({ metas, columns, current, onPick }) {
  const refs = useRef({});
  const onKeyDown = (event, index) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    const jump = { Home: 0, End: metas.length - 1 }[event.key];
    if (step === undefined && jump === undefined) return;
    event.preventDefault();
    const next = metas[jump ?? (index + step + metas.length) % metas.length];
    onPick(next.id);
    refs.current[next.id]?.focus();
  };
  return (
    <div className="stage-tabs" role="tablist" aria-label="Stages">
      {metas.map((meta, index) => {
        const count = (columns[meta.id] ?? []).length;
        const selected = meta.id === current;
        return (
          <button key={meta.id} type="button" role="tab" id={`stage-tab-${meta.id}`} aria-controls={`column-${meta.id}`}
            aria-selected={selected} tabIndex={selected ? 0 : -1} className="stage-tab"
            ref={(node) => { refs.current[meta.id] = node; }}
            onClick={() => onPick(meta.id)} onKeyDown={(event) => onKeyDown(event, index)}>
            {meta.label} <span className="stage-tab-count">{count}</span>
          </button>
        );
      })}
    </div>
  );
}

// "Move to…": every other stage as a big button; picking one moves the card as a drop would.
function MoveSheet({ moving, metas, onPick, onClose }) {
  const first = useRef(null);
  useEffect(() => {
    first.current?.focus();
  }, [moving.cardId]);
  const sheet = useRef(null);
  const onKeyDown = (event) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== "Tab") return;
    // Keep Tab inside the sheet while it is open, as a modal dialog does.
    const buttons = [...(sheet.current?.querySelectorAll("button") ?? [])];
    const edge = event.shiftKey ? buttons[0] : buttons[buttons.length - 1];
    if (document.activeElement === edge) {
      event.preventDefault();
      (event.shiftKey ? buttons[buttons.length - 1] : buttons[0])?.focus();
    }
  };
  const heading = `Move ${moving.label} to`;
  const targets = metas.filter((meta) => meta.id !== moving.column && meta.canEnter);
  return (
    <div className="move-sheet-backdrop" onClick={onClose}>
      <div className="move-sheet" ref={sheet} role="dialog" aria-modal="true" aria-label={heading} onKeyDown={onKeyDown}
        onClick={(event) => event.stopPropagation()}>
        <p className="move-sheet-title">{heading}</p>
        <div className="move-sheet-stages">
          {targets.map((meta, index) => (
            <button key={meta.id} type="button" className="move-sheet-stage" ref={index === 0 ? first : undefined}
              onClick={() => onPick(meta.id)}>
              {meta.label}
            </button>
          ))}
        </div>
        <button type="button" className="move-sheet-cancel" onClick={onClose}>Cancel</button>
      </div>
    </div>
  );
}

// ---- the board -----------------------------------------------------------------------

// The target is what the pointer is over, not what the dragged card's rectangle overlaps: a card
// grabbed by its grip (its left edge) overlaps the next column more than the one it is held over.
// Over no droppable (a gap, below a short column), the column straight above or below the pointer.
// The keyboard has no pointer: it moves the card's rectangle, so the rectangle decides there.
function pointerFirst(args) {
  const { pointerCoordinates, droppableContainers, droppableRects } = args;
  if (!pointerCoordinates) return closestCorners(args);
  const within = pointerWithin(args);
  if (within.length) return within;
  for (const container of droppableContainers) {
    const rect = droppableRects.get(container.id);
    if (container.data.current?.type === "column" && rect
        && pointerCoordinates.x >= rect.left && pointerCoordinates.x <= rect.right) {
      return [{ id: container.id, data: { droppableContainer: container, value: 0 } }];
    }
  }
  return [];
}

// The column a drag is over: the column itself, or the column of the card it is over.
const columnUnder = (over) => {
  const data = over?.data?.current;
  return data ? data.column : null;
};

// Where the pointer is at the end of a drag (null for the keyboard).
function pointerAt(activatorEvent, delta) {
  const start = activatorEvent && getEventCoordinates(activatorEvent);
  return start ? { x: start.x + delta.x, y: start.y + delta.y } : null;
}

// Where in the target column the card lands: before or after the card it is over. Indexes are
// in the column's whole list (folded cards included), as the server and `applyOp` count them.
function dropTarget(columns, active, over, pointer) {
  const data = over.data.current;
  const from = active.data.current.column;
  const ids = columns[data.column] ?? [];
  if (data.type === "column") return { column: data.column, index: data.column === from ? ids.length - 1 : ids.length };
  const overIndex = Math.max(0, ids.indexOf(over.id));
  if (from === data.column) return { column: data.column, index: overIndex };
  const dragged = active.rect.current.translated;
  const y = pointer ? pointer.y : dragged && dragged.top + dragged.height / 2;
  const below = y != null && y > over.rect.top + over.rect.height / 2;
  return { column: data.column, index: overIndex + (below ? 1 : 0) };
}

export function KanbanBoard({ columnsMeta, cardFields, cardBatch, snapshot, hidden, ops, onMove, onCardAction, ...rest }) {
  // Card rows arrive in batches ({seq, reset, rows}): the cards in view first, the rest right
  // after. They are kept here, so the server's state (re-sent whole on a reload) stays small.
  const store = useRef({ seq: 0, rows: new Map(), resets: 0 });
  if (cardBatch && cardBatch.seq > store.current.seq) {
    const rows = cardBatch.reset ? new Map() : new Map(store.current.rows);
    for (const row of cardBatch.rows ?? []) rows.set(row[0], row);
    store.current = { seq: cardBatch.seq, rows, resets: store.current.resets + (cardBatch.reset ? 1 : 0) };
  }
  const { rows, resets } = store.current;
  // Rows become card objects only when a card is drawn (a long column draws few), and once.
  const cards = useMemo(() => {
    const made = new Map();
    return {
      get(id) {
        if (!made.has(id)) {
          const row = rows.get(id);
          made.set(id, row && Object.fromEntries(cardFields.map((field, i) => [field, row[i]])));
        }
        return made.get(id);
      },
    };
  }, [rows, cardFields]);
  const [columns, setColumns] = useState(() => snapshot?.columns ?? {});
  const [patches, setPatches] = useState({});
  const lastSeq = useRef(snapshot?.seq ?? 0);

  // A new snapshot (page load, filters) replaces the local columns wholesale.
  useEffect(() => {
    if (!snapshot) return;
    lastSeq.current = snapshot.seq;
    setColumns(snapshot.columns);
  }, [snapshot]);
  // A fresh set of cards from the server makes local patches obsolete.
  useEffect(() => setPatches({}), [resets]);
  // Ops from the server: apply the ones not seen yet, in order.
  useEffect(() => {
    const fresh = (ops ?? []).filter((op) => op.seq > lastSeq.current);
    if (!fresh.length) return;
    lastSeq.current = fresh[fresh.length - 1].seq;
    setColumns((current) => fresh.reduce(applyOp, current));
    const cardPatches = fresh.filter((op) => op.card);
    if (cardPatches.length) {
      setPatches((current) => ({ ...current, ...Object.fromEntries(cardPatches.map((op) => [op.card.id, op.card])) }));
    }
  }, [ops]);

  const metaKey = JSON.stringify(columnsMeta ?? []);
  const metas = useMemo(() => columnsMeta ?? [], [metaKey]);
  const metaOf = useCallback((id) => metas.find((meta) => meta.id === id), [metas]);

  // Reflex hands new callback objects on every render; keep stable ones for the memoised columns.
  const callbacks = useRef({ onMove, onCardAction });
  callbacks.current = { onMove, onCardAction };
  const columnsNow = useRef(columns);
  columnsNow.current = columns;
  const patchesNow = useRef(patches);
  patchesNow.current = patches;
  const cardsNow = useRef(cards);
  cardsNow.current = cards;
  const [moving, setMoving] = useState(null);
  const movingNow = useRef(moving);
  movingNow.current = moving;
  const onAction = useCallback((action, cardId, column) => {
    if (action === "move") {
      const card = patchesNow.current[cardId] ?? cardsNow.current.get(cardId);
      setMoving({ cardId, column, label: card ? `${card.company} — ${card.title}` : "this job", opener: document.activeElement });
      return;
    }
    callbacks.current.onCardAction?.({ action, cardId, column });
  }, []);

  // Show a move at once and ask Python; its op confirms the place or puts the card back.
  const move = useCallback((cardId, column, index) => {
    const from = columnOf(columnsNow.current, cardId);
    if (from === column && (columnsNow.current[column] ?? [])[index] === cardId) return;
    columnsNow.current = applyOp(columnsNow.current, { cardId, column, index });
    setColumns(columnsNow.current);
    callbacks.current.onMove?.({ cardId, fromColumn: from, toColumn: column, index });
  }, []);

  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const [dragged, setDragged] = useState(null);
  const [overColumn, setOverColumn] = useState(null);
  const onDragStart = useCallback(({ active }) => {
    setDragged({ id: active.id, column: active.data.current?.column });
    setOverColumn(active.data.current?.column ?? null);
  }, []);
  const onDragOver = useCallback(({ over }) => setOverColumn(columnUnder(over)), []);
  const onDragCancel = useCallback(() => {
    setDragged(null);
    setOverColumn(null);
  }, []);
  const onDragEnd = useCallback(({ active, over, activatorEvent, delta }) => {
    setDragged(null);
    setOverColumn(null);
    if (!over) return;
    const { column, index } = dropTarget(columnsNow.current, active, over, pointerAt(activatorEvent, delta));
    move(active.id, column, index);
  }, [move]);

  // On a phone one column shows at a time; the switcher picks it, starting at Applied (the
  // pipeline's first column; Saved, before it, is one tap away).
  const [current, setCurrent] = useState(() => (metas.find((meta) => meta.id === "applied") ?? metas[0])?.id ?? null);
  const [collapsed, toggleCollapsed] = useCollapsed();
  const narrow = useNarrow();
  const folded = (meta) =>
    Boolean(meta.collapsible && !narrow && (collapsed.has(meta.id) || !(columns[meta.id] ?? []).length));
  // A folded column is a narrow strip; the others share the rest (the grid's template says so).
  const template = metas.map((meta) => (folded(meta) ? "auto" : "minmax(212px, 1fr)")).join(" ");
  const closeSheet = useCallback(() => {
    const opener = movingNow.current?.opener;
    setMoving(null);
    opener?.focus?.();  // back where the user was (a no-op if the card moved out of view)
  }, []);
  const pickTarget = useCallback((column) => {
    if (moving) move(moving.cardId, column, 0);
    closeSheet();
  }, [moving, move, closeSheet]);

  const draggedCard = dragged && (patches[dragged.id] ?? cards.get(dragged.id));
  const draggedMeta = dragged && metaOf(dragged.column);
  return (
    <DndContext sensors={sensors} collisionDetection={pointerFirst} onDragStart={onDragStart} onDragOver={onDragOver}
      onDragEnd={onDragEnd} onDragCancel={onDragCancel} accessibility={{ announcements, screenReaderInstructions }}>
      {moving && <MoveSheet moving={moving} metas={metas} onPick={pickTarget} onClose={closeSheet} />}
      <StageTabs metas={metas} columns={columns} current={current} onPick={setCurrent} />
      <div {...rest} style={narrow ? undefined : { gridTemplateColumns: template }}>
        {metas.map((meta) => (
          <Column key={meta.id} meta={meta} ids={columns[meta.id] ?? []} cards={cards} patches={patches} onAction={onAction}
            highlighted={overColumn === meta.id} current={current === meta.id}
            filtered={Boolean(snapshot?.filtered)} hidden={hidden?.[meta.id] ?? 0}
            collapsed={folded(meta)} onToggle={toggleCollapsed} />
        ))}
      </div>
      <DragOverlay className="drag-overlay" dropAnimation={null}>
        {draggedCard && draggedMeta ? <CardPreview card={draggedCard} meta={draggedMeta} /> : null}
      </DragOverlay>
    </DndContext>
  );
}
