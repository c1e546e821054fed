import { memo, useMemo, type ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatLoss, formatPercent } from '../../components/format';
import { Panel } from '../../components/Panel';
import { useThrottledValue } from '../../components/use-throttled-value';
import type { EpochPoint } from '../../store/state';
import { useAppStore } from '../../store/store';
import type { RunningPoint } from '../../worker/api';
import { accuracyTicks, compactNumber, niceTicks } from './axes';
import { EpochTable } from './EpochTable';
import './charts.css';

/*
 * Drawing a recharts chart is the page's most expensive work while a run streams in, so:
 * every prop is a module constant or memoised with the data (recharts recomputes what changed
 * identity), ticks are given (its own go through decimal arithmetic), axes skip the
 * tick-collision pass that measures text in the DOM (interval 0), legends are plain
 * HTML, and each chart takes new data in a timer task of its own, at most twice a second,
 * so no task draws two charts and the progress bar never waits for a chart.
 */

const COLORS = {
  train: '#4f46e5',
  test: '#059669',
  validation: '#d97706',
  gap: '#fca5a5',
  error: '#dc2626',
  loss: '#f59e0b',
  running: '#94a3b8',
};

const CHART_STYLE = { width: '100%', height: 220 };
const MARGIN = { top: 8, right: 8, bottom: 4, left: 0 };
/*
 * Before the first run the charts draw placeholder rows without values: nothing shows,
 * but the lines are mounted at page load rather than in the middle of the first epoch.
 */
const NO_EPOCHS = [{ epoch: 1 }, { epoch: 2 }];
const NO_POINTS = [{ x: 0 }, { x: 1 }];
const FULL_RANGE_TICKS = [0, 0.25, 0.5, 0.75, 1];
/** Dots help while a run has only a few epochs; past that they clutter the line. */
const DOT = { r: 3 };
const EPOCH_LABEL = { value: 'epoch', position: 'insideBottomRight', offset: -2 } as const;
const RUN_LABEL = { value: 'epochs', position: 'insideBottomRight', offset: -2 } as const;

const percentTick = (value: number) => formatPercent(value, 0);
const epochTick = (value: number) => String(value);
const percentValue = (value: unknown) => formatPercent(Number(value));
const lossValue = (value: unknown) => formatLoss(Number(value));
const epochLabel = (label: unknown) => `Epoch ${label}`;
const runLabel = (label: unknown) => `Epoch ${Number(label).toFixed(2)}`;
const runValue = (value: unknown, name: unknown) =>
  String(name).includes('loss') ? formatLoss(Number(value)) : formatPercent(Number(value));

const domainOf = (ticks: number[]): [number, number] => [ticks[0], ticks[ticks.length - 1]];
const epochTicks = (points: EpochPoint[]) => niceTicks(1, points[points.length - 1]?.epoch ?? 1, 8, 1);
const maxOf = (values: number[]) => values.reduce((max, value) => (value > max ? value : max), 0);
const lossTicksOf = (losses: number[]) => niceTicks(0, maxOf(losses), 4);

interface LegendEntry {
  name: string;
  color: string;
  dashed?: boolean;
}

interface ChartFigureProps {
  title: string;
  caption: string;
  legend: LegendEntry[];
  /** Shown over the chart while it has no points. */
  empty: string | false;
  children: ReactNode;
}

function ChartFigure({ title, caption, legend, empty, children }: ChartFigureProps) {
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong>
        <span>{caption}</span>
      </figcaption>
      {children}
      <ul className="chart-legend">
        {legend.map((entry) => (
          <li key={entry.name}>
            <span
              className={entry.dashed ? 'legend-line dashed' : 'legend-line'}
              style={{ borderColor: entry.color }}
              aria-hidden="true"
            />
            {entry.name}
          </li>
        ))}
      </ul>
      {empty && <p className="chart-empty">{empty}</p>}
    </figure>
  );
}

const EPOCH_EMPTY = 'A point appears at the end of each epoch.';

const ACCURACY_LEGEND = [
  { name: 'Training accuracy', color: COLORS.train },
  { name: 'Test accuracy', color: COLORS.test },
];

const VALIDATION_LEGEND = [
  { name: 'Training accuracy', color: COLORS.train },
  { name: 'Validation accuracy', color: COLORS.validation },
  { name: 'Gap (overfitting)', color: COLORS.gap },
];

/** Only the lines' values: the shaded gap's [low, high] pairs are not worth a tooltip row. */
const accuracyValue = (value: unknown) => (Array.isArray(value) ? [] : percentValue(value));

/**
 * With a validation split the curve to watch is validation accuracy: the test set is
 * kept for the final report, so nothing is tuned on it.
 */
const AccuracyChart = memo(function AccuracyChart({ points }: { points: EpochPoint[] }) {
  const validation = points.some((p) => p.validationAccuracy !== undefined);
  const data = useMemo(
    () => (validation ? points.map((p) => ({ ...p, gap: [p.validationAccuracy ?? p.trainAccuracy, p.trainAccuracy] })) : points),
    [points, validation],
  );
  const other = (p: EpochPoint) => (validation ? (p.validationAccuracy ?? p.trainAccuracy) : p.testAccuracy);
  // Zoomed to the data, so 97% against 98% stays visible.
  const ticks = accuracyTicks(Math.min(...points.flatMap((p) => [p.trainAccuracy, other(p)])));
  const xTicks = epochTicks(points);
  const dot = points.length <= 30 ? DOT : false;
  return (
    <ChartFigure
      title="Accuracy per epoch"
      caption={
        validation
          ? 'Training against held-out validation images; the shaded gap is overfitting. The test set is kept for the final report below.'
          : 'Training accuracy above test accuracy is overfitting. Hold out validation images to watch it without the test set.'
      }
      legend={validation ? VALIDATION_LEGEND : ACCURACY_LEGEND}
      empty={points.length === 0 && EPOCH_EMPTY}
    >
      <ComposedChart responsive accessibilityLayer={false} style={CHART_STYLE} data={points.length > 0 ? data : NO_EPOCHS} margin={MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="epoch" type="number" domain={domainOf(xTicks)} ticks={xTicks} interval={0} label={EPOCH_LABEL} />
        <YAxis domain={domainOf(ticks)} ticks={ticks} interval={0} tickFormatter={percentTick} width={44} />
        <Tooltip formatter={accuracyValue} labelFormatter={epochLabel} />
        {validation && (
          <Area name="Gap" dataKey="gap" fill={COLORS.gap} fillOpacity={0.45} stroke="none" isAnimationActive={false} type="linear" />
        )}
        <Line name="Training accuracy" dataKey="trainAccuracy" stroke={COLORS.train} strokeWidth={2} dot={dot} isAnimationActive={false} type="linear" />
        {validation ? (
          <Line name="Validation accuracy" dataKey="validationAccuracy" stroke={COLORS.validation} strokeWidth={2} dot={dot} isAnimationActive={false} type="linear" />
        ) : (
          <Line name="Test accuracy" dataKey="testAccuracy" stroke={COLORS.test} strokeWidth={2} dot={dot} isAnimationActive={false} type="linear" />
        )}
      </ComposedChart>
    </ChartFigure>
  );
});

interface AxisSpec {
  ticks: number[];
  tickFormatter?: (value: number) => string;
}

/** A line chart with a numeric x axis, a left axis of its own and the loss on the right. */
function DualAxisChart({
  data,
  x,
  left,
  lossTicks,
  formatter,
  labelFormatter,
  children,
}: {
  data: object[];
  x: AxisSpec & { dataKey: string; label: typeof EPOCH_LABEL | typeof RUN_LABEL };
  left: AxisSpec & { id: string; width: number };
  lossTicks: number[];
  formatter: (value: unknown, name: unknown) => string;
  labelFormatter: (label: unknown) => string;
  children: ReactNode;
}) {
  return (
    <LineChart responsive accessibilityLayer={false} style={CHART_STYLE} data={data} margin={MARGIN}>
      <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
      <XAxis dataKey={x.dataKey} type="number" domain={domainOf(x.ticks)} ticks={x.ticks} tickFormatter={x.tickFormatter} interval={0} label={x.label} />
      <YAxis yAxisId={left.id} domain={domainOf(left.ticks)} ticks={left.ticks} tickFormatter={left.tickFormatter} interval={0} width={left.width} />
      <YAxis yAxisId="loss" orientation="right" domain={domainOf(lossTicks)} ticks={lossTicks} tickFormatter={compactNumber} interval={0} width={48} />
      <Tooltip formatter={formatter} labelFormatter={labelFormatter} />
      {children}
    </LineChart>
  );
}

const ERROR_LEGEND = [
  { name: 'Average error (left)', color: COLORS.error },
  { name: 'Loss (right)', color: COLORS.loss },
];

const ErrorChart = memo(function ErrorChart({ points }: { points: EpochPoint[] }) {
  const dot = points.length <= 30 ? DOT : false;
  const xTicks = epochTicks(points);
  const errorTicks = niceTicks(0, maxOf(points.map((p) => p.averageError)), 4);
  return (
    <ChartFigure
      title="Error per epoch"
      caption="The seed post’s average error and the training loss, both falling as it learns."
      legend={ERROR_LEGEND}
      empty={points.length === 0 && EPOCH_EMPTY}
    >
      <DualAxisChart
        data={points.length > 0 ? points : NO_EPOCHS}
        x={{ dataKey: 'epoch', ticks: xTicks, label: EPOCH_LABEL }}
        left={{ id: 'error', ticks: errorTicks, tickFormatter: compactNumber, width: 48 }}
        lossTicks={lossTicksOf(points.map((p) => p.loss))}
        formatter={lossValue}
        labelFormatter={epochLabel}
      >
        <Line yAxisId="error" name="Average error" dataKey="averageError" stroke={COLORS.error} strokeWidth={2} dot={dot} isAnimationActive={false} type="linear" />
        <Line yAxisId="loss" name="Loss" dataKey="loss" stroke={COLORS.loss} strokeWidth={2} dot={dot} isAnimationActive={false} type="linear" />
      </DualAxisChart>
    </ChartFigure>
  );
});

const WITHIN_LEGEND = [
  { name: 'Recent accuracy', color: COLORS.train },
  { name: 'Epoch-average accuracy', color: COLORS.running, dashed: true },
  { name: 'Recent loss (right)', color: COLORS.loss },
];

const WithinEpochChart = memo(function WithinEpochChart({ points }: { points: RunningPoint[] }) {
  const xTicks = niceTicks(0, Math.max(1, Math.ceil(points[points.length - 1]?.x ?? 1)), 8);
  return (
    <ChartFigure
      title="Within-epoch learning"
      caption="Accuracy of the last few hundred samples climbs within epoch 1; the epoch average lags behind it."
      legend={WITHIN_LEGEND}
      empty={points.length === 0 && 'Press Train to draw this curve.'}
    >
      <DualAxisChart
        data={points.length > 0 ? points : NO_POINTS}
        x={{ dataKey: 'x', ticks: xTicks, tickFormatter: epochTick, label: RUN_LABEL }}
        left={{ id: 'accuracy', ticks: FULL_RANGE_TICKS, tickFormatter: percentTick, width: 44 }}
        lossTicks={lossTicksOf(points.map((p) => p.windowLoss))}
        formatter={runValue}
        labelFormatter={runLabel}
      >
        <Line yAxisId="accuracy" name="Recent accuracy" dataKey="windowAccuracy" stroke={COLORS.train} strokeWidth={2} dot={false} isAnimationActive={false} type="linear" />
        <Line yAxisId="accuracy" name="Epoch-average accuracy" dataKey="runningAccuracy" stroke={COLORS.running} strokeDasharray="4 3" dot={false} isAnimationActive={false} type="linear" />
        <Line yAxisId="loss" name="Recent loss" dataKey="windowLoss" stroke={COLORS.loss} dot={false} isAnimationActive={false} type="linear" />
      </DualAxisChart>
    </ChartFigure>
  );
});

/** Redraws of the within-epoch curve, at most this often. */
const REDRAW_MS = 500;
/** Each chart redraws in a frame of its own, this long after the previous one. */
const STAGGER_MS = 150;

export function TrainingCharts() {
  const epochs = useAppStore((state) => state.epochs.points);
  const running = useAppStore((state) => state.running.points);
  return (
    <Panel title="Learning curves" className="charts-panel">
      <div className="charts">
        <AccuracyChart points={useThrottledValue(epochs, REDRAW_MS, STAGGER_MS)} />
        <WithinEpochChart points={useThrottledValue(running, REDRAW_MS)} />
        <ErrorChart points={useThrottledValue(epochs, REDRAW_MS, 2 * STAGGER_MS)} />
      </div>
      <EpochTable />
    </Panel>
  );
}
