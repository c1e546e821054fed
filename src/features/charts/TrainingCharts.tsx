import { memo, useId, useMemo, useState, type ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis, type BaseTickContentProps } from 'recharts';
import { ChartFrame, type ChartPointer } from '../../components/ChartFrame';
import { smoothSeries, type ReadoutSeries } from '../../components/chart-readout';
import { formatLoss, formatPercent } from '../../components/format';
import { Panel } from '../../components/Panel';
import { saveFile } from '../../components/save-file';
import { useThrottledValue } from '../../components/use-throttled-value';
import type { EpochPoint } from '../../store/state';
import { useAppStore } from '../../store/store';
import type { RunningPoint } from '../../worker/api';
import { accuracyTicks, compactNumber, epochAxis, niceTicks } from './axes';
import { EpochTable } from './EpochTable';
import { seriesCsv } from './series-csv';
import './charts.css';

/*
 * Drawing a recharts chart is the page's most expensive work while a run streams in, so:
 * every prop is a module constant or memoised with the data (recharts recomputes what changed
 * identity), ticks are given and recharts' own "nice" ticks are off (it would still work them
 * out, in decimal arithmetic, beside the given ones), the grid follows an axis that exists,
 * axes skip the tick-collision pass that measures text in the DOM (interval 0), legends are plain
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
/**
 * A tick label as plain SVG text. recharts' own <Text> is handed the axis's width, and with a
 * width it measures each new label in the DOM, a forced layout of the page per redraw.
 */
function plainTick({ x, y, payload, index, textAnchor, verticalAnchor, fill, className, tickFormatter }: BaseTickContentProps) {
  return (
    <text x={x} y={y} dy={verticalAnchor === 'start' ? '0.71em' : verticalAnchor === 'middle' ? '0.355em' : undefined} textAnchor={textAnchor} fill={fill} className={className}>
      {tickFormatter ? tickFormatter(payload.value, index) : String(payload.value)}
    </text>
  );
}

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
const epochAxisOf = (points: EpochPoint[]) => epochAxis(points[points.length - 1]?.epoch ?? 1);
const maxOf = (values: number[]) => values.reduce((max, value) => (value > max ? value : max), 0);
const lossTicksOf = (losses: number[]) => niceTicks(0, maxOf(losses), 4);

const MARKER = { stroke: '#111827', strokeDasharray: '2 2' };
const epochName = (x: number) => `Epoch ${x}`;
/** 1.5 → "Epoch 2, 50% through": the within-epoch curve's x is the position in the run, in epochs. */
const runPosition = (x: number) => {
  const epoch = Math.max(1, Math.ceil(x));
  return `Epoch ${epoch}, ${formatPercent(x - (epoch - 1), 0)} through`;
};
const percentSeries = (key: string, name: string): ReadoutSeries => ({ key, name, format: (v) => formatPercent(v) });
const lossSeries = (key: string, name: string): ReadoutSeries => ({ key, name, format: formatLoss });
const ACCURACY_SERIES = [percentSeries('trainAccuracy', 'Training accuracy'), percentSeries('testAccuracy', 'Test accuracy')];
const VALIDATION_SERIES = [percentSeries('trainAccuracy', 'Training accuracy'), percentSeries('validationAccuracy', 'Validation accuracy')];
const ERROR_SERIES = [lossSeries('averageError', 'Average error'), lossSeries('loss', 'Loss')];
const WITHIN_SERIES = [
  percentSeries('windowAccuracy', 'Recent accuracy'),
  percentSeries('runningAccuracy', 'Epoch-average accuracy'),
  lossSeries('windowLoss', 'Recent loss'),
];
const SMOOTHED_SERIES = [
  percentSeries('windowAccuracy', 'Recent accuracy'),
  percentSeries('smoothAccuracy', 'smoothed'),
  percentSeries('runningAccuracy', 'Epoch-average accuracy'),
  lossSeries('windowLoss', 'Recent loss'),
  lossSeries('smoothLoss', 'smoothed'),
];

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
  /** The points the readout moves between, sorted by `xKey`. */
  rows: readonly object[];
  xKey: string;
  xLabel: (x: number) => string;
  series: readonly ReadoutSeries[];
  /** Controls of the chart's own, under its caption. */
  controls?: ReactNode;
  children: (pointer: ChartPointer) => ReactNode;
}

function ChartFigure({ title, caption, legend, empty, rows, xKey, xLabel, series, controls, children }: ChartFigureProps) {
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong>
        <span>{caption}</span>
      </figcaption>
      {controls}
      <ChartFrame title={title} rows={rows as Record<string, unknown>[]} xKey={xKey} xLabel={xLabel} series={series}>
        {children}
      </ChartFrame>
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
  const xAxis = epochAxisOf(points);
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
      rows={points}
      xKey="epoch"
      xLabel={epochName}
      series={validation ? VALIDATION_SERIES : ACCURACY_SERIES}
    >
      {({ marker, chartProps }) => (
        <ComposedChart responsive accessibilityLayer={false} style={CHART_STYLE} data={points.length > 0 ? data : NO_EPOCHS} margin={MARGIN} {...chartProps}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis dataKey="epoch" type="number" domain={xAxis.domain} ticks={xAxis.ticks} interval={0} niceTicks="none" tick={plainTick} label={EPOCH_LABEL} />
          <YAxis domain={domainOf(ticks)} ticks={ticks} interval={0} niceTicks="none" tick={plainTick} tickFormatter={percentTick} width={44} />
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
          {marker !== null && <ReferenceLine x={marker} {...MARKER} />}
        </ComposedChart>
      )}
    </ChartFigure>
  );
});

interface AxisSpec {
  ticks: number[];
  /** From the first tick to the last unless given. */
  domain?: [number, number];
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
  pointer,
  children,
}: {
  data: object[];
  x: AxisSpec & { dataKey: string; label: typeof EPOCH_LABEL | typeof RUN_LABEL };
  left: AxisSpec & { id: string; width: number };
  lossTicks: number[];
  formatter: (value: unknown, name: unknown) => string;
  labelFormatter: (label: unknown) => string;
  pointer: ChartPointer;
  children: ReactNode;
}) {
  return (
    <LineChart responsive accessibilityLayer={false} style={CHART_STYLE} data={data} margin={MARGIN} {...pointer.chartProps}>
      {/* On the default axis id, which no axis here has, recharts made up an axis for the grid and worked out its ticks on every redraw. */}
      <CartesianGrid yAxisId={left.id} strokeDasharray="3 3" stroke="#e5e7eb" />
      <XAxis dataKey={x.dataKey} type="number" domain={x.domain ?? domainOf(x.ticks)} ticks={x.ticks} tickFormatter={x.tickFormatter} interval={0} niceTicks="none" tick={plainTick} label={x.label} />
      <YAxis yAxisId={left.id} domain={domainOf(left.ticks)} ticks={left.ticks} tickFormatter={left.tickFormatter} interval={0} niceTicks="none" tick={plainTick} width={left.width} />
      <YAxis yAxisId="loss" orientation="right" domain={domainOf(lossTicks)} ticks={lossTicks} tickFormatter={compactNumber} interval={0} niceTicks="none" tick={plainTick} width={48} />
      <Tooltip formatter={formatter} labelFormatter={labelFormatter} />
      {children}
      {pointer.marker !== null && <ReferenceLine x={pointer.marker} yAxisId={left.id} {...MARKER} />}
    </LineChart>
  );
}

const ERROR_LEGEND = [
  { name: 'Average error (left)', color: COLORS.error },
  { name: 'Loss (right)', color: COLORS.loss },
];

const ErrorChart = memo(function ErrorChart({ points }: { points: EpochPoint[] }) {
  const dot = points.length <= 30 ? DOT : false;
  const xAxis = epochAxisOf(points);
  const errorTicks = niceTicks(0, maxOf(points.map((p) => p.averageError)), 4);
  return (
    <ChartFigure
      title="Error per epoch"
      caption="The seed post’s average error and the training loss, both falling as it learns."
      legend={ERROR_LEGEND}
      empty={points.length === 0 && EPOCH_EMPTY}
      rows={points}
      xKey="epoch"
      xLabel={epochName}
      series={ERROR_SERIES}
    >
      {(pointer) => (
        <DualAxisChart
          data={points.length > 0 ? points : NO_EPOCHS}
          x={{ dataKey: 'epoch', ...xAxis, label: EPOCH_LABEL }}
          left={{ id: 'error', ticks: errorTicks, tickFormatter: compactNumber, width: 48 }}
          lossTicks={lossTicksOf(points.map((p) => p.loss))}
          formatter={lossValue}
          labelFormatter={epochLabel}
          pointer={pointer}
        >
          <Line yAxisId="error" name="Average error" dataKey="averageError" stroke={COLORS.error} strokeWidth={2} dot={dot} isAnimationActive={false} type="linear" />
          <Line yAxisId="loss" name="Loss" dataKey="loss" stroke={COLORS.loss} strokeWidth={2} dot={dot} isAnimationActive={false} type="linear" />
        </DualAxisChart>
      )}
    </ChartFigure>
  );
});

const WITHIN_LEGEND = [
  { name: 'Recent accuracy', color: COLORS.train },
  { name: 'Epoch-average accuracy', color: COLORS.running, dashed: true },
  { name: 'Recent loss (right)', color: COLORS.loss },
];

/** The raw recent curves fade behind their smoothed lines. */
const RAW_OPACITY = 0.3;

const WithinEpochChart = memo(function WithinEpochChart({ points }: { points: RunningPoint[] }) {
  const [smoothing, setSmoothing] = useState(0);
  const smoothingId = useId();
  const xTicks = niceTicks(0, Math.max(1, Math.ceil(points[points.length - 1]?.x ?? 1)), 8);
  const smoothed = smoothing > 0;
  const rows = useMemo(() => {
    if (!smoothed) return points;
    const accuracy = smoothSeries(points.map((p) => p.windowAccuracy), smoothing);
    const loss = smoothSeries(points.map((p) => p.windowLoss), smoothing);
    return points.map((p, i) => ({ ...p, smoothAccuracy: accuracy[i], smoothLoss: loss[i] }));
  }, [points, smoothing, smoothed]);
  const rawOpacity = smoothed ? RAW_OPACITY : 1;
  return (
    <ChartFigure
      title="Within-epoch learning"
      caption="Accuracy of the last few hundred samples climbs within epoch 1; the epoch average lags behind it."
      legend={WITHIN_LEGEND}
      empty={points.length === 0 && 'Press Train to draw this curve.'}
      rows={rows}
      xKey="x"
      xLabel={runPosition}
      series={smoothed ? SMOOTHED_SERIES : WITHIN_SERIES}
      controls={
        <div className="chart-smoothing">
          <label htmlFor={smoothingId}>Smoothing</label>
          <input id={smoothingId} type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(event) => setSmoothing(Number(event.target.value))} />
          <output htmlFor={smoothingId}>{smoothing.toFixed(2)}</output>
        </div>
      }
    >
      {(pointer) => (
        <DualAxisChart
          data={points.length > 0 ? rows : NO_POINTS}
          x={{ dataKey: 'x', ticks: xTicks, tickFormatter: epochTick, label: RUN_LABEL }}
          left={{ id: 'accuracy', ticks: FULL_RANGE_TICKS, tickFormatter: percentTick, width: 44 }}
          lossTicks={lossTicksOf(points.map((p) => p.windowLoss))}
          formatter={runValue}
          labelFormatter={runLabel}
          pointer={pointer}
        >
          <Line yAxisId="accuracy" name="Recent accuracy" dataKey="windowAccuracy" stroke={COLORS.train} strokeOpacity={rawOpacity} strokeWidth={2} dot={false} isAnimationActive={false} type="linear" />
          <Line yAxisId="accuracy" name="Epoch-average accuracy" dataKey="runningAccuracy" stroke={COLORS.running} strokeDasharray="4 3" dot={false} isAnimationActive={false} type="linear" />
          <Line yAxisId="loss" name="Recent loss" dataKey="windowLoss" stroke={COLORS.loss} strokeOpacity={rawOpacity} dot={false} isAnimationActive={false} type="linear" />
          {smoothed && <Line yAxisId="accuracy" name="Recent accuracy, smoothed" dataKey="smoothAccuracy" stroke={COLORS.train} strokeWidth={2} dot={false} isAnimationActive={false} type="linear" />}
          {smoothed && <Line yAxisId="loss" name="Recent loss, smoothed" dataKey="smoothLoss" stroke={COLORS.loss} strokeWidth={2} dot={false} isAnimationActive={false} type="linear" />}
        </DualAxisChart>
      )}
    </ChartFigure>
  );
});

/** Redraws of the within-epoch curve, at most this often. */
const REDRAW_MS = 500;
/** Each chart redraws in a frame of its own, this long after the previous one. */
const STAGGER_MS = 150;

/** Saves the run's curves as they stand (every kept point, not the throttled drawing's). */
function DownloadCsv() {
  const hasPoints = useAppStore((state) => state.epochs.points.length > 0 || state.running.points.length > 0);
  const save = () => {
    const { runConfig, dataset, epochs, running } = useAppStore.getState();
    saveFile('learning-curves.csv', seriesCsv({ config: runConfig, dataset: dataset.name, epochs: epochs.points, running: running.points }), 'text/csv');
  };
  return (
    <button type="button" className="secondary small" onClick={save} disabled={!hasPoints}>
      Download CSV
    </button>
  );
}

export function TrainingCharts() {
  const epochs = useAppStore((state) => state.epochs.points);
  const running = useAppStore((state) => state.running.points);
  return (
    <Panel title="Learning curves" className="charts-panel" actions={<DownloadCsv />}>
      <div className="charts">
        <AccuracyChart points={useThrottledValue(epochs, REDRAW_MS, STAGGER_MS)} />
        <WithinEpochChart points={useThrottledValue(running, REDRAW_MS)} />
        <ErrorChart points={useThrottledValue(epochs, REDRAW_MS, 2 * STAGGER_MS)} />
      </div>
      <EpochTable />
    </Panel>
  );
}
