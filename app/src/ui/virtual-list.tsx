import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

/*
 * A windowed table: only the rows in view (plus a margin) are in the DOM,
 * inside a scroller as tall as all the rows, so 100k rows scroll like 100.
 * Rows have one fixed height. The header row sticks to the top. The data
 * itself is fetched by the caller in page-aligned windows (`dataWindow`),
 * so a query runs only when the view crosses a page boundary.
 */

export interface Range {
  /** First row index in the DOM (inclusive). */
  first: number;
  /** Row index after the last one in the DOM. */
  last: number;
}

/** The rows to render for a scroll position: those in view plus `overscan` on each side. */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan: number): Range {
  if (count <= 0 || rowHeight <= 0) return { first: 0, last: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.max(0, Math.min(count - 1, Math.floor(top / rowHeight)) - overscan);
  const last = Math.min(count, Math.ceil((top + Math.max(0, viewport)) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

/** The page-aligned data window (offset, limit) that covers a range; stable while the range moves inside it. */
export function dataWindow(range: Range, count: number, page: number): { offset: number; limit: number } {
  const offset = Math.floor(range.first / page) * page;
  const end = Math.max(offset + page, Math.ceil(range.last / page) * page);
  return { offset, limit: Math.max(0, Math.min(end, Math.max(count, offset + page)) - offset) };
}

/** The row a navigation key moves to from `index`, or null for other keys. */
export function keyTarget(key: string, index: number, count: number, pageRows: number): number | null {
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown': return clamp(index + 1);
    case 'ArrowUp': return clamp(index - 1);
    case 'PageDown': return clamp(index + Math.max(1, pageRows));
    case 'PageUp': return clamp(index - Math.max(1, pageRows));
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return null;
  }
}

/** The scroll position that brings row `index` fully into view (unchanged when it already is). */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number, header: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  const visibleRows = Math.max(0, viewport - header);
  if (top < scrollTop) return top;
  if (bottom > scrollTop + visibleRows) return bottom - visibleRows;
  return scrollTop;
}

export interface VirtualTableProps {
  label: string;
  count: number;
  rowHeight: number;
  /** The header row's cells (`<th scope="col">`). */
  head: ReactNode;
  /** One `<tr>` for row `index`; it receives `data-index` and aria-rowindex from here. */
  renderRow: (index: number, rowProps: { 'data-index': number; 'aria-rowindex': number; style: { height: number } }) => ReactNode;
  onRangeChange: (range: Range) => void;
  /** Scroll position to start at (e.g. coming back from a detail page). */
  initialScrollTop?: number;
  onScrollTopChange?: (top: number) => void;
  /** Row to focus once it is rendered (its first link or button). */
  focusIndex?: number | null;
  className?: string;
  overscan?: number;
}

/** A table whose body holds only the rows in view; arrow keys, Page Up/Down, Home and End move between rows. */
export function VirtualTable(props: VirtualTableProps) {
  const { count, rowHeight, overscan = 8 } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(props.initialScrollTop ?? 0);
  const [viewport, setViewport] = useState(600);
  const [focusIndex, setFocusIndex] = useState<number | null>(props.focusIndex ?? null);
  const range = visibleRange(scrollTop - rowHeight, viewport, rowHeight, count, overscan);
  const onRange = useRef(props.onRangeChange);
  onRange.current = props.onRangeChange;
  const { first, last } = range;
  useEffect(() => onRange.current({ first, last }), [first, last]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Restore the starting position once the rows it points at exist.
  const restored = useRef(false);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || restored.current || count === 0) return;
    restored.current = true;
    if (props.initialScrollTop) el.scrollTop = props.initialScrollTop;
  }, [count, props.initialScrollTop]);

  useEffect(() => {
    if (props.focusIndex !== undefined && props.focusIndex !== null) setFocusIndex(props.focusIndex);
  }, [props.focusIndex]);

  // Move focus to the wanted row as soon as it is rendered.
  useEffect(() => {
    if (focusIndex === null) return;
    const target = scroller.current?.querySelector<HTMLElement>(`tr[data-index="${focusIndex}"] a, tr[data-index="${focusIndex}"] button`);
    if (target) {
      target.focus({ preventScroll: true });
      setFocusIndex(null);
    }
  });

  const moveTo = (index: number) => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = scrollToShow(index, el.scrollTop, el.clientHeight, rowHeight, rowHeight);
    setFocusIndex(index);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    // Only from the row links: selects and inputs keep their own keys.
    if (!(e.target instanceof HTMLAnchorElement)) return;
    const tr = e.target.closest<HTMLElement>('tr[data-index]');
    if (!tr) return;
    const target = keyTarget(e.key, Number(tr.dataset.index), count, Math.floor(viewport / rowHeight) - 1);
    if (target === null) return;
    e.preventDefault();
    moveTo(target);
  };

  const rows: ReactNode[] = [];
  for (let i = range.first; i < range.last; i++) {
    rows.push(props.renderRow(i, { 'data-index': i, 'aria-rowindex': i + 2, style: { height: rowHeight } }));
  }
  return (
    <div
      ref={scroller}
      className={`leads-scroller ${props.className ?? ''}`}
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        setScrollTop(top);
        props.onScrollTopChange?.(top);
      }}
    >
      <div style={{ height: (count + 1) * rowHeight, position: 'relative' }}>
        <table className="leads-table" aria-label={props.label} aria-rowcount={count + 1} style={{ top: range.first * rowHeight }}>
          <thead>
            <tr aria-rowindex={1} style={{ height: rowHeight }}>{props.head}</tr>
          </thead>
          <tbody onKeyDown={onKeyDown}>{rows}</tbody>
        </table>
      </div>
    </div>
  );
}
