import { useState } from 'react';
import { gradCamOf, saliencyOf } from '../../bridge/training-bridge';
import { GradCamCanvas, gradCamCaption, useGradCam } from '../../components/GradCam';
import { GRAD_CAM_LEGEND, GradCamToggle, SALIENCY_LEGEND, SaliencyCanvas, SaliencyToggle, useSaliency } from '../../components/Saliency';
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
  // Feature maps come back for a model with a convolution: then Grad-CAM has one to look at.
  const convolutional = useAppStore((state) => state.drawnMaps !== null);

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
      {convolutional && <GradCamView image={image} modelKey={modelKey} width={width} height={height} />}
    </div>
  );
}

/**
 * "Show Grad-CAM": which regions of the last convolution's maps the answer rests on (their
 * gradient-weighted sum, negatives cut), stretched over the drawing, darker red for more.
 */
function GradCamView({ image, modelKey, width, height }: { image: Float32Array; modelKey: object; width: number; height: number }) {
  const [shown, setShown] = useState(false);
  const cam = useGradCam(shown, image, modelKey, gradCamOf);
  return (
    <>
      <GradCamToggle shown={shown} onChange={setShown} />
      {shown && cam && (
        <figure>
          <GradCamCanvas cam={cam} image={image} width={width} height={height} label={`Grad-CAM: ${GRAD_CAM_LEGEND}`} />
          <figcaption>{gradCamCaption(cam)}</figcaption>
        </figure>
      )}
    </>
  );
}
