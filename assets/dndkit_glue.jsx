// The board's drag and drop: @dnd-kit bound to the Reflex components in
// peregrine/components/kanban.py. Mouse and touch drag a card by its body; the
// keyboard drags it by its handle (Space to lift, arrows to move, Space to drop),
// and every step is announced to screen readers. A drop reports
// {cardId, fromColumn, toColumn, index} to Python, which owns the rules.
import React, { createContext, useContext, useMemo } from "react";
import {
  DndContext,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  closestCorners,
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
import { CSS } from "@dnd-kit/utilities";

const HandleContext = createContext(null);

const labelOf = (item) => item?.data?.current?.label ?? String(item?.id ?? "");

function placeOf(over) {
  const data = over?.data?.current;
  if (!data) return "no column";
  if (data.type === "column") return `the ${data.label} column`;
  return `the ${data.columnLabel} column, position ${(data.sortable?.index ?? 0) + 1}`;
}

const announcements = {
  onDragStart: ({ active }) =>
    `Picked up ${labelOf(active)}. Arrow keys move it, Space drops it, Escape cancels.`,
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

// Where in the target column the card lands: before or after the card it is over.
function dropTarget(active, over) {
  const data = over.data.current;
  if (data.type === "column") return { column: data.column, index: data.count };
  const overIndex = data.sortable.index;
  if (active.data.current.column === data.column) return { column: data.column, index: overIndex };
  const dragged = active.rect.current.translated;
  const below = dragged && dragged.top + dragged.height / 2 > over.rect.top + over.rect.height / 2;
  return { column: data.column, index: overIndex + (below ? 1 : 0) };
}

export function KanbanBoard({ onMove, children, ...rest }) {
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const onDragEnd = ({ active, over }) => {
    if (!over || !onMove) return;
    const { column, index } = dropTarget(active, over);
    onMove({ cardId: active.id, fromColumn: active.data.current.column, toColumn: column, index });
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCorners}
      onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions }}
    >
      <div {...rest}>{children}</div>
    </DndContext>
  );
}

export function KanbanColumn({ columnId, label, items, children, ...rest }) {
  const ids = items ?? [];
  const { setNodeRef, isOver } = useDroppable({
    id: `column:${columnId}`,
    data: { type: "column", column: columnId, label, count: ids.length },
  });
  return (
    <div ref={setNodeRef} data-over={isOver ? "true" : undefined} {...rest}>
      <SortableContext id={columnId} items={ids} strategy={verticalListSortingStrategy}>
        {children}
      </SortableContext>
    </div>
  );
}

export function KanbanCard({ cardId, columnId, columnLabel, label, children, style, ...rest }) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({ id: cardId, data: { type: "card", column: columnId, columnLabel, label } });
  const handle = useMemo(
    () => ({ setActivatorNodeRef, attributes, onKeyDown: listeners?.onKeyDown }),
    [setActivatorNodeRef, attributes, listeners],
  );
  return (
    <HandleContext.Provider value={handle}>
      <div
        ref={setNodeRef}
        onMouseDown={listeners?.onMouseDown}
        onTouchStart={listeners?.onTouchStart}
        data-dragging={isDragging ? "true" : undefined}
        style={{ ...style, transform: CSS.Translate.toString(transform), transition }}
        {...rest}
      >
        {children}
      </div>
    </HandleContext.Provider>
  );
}

export function DragHandle({ children, ...rest }) {
  const handle = useContext(HandleContext);
  if (!handle) return null;
  const { role, tabIndex, ...described } = handle.attributes;
  return (
    <button
      type="button"
      ref={handle.setActivatorNodeRef}
      onKeyDown={handle.onKeyDown}
      {...described}
      {...rest}
    >
      {children}
    </button>
  );
}
