import { memo, useId, useMemo, useState, type MouseEvent } from 'react';
import { ChartFrame, type ChartPointer } from '../../components/ChartFrame';
import { tickLabel, type ReadoutSeries } from '../../components/chart-readout';
import { formatPercent } from '../../components/format';
import { Panel } from '../../components/Panel';
import { SelectField } from '../../components/SelectField';
import { useAppStore } from '../../store/store';
import type { DistributionRecord, Histogram, LayerDistribution } from '../../worker/api';
import { baseOf, binAt, binName, binRows, recordLabel, ridgePath, type BinRow, type RidgeGeometry } from './ridgeline';
import './distributions.css';

type Kind = 'weights' | 'gradients' | 'activations';

const KINDS: { kind: Kind; title: string; caption: (sampleSize: number) => string }[] = [
  { kind: 'weights', title: 'Weights', caption: () => 'Every weight of the layer (biases aside).' },
  { kind: 'gradients', title: 'Gradients', caption: () => 'The loss’s gradient for each weight, from the last batch trained.' },
  { kind: 'activations', title: 'Activations', caption: (n) => `The layer’s outputs on the same ${n.toLocaleString('en-US')} test images each time.` },
];

const WIDTH = 320;
const HEIGHT = 190;
const GEOMETRY: RidgeGeometry = { width: WIDTH, left: 8, right: WIDTH - 8, firstBase: 44, lastBase: 168, peak: 40 };
const AXIS_Y = 184;

const SERIES: ReadoutSeries[] = [
  { key: 'count', name: 'Values', format: (n) => n.toLocaleString('en-US') },
  { key: 'share', name: 'Share', format: (share) => formatPercent(share) },
];

function layerName(layer: LayerDistribution): string {
  const what = { conv2d: `convolution, ${layer.units} filters`, batchnorm: `batch normalisation, ${layer.units} channels`, dense: `dense, ${layer.units} units` }[layer.type];
  return `Layer ${layer.index + 1}: ${what}, ${layer.activation}`;
}

/**
 * Distributions over time, TensorBoard's way: for the chosen layer, its weights, their
 * gradients and its activations as a ridge of histograms, oldest at the back, one per recording
 * (before training, after each epoch, a few times within long ones); the slider picks the one read out and drawn in
 * colour. Below, the dead ReLUs of every layer at that recording.
 */
export function Distributions() {
  const records = useAppStore((state) => state.distributions.points);
  const [chosenLayer, setChosenLayer] = useState(0);
  /** The position picked with the slider, in the run that began with `first`; null follows the newest recording. */
  const [pick, setPick] = useState<{ x: number; first: DistributionRecord } | null>(null);
  const sliderId = useId();

  if (records.length === 0) {
    return (
      <Panel title="Distributions over time" subtitle={SUBTITLE} className="distributions">
        <p className="muted">Train a network to see how its weights, gradients and activations spread, epoch after epoch.</p>
      </Panel>
    );
  }
  // A new run follows its newest recording again; a recording the store thinned out gives way to the next kept one.
  const found = pick && pick.first === records[0] ? records.findIndex((r) => r.x >= pick.x) : -1;
  const picked = found >= 0 ? found : records.length - 1;
  const record = records[picked];
  const layers = record.layers;
  const layer = Math.min(chosenLayer, layers.length - 1);
  const label = recordLabel(record.x);
  return (
    <Panel title="Distributions over time" subtitle={SUBTITLE} className="distributions">
      <div className="distributions-controls">
        <SelectField
          label="Layer"
          value={String(layer)}
          options={layers.map((l, k) => ({ value: String(k), label: layerName(l) }))}
          onChange={(value) => setChosenLayer(Number(value))}
        />
        <div className="field distributions-epoch">
          <div className="distributions-epoch-label">
            <label htmlFor={sliderId}>Epoch</label>
            <output htmlFor={sliderId}>{label}</output>
          </div>
          <input
            id={sliderId}
            type="range"
            min={0}
            max={records.length - 1}
            step={1}
            value={picked}
            aria-valuetext={label}
            disabled={records.length < 2}
            onChange={(event) => {
              const k = Number(event.target.value);
              setPick(k === records.length - 1 ? null : { x: records[k].x, first: records[0] });
            }}
          />
        </div>
      </div>
      <div className="distributions-charts">
        {KINDS.map(({ kind, title, caption }) => (
          <RidgeChart key={kind} title={`${title} of layer ${layers[layer].index + 1}`} caption={caption(record.sampleSize)} kind={kind} layer={layer} records={records} picked={picked} />
        ))}
      </div>
      <DeadUnits record={record} label={label} />
    </Panel>
  );
}

const SUBTITLE =
  'How each layer’s values spread as it learns, one histogram per recording: before training, after every epoch, and a few times within epochs of 30,000 samples or more. A layer’s bins stay the same all run, so the shapes compare.';

function DeadUnits({ record, label }: { record: DistributionRecord; label: string }) {
  const relu = record.layers.filter((l) => l.dead !== null);
  return (
    <section className="dead-units" aria-labelledby="dead-units-title">
      <h3 id="dead-units-title">Dead ReLUs</h3>
      {relu.length === 0 ? (
        <p className="muted">No ReLU layer: a unit dies only where its activation can be stuck at zero.</p>
      ) : (
        <>
          <p className="muted">
            Units never above zero on any of the {record.sampleSize.toLocaleString('en-US')} test images, {label.toLowerCase()}: they pass no signal forward and no gradient back.
          </p>
          <ul>
            {relu.map((l) => (
              <li key={l.index}>
                {layerName(l)}: <strong>{l.dead} dead</strong> of {l.units} ({formatPercent((l.dead as number) / l.units, 1)})
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

interface RidgeChartProps {
  title: string;
  caption: string;
  kind: Kind;
  layer: number;
  records: readonly DistributionRecord[];
  picked: number;
}

function RidgeChart({ title, caption, kind, layer, records, picked }: RidgeChartProps) {
  const ridge = useMemo(() => records.flatMap((r, k) => (r.layers[layer]?.[kind] ? [{ k, histogram: r.layers[layer][kind] as Histogram }] : [])), [records, layer, kind]);
  const histogram = records[picked].layers[layer]?.[kind] ?? null;
  const rows = useMemo(() => (histogram ? binRows(histogram) : []), [histogram]);
  const position = recordLabel(records[picked].x);
  const xLabel = (center: number) => {
    const row = rows.find((r) => r.center === center);
    return row ? `${position}, ${binName(row)}` : position;
  };
  return (
    <figure className="chart ridge-chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong>
        <span>{caption}</span>
      </figcaption>
      <ChartFrame title={title} rows={rows} xKey="center" xLabel={xLabel} series={SERIES}>
        {(pointer) => <Ridge ridge={ridge} recordings={records.length} selected={histogram ? picked : -1} rows={rows} pointer={pointer} />}
      </ChartFrame>
      {histogram ? <Outside histogram={histogram} /> : <p className="ridge-note">No gradient before the first batch.</p>}
    </figure>
  );
}

function Outside({ histogram }: { histogram: Histogram }) {
  const { below, above, lo, hi } = histogram;
  if (below + above === 0) return null;
  const parts = [below > 0 ? `${below.toLocaleString('en-US')} below ${tickLabel(lo)}` : null, above > 0 ? `${above.toLocaleString('en-US')} above ${tickLabel(hi)}` : null];
  return <p className="ridge-note">Outside the range kept since the first recording: {parts.filter(Boolean).join(', ')}.</p>;
}

interface RidgeProps {
  /** The recordings that have a histogram of this kind, by their index k among all `recordings`. */
  ridge: { k: number; histogram: Histogram }[];
  recordings: number;
  /** The recording read out; −1 when it has no histogram of this kind. */
  selected: number;
  rows: BinRow[];
  pointer: ChartPointer;
}

function Ridge({ ridge, recordings, selected, rows, pointer }: RidgeProps) {
  const range = ridge[0]?.histogram;
  const onMouseMove = (event: MouseEvent<SVGSVGElement>) => {
    if (rows.length === 0) return;
    const box = event.currentTarget.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * WIDTH;
    const bin = binAt((x - GEOMETRY.left) / (GEOMETRY.right - GEOMETRY.left), rows.length);
    pointer.chartProps.onMouseMove({ activeLabel: rows[bin].center });
  };
  const marked = pointer.marker === null ? -1 : rows.findIndex((r) => r.center === pointer.marker);
  const step = (GEOMETRY.right - GEOMETRY.left) / Math.max(1, rows.length);
  const selectedBase = baseOf(selected, recordings, GEOMETRY);
  const selectedHistogram = ridge.find((r) => r.k === selected)?.histogram;
  return (
    <svg className="ridge" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="presentation" onMouseMove={onMouseMove} onMouseLeave={pointer.chartProps.onMouseLeave}>
      <RidgeLines ridge={ridge} recordings={recordings} />
      {selectedHistogram && <path className="ridge-selected" d={ridgePath(selectedHistogram.counts, selectedBase, GEOMETRY)} />}
      {marked >= 0 && selectedHistogram && (
        <rect className="ridge-marker" x={GEOMETRY.left + marked * step} y={selectedBase - GEOMETRY.peak - 4} width={step} height={GEOMETRY.peak + 4} />
      )}
      {range && <Axis lo={range.lo} hi={range.hi} />}
    </svg>
  );
}

/**
 * Every recording's outline, oldest at the back, on the same baseline in each of the three
 * charts; only redrawn when a recording arrives or the layer changes.
 */
const RidgeLines = memo(function RidgeLines({ ridge, recordings }: { ridge: { k: number; histogram: Histogram }[]; recordings: number }) {
  return (
    <g className="ridge-lines">
      {ridge.map(({ k, histogram }) => (
        <path key={k} d={ridgePath(histogram.counts, baseOf(k, recordings, GEOMETRY), GEOMETRY)} />
      ))}
    </g>
  );
});

function Axis({ lo, hi }: { lo: number; hi: number }) {
  const zero = lo < 0 && hi > 0 ? GEOMETRY.left + ((0 - lo) / (hi - lo)) * (GEOMETRY.right - GEOMETRY.left) : null;
  const label = (value: number) => tickLabel(value).replace('-', '−');
  return (
    <g className="ridge-axis">
      <line x1={GEOMETRY.left} x2={GEOMETRY.right} y1={GEOMETRY.lastBase + 1} y2={GEOMETRY.lastBase + 1} />
      <text x={GEOMETRY.left} y={AXIS_Y} textAnchor="start">
        {label(lo)}
      </text>
      {zero !== null && (
        <text x={zero} y={AXIS_Y} textAnchor="middle">
          0
        </text>
      )}
      <text x={GEOMETRY.right} y={AXIS_Y} textAnchor="end">
        {label(hi)}
      </text>
    </g>
  );
}
