import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Panel } from '../../components/Panel';
import { convFilters, firstLayerWeights } from '../../bridge/training-bridge';
import { rowScales } from '../../engine/inspect';
import { useAppStore } from '../../store/store';
import type { ConvFilters, FirstLayerWeights } from '../../worker/api';
import { divergingColor } from './diverging';
import './network-view.css';

/** Enough tiles to see the variety; 800 tiny images would say no more. */
const MAX_UNITS = 64;
const SIDE = 28;

/**
 * What the first layer looks for, fetched again after every epoch (and whenever the model
 * changes): a dense unit's 784 incoming weights drawn as a 28×28 image, or a convolution's
 * filters as small images. `drawn`, shown under a convolution's filters, is the app's view of
 * what the convolutions make of the digit on the pad.
 */
export function NetworkView({ drawn }: { drawn?: ReactNode }) {
  const [fetched, setFetched] = useState<FirstLayerWeights | null>(null);
  const [filters, setFilters] = useState<ConvFilters | null>(null);
  // A new epoch, a kept best epoch, an evaluation or a loaded model all change `evaluation` or `hasModel`.
  const evaluation = useAppStore((state) => state.evaluation);
  const hasModel = useAppStore((state) => state.hasModel);

  useEffect(() => {
    let current = true;
    if (!hasModel) return;
    void firstLayerWeights().then((found) => {
      if (current) setFetched(found);
    });
    void convFilters().then((found) => {
      if (current) setFilters(found);
    });
    return () => {
      current = false;
    };
  }, [evaluation, hasModel]);

  const weights = hasModel ? fetched : null;
  const conv = hasModel ? filters : null;
  const square = weights !== null && weights.inputs === SIDE * SIDE;
  const shown = square ? Math.min(weights.units, MAX_UNITS) : 0;
  const scales = square ? rowScales(weights.weights, shown, weights.inputs) : null;
  return (
    <Panel
      title="Inside the network"
      subtitle={
        conv
          ? 'Each square is one filter of the first convolution, the small pattern it slides over the image: red pixels push its output up when inked, blue ones push it down.'
          : 'Each square is one first-layer unit’s 784 weights laid out as the image it reads: red pixels push the unit up when inked, blue ones push it down.'
      }
      className="network-view"
    >
      {conv ? (
        <>
          <FilterGrid filters={conv} />
          {drawn}
        </>
      ) : weights && square && scales ? (
        <>
          <p className="weight-grid-caption">
            {shown < weights.units ? `The first ${shown} of ${weights.units} units` : `All ${weights.units} units`}
            {weights.epoch > 0 ? `, after epoch ${weights.epoch}` : ''}; each on its own scale, white is zero.
          </p>
          <div className="weight-grid" role="group" aria-label="First-layer weights">
            {Array.from({ length: shown }, (_, unit) => (
              <UnitImage key={unit} unit={unit} weights={weights.weights} scale={scales[unit]} />
            ))}
          </div>
        </>
      ) : (
        <p className="weight-grid-empty">Train an epoch (or load a model) to see what the first layer’s units look for.</p>
      )}
    </Panel>
  );
}

/** The first convolution's filters, each its k×k weights of the first input channel on its own scale. */
function FilterGrid({ filters }: { filters: ConvFilters }) {
  const { kernelSize: k, channels, filters: count, epoch } = filters;
  const shown = Math.min(count, MAX_UNITS);
  return (
    <>
      <p className="weight-grid-caption">
        {shown < count ? `The first ${shown} of ${count} filters` : `All ${count} filters`} of the first convolution, {k}×{k}
        {channels > 1 ? ' (first input channel)' : ''}
        {epoch > 0 ? `, after epoch ${epoch}` : ''}: red weights answer ink, blue ones its absence; each on its own scale.
      </p>
      <div className="weight-grid filter-grid" role="group" aria-label="First convolution filters">
        {Array.from({ length: shown }, (_, f) => (
          <FilterImage key={f} filter={f} filters={filters} />
        ))}
      </div>
    </>
  );
}

function FilterImage({ filter, filters }: { filter: number; filters: ConvFilters }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { kernelSize: k, channels, weights } = filters;
  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    // W[f][ky][kx][c]: filter f's pixel (ky, kx) of channel 0 is at ((f·k + ky)·k + kx)·channels.
    const start = filter * k * k * channels;
    let scale = 0;
    for (let p = 0; p < k * k; p++) scale = Math.max(scale, Math.abs(weights[start + p * channels]));
    const image = context.createImageData(k, k);
    for (let p = 0; p < k * k; p++) divergingColor(weights[start + p * channels], scale, image.data, 4 * p);
    context.putImageData(image, 0, 0);
  }, [filter, k, channels, weights]);
  return <canvas ref={canvasRef} className="weight-tile" width={k} height={k} role="img" aria-label={`Filter ${filter + 1}`} />;
}

function UnitImage({ unit, weights, scale }: { unit: number; weights: Float32Array; scale: number }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(SIDE, SIDE);
    const start = unit * SIDE * SIDE;
    for (let p = 0; p < SIDE * SIDE; p++) divergingColor(weights[start + p], scale, image.data, 4 * p);
    context.putImageData(image, 0, 0);
  }, [unit, weights, scale]);
  return <canvas ref={canvasRef} className="weight-tile" width={SIDE} height={SIDE} role="img" aria-label={`Unit ${unit + 1} weights`} />;
}
