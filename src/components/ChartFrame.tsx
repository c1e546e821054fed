import { useEffect, useId, useRef, useState, type FocusEvent, type KeyboardEvent, type ReactNode } from 'react';
import { nearestRow, readoutText, type ChartRow, type ReadoutSeries } from './chart-readout';
import './chart-frame.css';

/** What the chart inside draws and listens to, from the frame. */
export interface ChartPointer {
  /** The x of the point read out, for a marker line; null when none is. */
  marker: number | null;
  /** Spread onto the recharts chart: the pointer's position picks the point. */
  chartProps: {
    onMouseMove: (state: { activeLabel?: unknown }) => void;
    onMouseLeave: () => void;
  };
}

interface ChartFrameProps {
  /** The chart's accessible name. */
  title: string;
  /** The chart's points, sorted by x: what the pointer and the arrow keys move between. */
  rows: readonly ChartRow[];
  xKey: string;
  /** "Epoch 3", "12.4 s": the point's position as the readout names it. */
  xLabel: (x: number) => string;
  series: readonly ReadoutSeries[];
  children: (pointer: ChartPointer) => ReactNode;
}

interface Selection {
  x: number | null;
  pinned: boolean;
  hovered: number | null;
  /** Clicked before the pointer's position was known: pin where it turns out to be. */
  pinNext: boolean;
}
const NONE: Selection = { x: null, pinned: false, hovered: null, pinNext: false };

const HINT = 'Point at the chart, or focus it and use the arrow keys, to read exact values; click or press Enter to pin them.';
/** PageUp and PageDown move this share of the points. */
const PAGE = 0.1;

/**
 * One focusable chart: its values read out under it (and to screen readers, politely) for
 * the point under the pointer or chosen with the arrow keys; a click or Enter pins them
 * until the next click, Enter or Escape.
 */
export function ChartFrame({ title, rows, xKey, xLabel, series, children }: ChartFrameProps) {
  /** x: the point read out; hovered: the x under the pointer, which a click pins. */
  const [selected, setSelected] = useState<Selection>(NONE);
  const plot = useRef<HTMLDivElement>(null);
  const readoutId = useId();
  useUnfocusableLayers(plot);

  const index = selected.x === null ? -1 : nearestRow(rows, xKey, selected.x);
  const row = index >= 0 ? rows[index] : null;
  const rowX = row ? Number(row[xKey]) : null;
  const moveTo = (i: number) => {
    if (rows.length === 0) return;
    const clamped = Math.max(0, Math.min(rows.length - 1, i));
    setSelected((s) => ({ ...s, x: Number(rows[clamped][xKey]) }));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const step = Math.max(1, Math.round(rows.length * PAGE));
    const from = index >= 0 ? index : rows.length - 1;
    const moves: Record<string, () => void> = {
      ArrowRight: () => moveTo(from + 1),
      ArrowLeft: () => moveTo(from - 1),
      PageUp: () => moveTo(from + step),
      PageDown: () => moveTo(from - step),
      Home: () => moveTo(0),
      End: () => moveTo(rows.length - 1),
      Enter: () => setSelected((s) => ({ ...s, x: rowX, pinned: !s.pinned && rowX !== null })),
      ' ': () => setSelected((s) => ({ ...s, x: rowX, pinned: !s.pinned && rowX !== null })),
      Escape: () => setSelected(NONE),
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    move();
  };
  // Leaving the chart keeps its last readout: clearing it would change the text's height under
  // a pointer that is on its way to a button further up, and the click would miss.
  const onFocus = (event: FocusEvent) => {
    // Entering the chart reads its latest point, so the first arrow key moves from there.
    if (event.target === event.currentTarget && selected.x === null && rows.length > 0) moveTo(rows.length - 1);
  };

  const xOf = (state: { activeLabel?: unknown }) => {
    const x = Number(state.activeLabel);
    return state.activeLabel !== undefined && Number.isFinite(x) ? x : null;
  };
  const pointer: ChartPointer = {
    marker: rowX,
    chartProps: {
      onMouseMove: (state) => {
        const x = xOf(state);
        if (x === null) return;
        setSelected((s) => {
          if (s.pinNext) return { x, hovered: x, pinned: true, pinNext: false };
          return s.hovered === x ? s : { ...s, hovered: x, x: s.pinned ? s.x : x };
        });
      },
      onMouseLeave: () =>
        setSelected((s) => (s.pinned || plot.current?.contains(document.activeElement) ? { ...s, hovered: null, pinNext: false } : NONE)),
    },
  };
  /*
   * The click is the frame's, not recharts', so a tap on a touch screen pins too. recharts
   * reports the pointer once per animation frame, so a click (or tap) that comes before its
   * first report pins the point that report names.
   */
  const onClick = () =>
    setSelected((s) => {
      const x = s.hovered;
      if (x === null) return { ...s, pinNext: true };
      const same = s.pinned && s.x !== null && nearestRow(rows, xKey, s.x) === nearestRow(rows, xKey, x);
      return { x, hovered: x, pinned: !same, pinNext: false };
    });

  const text = row && rowX !== null ? readoutText(row, xLabel(rowX), series) : rows.length > 0 ? HINT : '';
  return (
    <>
      <div
        ref={plot}
        className="chart-plot"
        tabIndex={0}
        role="group"
        aria-roledescription="chart"
        aria-label={title}
        aria-describedby={readoutId}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
        onClick={onClick}
      >
        {children(pointer)}
      </div>
      <p id={readoutId} className="chart-readout" aria-live="polite" data-pinned={selected.pinned && row ? 'true' : undefined}>
        {selected.pinned && row ? `Pinned: ${text}` : text}
      </p>
    </>
  );
}

/**
 * recharts renders some of its layers into <g> elements through React portals, and React
 * listens for focus events on a portal's container, which makes Chromium put each such <g>
 * in the tab order: unnamed tab stops with nothing to do. The chart itself is the one tab stop.
 */
function useUnfocusableLayers(plot: { current: HTMLElement | null }): void {
  useEffect(() => {
    const root = plot.current;
    if (!root) return;
    const mark = () => {
      for (const layer of root.querySelectorAll('svg g[class*="recharts-zIndex-layer"]:not([tabindex])')) layer.setAttribute('tabindex', '-1');
    };
    mark();
    const observer = new MutationObserver(mark);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [plot]);
}
