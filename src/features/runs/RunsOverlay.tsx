import { memo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent } from '../../components/format';
import type { RunRecord } from '../../store/runs';
import { runColor } from './colors';

const CHART_STYLE = { width: '100%', height: 240 };
const MARGIN = { top: 8, right: 12, bottom: 4, left: 0 };
const percentTick = (value: number) => formatPercent(value, 0);
const percentValue = (value: unknown) => formatPercent(Number(value));
/** Zoomed to the runs' accuracies, in steps of 5%, so 97% against 98% stays visible. */
const accuracyDomain = (lowest: number): [number, number] => [Number.isFinite(lowest) ? Math.min(0.95, Math.floor(lowest * 20) / 20) : 0, 1];

interface OverlayProps {
  runs: RunRecord[];
  /** 'epoch': test accuracy against epochs; 'time': against training seconds. */
  axis: 'epoch' | 'time';
}

/**
 * Test accuracy of several runs on one chart, one coloured line per run, with a legend of run names.
 * The x axis ends at the longest run ('dataMax', not a rounded-up 'auto'), so no part of the chart is left empty.
 */
export const RunsOverlay = memo(function RunsOverlay({ runs, axis }: OverlayProps) {
  const x = axis === 'epoch' ? 'epoch' : 'elapsed';
  const lowest = Math.min(...runs.flatMap((run) => run.epochs.map((e) => e.testAccuracy)));
  const title = axis === 'epoch' ? 'Test accuracy by epoch' : 'Test accuracy by training time';
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong>
        <span>{axis === 'epoch' ? 'Which setting learns more per pass over the data.' : 'Which setting gets there sooner on this machine (seconds of training).'}</span>
      </figcaption>
      <LineChart responsive accessibilityLayer={false} style={CHART_STYLE} margin={MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey={x} type="number" domain={[axis === 'epoch' ? 1 : 0, 'dataMax']} allowDecimals={axis === 'time'} label={{ value: axis === 'epoch' ? 'epoch' : 'seconds', position: 'insideBottomRight', offset: -2 }} />
        <YAxis domain={accuracyDomain(lowest)} tickFormatter={percentTick} width={44} />
        <Tooltip formatter={percentValue} />
        {runs.map((run, i) => (
          <Line key={run.id} data={run.epochs} name={run.name} dataKey="testAccuracy" stroke={runColor(i)} strokeWidth={2} dot={run.epochs.length <= 30} isAnimationActive={false} type="linear" />
        ))}
      </LineChart>
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
