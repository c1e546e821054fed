import { useMemo, useState } from 'react';
import { gradCamOfImage, hasConvolution, saliencyOfImage } from '../../bridge/training-bridge';
import { DigitCanvas } from '../../components/DigitCanvas';
import { GradCamCanvas, gradCamCaption, useGradCam } from '../../components/GradCam';
import { formatPercent } from '../../components/format';
import { GRAD_CAM_LEGEND, GradCamToggle, SALIENCY_LEGEND, SaliencyCanvas, SaliencyToggle, useConvolutional, useSaliency } from '../../components/Saliency';
import { useModalDialog } from '../../components/use-modal-dialog';
import { useAppStore } from '../../store/store';
import type { Embedding } from '../../worker/api';
import type { Readings } from './EmbeddingPanel';

/**
 * One image of the map, opened: large, with the network's three likeliest classes, and on demand
 * its saliency and, for a model with a convolution, its Grad-CAM.
 */
export function EmbeddingImage({ embedding, index, readings, onClose }: { embedding: Embedding; index: number; readings: Readings; onClose: () => void }) {
  const dialog = useModalDialog(true);
  const { height, width, classNames } = useAppStore((state) => state.dataset);
  const [saliencyShown, setSaliencyShown] = useState(false);
  const pixels = useMemo(() => embedding.images.slice(index * width * height, (index + 1) * width * height), [embedding, index, width, height]);
  const image = useMemo(() => Float32Array.from(pixels, (v) => v / 255), [pixels]);
  const { values } = useSaliency(saliencyShown, image, embedding, saliencyOfImage);
  const [gradCamShown, setGradCamShown] = useState(false);
  const convolutional = useConvolutional(embedding, hasConvolution);
  const cam = useGradCam(convolutional && gradCamShown, image, embedding, gradCamOfImage);
  const name = (label: number) => classNames[label] ?? String(label);
  const classes = embedding.outputs.length / embedding.count;
  const top = Array.from(embedding.outputs.subarray(index * classes, (index + 1) * classes), (probability, label) => ({ label, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, 3);
  const actual = embedding.labels[index];
  return (
    <dialog ref={dialog} className="cell-images embedding-image" aria-labelledby="embedding-image-title" onClose={onClose}>
      <header>
        <h3 id="embedding-image-title">Test image {index}</h3>
        <button type="button" className="secondary small" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="embedding-image-body">
        {saliencyShown && values ? (
          <SaliencyCanvas values={values} width={width} height={height} underlay={pixels} label={`Saliency of test image ${index}: ${SALIENCY_LEGEND}`} />
        ) : (
          <DigitCanvas pixels={pixels} side={width} height={height} size={140} label={`Test image ${index}, a ${name(actual)}`} />
        )}
        {convolutional && gradCamShown && cam && (
          <figure className="embedding-grad-cam">
            <GradCamCanvas cam={cam} image={image} width={width} height={height} label={`Grad-CAM of test image ${index}: ${GRAD_CAM_LEGEND}`} />
            <figcaption>{gradCamCaption(cam)}</figcaption>
          </figure>
        )}
        <div>
          <p>
            A {name(actual)}, read as <strong>{name(readings.predicted[index])}</strong>
          </p>
          <ol className="probabilities" aria-label="Predicted probabilities">
            {top.map(({ label, probability }) => (
              <li key={label} className={label === actual ? 'true-digit' : undefined}>
                <span className="digit">{name(label)}</span>
                <span className="bar" style={{ width: `${Math.max(2, probability * 100)}%` }} aria-hidden="true" />
                <span className="value">{formatPercent(probability, 0)}</span>
              </li>
            ))}
          </ol>
          <SaliencyToggle shown={saliencyShown} onChange={setSaliencyShown} />
          {convolutional && <GradCamToggle shown={gradCamShown} onChange={setGradCamShown} />}
        </div>
      </div>
    </dialog>
  );
}
