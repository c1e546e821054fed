import { useState } from 'react';
import { saliencyOf } from '../../bridge/training-bridge';
import { SALIENCY_LEGEND, SaliencyCanvas, SaliencyToggle, useSaliency } from '../../components/Saliency';
import { useAppStore } from '../../store/store';

/**
 * "Show saliency": the pixels where a little more or less ink would most change the
 * network's answer (the gradient of its probability), red where ink raises it, blue where
 * ink lowers it, each scaled to the drawing's largest.
 */
export function Saliency({ image, modelKey }: { image: Float32Array; modelKey: object }) {
  const [shown, setShown] = useState(false);
  const { width, height } = useAppStore((state) => state.dataset);
  const { values, loaded } = useSaliency(shown, image, modelKey, saliencyOf);

  return (
    <div className="saliency">
      <SaliencyToggle shown={shown} onChange={setShown} />
      {shown &&
        (loaded && values === null ? (
          <p className="muted">There is no model to ask yet.</p>
        ) : (
          <figure>
            {values ? (
              <SaliencyCanvas values={values} width={width} height={height} label={`Saliency: ${SALIENCY_LEGEND}`} />
            ) : (
              <div style={{ width: 140, height: (140 * height) / width }} aria-busy="true" />
            )}
            <figcaption>Where a little ink most changes the answer: red raises its probability, blue lowers it</figcaption>
          </figure>
        ))}
    </div>
  );
}
