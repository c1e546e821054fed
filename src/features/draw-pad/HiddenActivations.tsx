import { useEffect, useState } from 'react';
import { hiddenActivations } from '../../bridge/training-bridge';

/** Bars beyond this many units per layer would be too thin to see. */
const MAX_UNITS = 256;

/**
 * How strongly each hidden unit answers the drawn digit: one strip per hidden layer, a
 * cell per unit, darker for a larger output (scaled to the layer's largest).
 */
export function HiddenActivations({ image, modelKey }: { image: Float32Array; modelKey: unknown }) {
  const [layers, setLayers] = useState<Float32Array[] | null>(null);

  useEffect(() => {
    let current = true;
    // The worker may transfer the buffer it receives: it gets a copy.
    void hiddenActivations(image.slice()).then((found) => {
      if (current) setLayers(found);
    });
    return () => {
      current = false;
    };
  }, [image, modelKey]);

  if (!layers || layers.length === 0) return null;
  return (
    <div className="hidden-activations" role="group" aria-label="Hidden activations">
      {layers.map((outputs, l) => {
        const shown = outputs.subarray(0, MAX_UNITS);
        const max = shown.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const active = outputs.reduce((count, v) => count + (v > 0 ? 1 : 0), 0);
        return (
          <figure key={l} className="activation-layer">
            <figcaption>
              Hidden layer {l + 1}: {active} of {outputs.length} units above zero
              {outputs.length > MAX_UNITS ? ` (first ${MAX_UNITS} shown)` : ''}
            </figcaption>
            <div className="activation-cells">
              {Array.from(shown, (value, u) => (
                <span key={u} className="activation-cell" style={{ opacity: max > 0 ? Math.abs(value) / max : 0 }} title={`Unit ${u + 1}: ${value.toFixed(3)}`} />
              ))}
            </div>
          </figure>
        );
      })}
    </div>
  );
}
