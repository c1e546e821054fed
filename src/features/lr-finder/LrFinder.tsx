import { useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { findLearningRate } from '../../bridge/training-bridge';
import { Alert } from '../../components/Alert';
import { ChartFrame } from '../../components/ChartFrame';
import { tickLabel } from '../../components/chart-readout';
import { formatLoss } from '../../components/format';
import { Panel } from '../../components/Panel';
import { ProgressBar } from '../../components/ProgressBar';
import { errorText } from '../../formats/error-text';
import { editConfigField } from '../../store/actions';
import { configProblem } from '../../store/config-slice';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';
import type { RangePoint, RangeResult } from '../../worker/api';
import './lr-finder.css';

const CHART_STYLE = { width: '100%', height: 240 };
const MARGIN = { top: 8, right: 12, bottom: 4, left: 0 };
const RATE_TICKS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];
const COLORS = { loss: '#cbd5e1', smoothed: '#f59e0b', suggested: '#059669', marker: '#111827' };

/** 0.0021 → "0.0021"; 3.2e-5 → "3.2e-5": two significant digits, as a rate is typed. */
export function formatRate(rate: number): string {
  const rounded = Number(rate.toPrecision(2));
  return rounded >= 1e-3 ? String(rounded) : rounded.toExponential(1).replace('.0e', 'e');
}

const rateTick = (value: number) => (value >= 1e-3 ? tickLabel(value) : `1e${Math.round(Math.log10(value))}`);
const rateName = (rate: number) => `Rate ${formatRate(rate)}`;
const lossValue = (value: unknown) => formatLoss(Number(value));
const rateLabel = (label: unknown) => rateName(Number(label));
const SERIES = [
  { key: 'loss', name: 'Batch loss', format: formatLoss },
  { key: 'smoothed', name: 'smoothed', format: formatLoss },
];
const ENDED: Record<RangeResult['ended'], string> = {
  exploded: 'It stopped where the loss exploded (past 4× its lowest)',
  diverged: 'It stopped where the loss was no longer a number',
  'max-rate': 'It ran all 300 batches, to a rate of 10',
};

type Finder =
  | { status: 'idle' }
  | { status: 'running'; points: RangePoint[]; step: number; steps: number }
  | { status: 'done'; result: RangeResult; used: boolean }
  | { status: 'failed'; message: string };

/**
 * "Find a learning rate": a range test of the form's network from its starting weights, plotted
 * as loss against rate, with the rate where the loss falls fastest offered for the form.
 * The model, the runs and the form stay as they are until "Use this rate".
 */
export function LrFinder() {
  const [finder, setFinder] = useState<Finder>({ status: 'idle' });
  const busy = useAppStore((state) => isBusy(state.status));
  const problem = useAppStore(configProblem);
  const running = finder.status === 'running';

  const start = async () => {
    setFinder({ status: 'running', points: [], step: 0, steps: 300 });
    try {
      const result = await findLearningRate(useAppStore.getState().config, (progress) =>
        setFinder((f) => (f.status === 'running' ? { ...f, points: [...f.points, ...progress.points], step: progress.step, steps: progress.steps } : f)),
      );
      setFinder(result ? { status: 'done', result, used: false } : { status: 'failed', message: 'The dataset could not be loaded; see the Dataset panel.' });
    } catch (error) {
      setFinder({ status: 'failed', message: `The range test did not run: ${errorText(error)}` });
    }
  };
  const use = (rate: number) => {
    editConfigField('learning_rate', { learningRate: Number(rate.toPrecision(2)) });
    setFinder((f) => (f.status === 'done' ? { ...f, used: true } : f));
  };

  const points = finder.status === 'running' ? finder.points : finder.status === 'done' ? finder.result.points : [];
  const suggested = finder.status === 'done' ? finder.result.suggested : null;
  const best = points.reduce((low, p) => Math.min(low, p.smoothed), Infinity);
  // The explosion would squash the fall into a line at the bottom: the axis stops a little above where the test stopped it.
  const lossTop = Number.isFinite(best) ? Number((4.5 * best).toPrecision(2)) : 1;
  return (
    <Panel
      title="Learning-rate range test"
      subtitle="Trains the form’s network from its starting weights for up to 300 batches, at rates growing from 0.000001 to 10, and plots the loss. A good rate is where it falls fastest. Your model, runs and form stay as they are."
      className="lr-finder"
      actions={
        <button type="button" className="secondary small" disabled={running || busy || problem !== null} onClick={() => void start()}>
          Find a learning rate
        </button>
      }
    >
      {finder.status === 'failed' && <Alert onDismiss={() => setFinder({ status: 'idle' })}>{finder.message}</Alert>}
      {busy && !running && <p className="muted">Pause or stop the run to test learning rates.</p>}
      {running && <ProgressBar label="Range test" value={finder.step} max={finder.steps} detail={`Batch ${finder.step} of at most ${finder.steps}`} />}
      {finder.status === 'done' && (
        <div className="lr-result" role="status">
          <p>
            {ENDED[finder.result.ended]} after {finder.result.points.length} batches.{' '}
            {suggested === null ? 'The loss never fell: try another optimizer or initialisation.' : `Suggested learning rate: ${formatRate(suggested)}, where the loss fell fastest.`}
          </p>
          {suggested !== null &&
            (finder.used ? (
              <p>The form’s learning rate is now {formatRate(suggested)}.</p>
            ) : (
              <button type="button" className="primary small" onClick={() => use(suggested)}>
                Use this rate
              </button>
            ))}
        </div>
      )}
      {points.length > 0 && (
        <figure className="chart" aria-label="Loss against the rate tried">
          <figcaption>
            <strong>Loss against the rate tried</strong>
            <span>One batch per point, the rate growing tenfold about every 43 batches; the smoothed line is what the test watches.</span>
          </figcaption>
          <ChartFrame title="Loss against the rate tried" rows={points as unknown as Record<string, unknown>[]} xKey="rate" xLabel={rateName} series={SERIES}>
            {({ marker, chartProps }) => (
              <LineChart responsive accessibilityLayer={false} style={CHART_STYLE} data={points} margin={MARGIN} {...chartProps}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
                <XAxis dataKey="rate" type="number" scale="log" domain={[1e-6, 10]} ticks={RATE_TICKS} interval={0} tickFormatter={rateTick} allowDataOverflow />
                <YAxis domain={[0, lossTop]} tickFormatter={tickLabel} allowDataOverflow width={44} />
                <Tooltip formatter={lossValue} labelFormatter={rateLabel} />
                <Line name="Batch loss" dataKey="loss" stroke={COLORS.loss} dot={false} isAnimationActive={false} type="linear" />
                <Line name="smoothed" dataKey="smoothed" stroke={COLORS.smoothed} strokeWidth={2} dot={false} isAnimationActive={false} type="linear" />
                {suggested !== null && <ReferenceLine x={suggested} stroke={COLORS.suggested} strokeWidth={2} label={{ value: 'suggested', position: 'insideTopLeft', fill: '#047857', fontSize: 12 }} />}
                {marker !== null && <ReferenceLine x={marker} stroke={COLORS.marker} strokeDasharray="2 2" />}
              </LineChart>
            )}
          </ChartFrame>
        </figure>
      )}
    </Panel>
  );
}
