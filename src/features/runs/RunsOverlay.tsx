import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame } from '../../components/ChartFrame';
import { tickLabel, ticksToMax, type ChartRow } from '../../components/chart-readout';
import { formatPercent } from '../../components/format';
import type { RunRecord } from '../../store/runs';
import { runColor } from './colors';

const CHART_STYLE = { width: '100%', height: 240 };
const MARGIN = { top: 8, right: 12, bottom: 4, left: 0 };
const MARKER = { stroke: '#111827', strokeDasharray: '2 2' };
const percentTick = (value: number) => formatPercent(value, 0);
const percentValue = (value: unknown) => formatPercent(Number(value));
const epochName = (x: number) => `Epoch ${x}`;
const secondsName = (x: number) => `${tickLabel(x)} s of training`;
const epochTooltip = (label: unknown) => epochName(Number(label));
const secondsTooltip = (label: unknown) => secondsName(Number(label));
/** Zoomed to the runs' accuracies, in steps of 5%, so 97% against 98% stays visible. */
const accuracyDomain = (lowest: number): [number, number] => [Number.isFinite(lowest) ? Math.min(0.95, Math.floor(lowest * 20) / 20) : 0, 1];

interface OverlayProps {
  runs: RunRecord[];
  /** 'epoch': test accuracy against epochs; 'time': against training seconds. */
  axis: 'epoch' | 'time';
}

/**
 * One row per x value, with each run's test accuracy there under its own key (r0, r1…): the
 * rows the readout and the arrow keys move between. By time, runs rarely share an x, so most
 * rows hold one run and the lines join across the gaps.
 */
export function overlayRows(runs: readonly RunRecord[], x: 'epoch' | 'elapsed'): ChartRow[] {
  const byX = new Map<number, ChartRow>();
  runs.forEach((run, i) => {
    for (const epoch of run.epochs) {
      const at = epoch[x];
      const row = byX.get(at) ?? { [x]: at };
      row[`r${i}`] = epoch.testAccuracy;
      byX.set(at, row);
    }
  });
  return [...byX.values()].sort((a, b) => Number(a[x]) - Number(b[x]));
}

/**
 * Test accuracy of several runs on one chart, one coloured line per run, with a legend of run names.
 * The x axis ends at the longest run, so no part of the chart is left empty.
 */
export const RunsOverlay = memo(function RunsOverlay({ runs, axis }: OverlayProps) {
  const x = axis === 'epoch' ? 'epoch' : 'elapsed';
  const lowest = Math.min(...runs.flatMap((run) => run.epochs.map((e) => e.testAccuracy)));
  const title = axis === 'epoch' ? 'Test accuracy by epoch' : 'Test accuracy by training time';
  const rows = useMemo(() => overlayRows(runs, x), [runs, x]);
  const series = useMemo(() => runs.map((run, i) => ({ key: `r${i}`, name: run.name, format: (v: number) => formatPercent(v) })), [runs]);
  const longest = rows.length > 0 ? Number(rows[rows.length - 1][x]) : 1;
  // By time the ticks are round seconds, plus the longest run's end; by epoch recharts' whole numbers do.
  const timeTicks = axis === 'time' ? ticksToMax(longest, 5) : undefined;
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong>
        <span>{axis === 'epoch' ? 'Which setting learns more per pass over the data.' : 'Which setting gets there sooner on this machine (seconds of training).'}</span>
      </figcaption>
      <ChartFrame title={title} rows={rows} xKey={x} xLabel={axis === 'epoch' ? epochName : secondsName} series={series}>
        {({ marker, chartProps }) => (
          <LineChart responsive accessibilityLayer={false} style={CHART_STYLE} data={rows} margin={MARGIN} {...chartProps}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
            <XAxis
              dataKey={x}
              type="number"
              domain={axis === 'epoch' ? [1, 'dataMax'] : [0, longest]}
              ticks={timeTicks}
              interval={timeTicks ? 0 : undefined}
              tickFormatter={tickLabel}
              allowDecimals={axis === 'time'}
              label={{ value: axis === 'epoch' ? 'epoch' : 'seconds', position: 'insideBottomRight', offset: -2 }}
            />
            <YAxis domain={accuracyDomain(lowest)} tickFormatter={percentTick} width={44} />
            <Tooltip formatter={percentValue} labelFormatter={axis === 'epoch' ? epochTooltip : secondsTooltip} />
            {runs.map((run, i) => (
              <Line key={run.id} name={run.name} dataKey={`r${i}`} connectNulls stroke={runColor(i)} strokeWidth={2} dot={run.epochs.length <= 30} isAnimationActive={false} type="linear" />
            ))}
            {marker !== null && <ReferenceLine x={marker} {...MARKER} />}
          </LineChart>
        )}
      </ChartFrame>
      <ul className="chart-legend" aria-label={`${title} legend`}>
        {runs.map((run, i) => (
          <li key={run.id}>
            <span className="legend-line" style={{ borderColor: runColor(i) }} aria-hidden="true" />
            {run.name}
          </li>
        ))}
      </ul>
    </figure>
  );
});
