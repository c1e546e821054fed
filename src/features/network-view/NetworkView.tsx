import { useEffect, useRef, useState } from 'react';
import { Panel } from '../../components/Panel';
import { firstLayerWeights } from '../../bridge/training-bridge';
import { rowScales } from '../../engine/inspect';
import { useAppStore } from '../../store/store';
import type { FirstLayerWeights } from '../../worker/api';
import { divergingColor } from './diverging';
import './network-view.css';

/** Enough tiles to see the variety; 800 tiny images would say no more. */
const MAX_UNITS = 64;
const SIDE = 28;

/**
 * What each first-layer unit looks for: its 784 incoming weights drawn as a 28×28 image,
 * fetched again after every epoch (and whenever the model changes).
 */
export function NetworkView() {
  const [fetched, setFetched] = useState<FirstLayerWeights | null>(null);
  // A new epoch, a kept best epoch, an evaluation or a loaded model all change `evaluation` or `hasModel`.
  const evaluation = useAppStore((state) => state.evaluation);
  const hasModel = useAppStore((state) => state.hasModel);

  useEffect(() => {
    let current = true;
    if (!hasModel) return;
    void firstLayerWeights().then((found) => {
      if (current) setFetched(found);
    });
    return () => {
      current = false;
    };
  }, [evaluation, hasModel]);

  const weights = hasModel ? fetched : null;
  const square = weights !== null && weights.inputs === SIDE * SIDE;
  const shown = square ? Math.min(weights.units, MAX_UNITS) : 0;
  const scales = square ? rowScales(weights.weights, shown, weights.inputs) : null;
  return (
    <Panel
      title="Inside the network"
      subtitle="Each square is one first-layer unit’s 784 weights laid out as the image it reads: red pixels push the unit up when inked, blue ones push it down."
      className="network-view"
    >
      {weights && square && scales ? (
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
