import { useMemo, useState } from 'react';
import { DigitCanvas } from '../../components/DigitCanvas';
import { formatCount, formatPercent } from '../../components/format';
import { GradCamImage } from '../../components/GradCam';
import { GRAD_CAM_LEGEND, GradCamToggle, SALIENCY_LEGEND, SaliencyCanvas, SaliencyToggle, useConvolutional, useSaliency } from '../../components/Saliency';
import { useModalDialog } from '../../components/use-modal-dialog';
import { CELL_IMAGE_LIMIT, gradCamOfImage, hasConvolution, saliencyOfImage, showCellPage } from '../../bridge/training-bridge';
import { cellClosed } from '../../store/actions';
import { useAppStore } from '../../store/store';

/**
 * The test images behind one confusion cell, each with what the network thought of it, in a
 * dialog over the matrix (so they open where the eye is) and in pages, so all of them are reachable.
 */
export function CellImages() {
  const cell = useAppStore((state) => state.selectedCell);
  const offset = useAppStore((state) => state.cellOffset);
  const images = useAppStore((state) => state.cellImages);
  const cellCount = useAppStore((state) => (cell ? (state.evaluation?.confusion[cell.actual][cell.predicted] ?? 0) : 0));
  const dialog = useModalDialog(cell !== null);
  const { height, width, classNames } = useAppStore((state) => state.dataset);
  const [saliencyShown, setSaliencyShown] = useState(false);
  const [gradCamShown, setGradCamShown] = useState(false);
  const evaluation = useAppStore((state) => state.evaluation);
  const convolutional = useConvolutional(cell ? evaluation : null, hasConvolution);
  if (!cell) return null;
  const classes = classNames.length;
  const pixels = height * width;
  const name = (label: number) => classNames[label] ?? String(label);
  const title =
    cell.actual === cell.predicted
      ? `${name(cell.actual)}s read correctly`
      : `${name(cell.actual)}s read as ${name(cell.predicted)}`;
  const last = Math.min(cellCount, offset + CELL_IMAGE_LIMIT);
  const range = cellCount === 0 ? 'no images' : `${formatCount(offset + 1)}–${formatCount(last)} of ${formatCount(cellCount)}`;
  return (
    <dialog ref={dialog} className="cell-images" aria-labelledby="cell-images-title" onClose={cellClosed}>
      <header>
        <h3 id="cell-images-title">{title}</h3>
        <span className="muted">{range}</span>
        <SaliencyToggle shown={saliencyShown} onChange={setSaliencyShown} />
        {convolutional && <GradCamToggle shown={gradCamShown} onChange={setGradCamShown} />}
        <button type="button" className="secondary small" onClick={cellClosed}>
          Close
        </button>
      </header>
      {cellCount > CELL_IMAGE_LIMIT && (
        <nav className="cell-pages" aria-label="Pages of images">
          <button type="button" className="secondary small" disabled={offset === 0} onClick={() => void showCellPage(Math.max(0, offset - CELL_IMAGE_LIMIT))}>
            Previous
          </button>
          <button type="button" className="secondary small" disabled={last >= cellCount} onClick={() => void showCellPage(offset + CELL_IMAGE_LIMIT)}>
            Next
          </button>
        </nav>
      )}
      {images === null ? (
        <p className="muted">Loading images…</p>
      ) : (
        <ul className="image-grid">
          {Array.from({ length: images.count }, (_, i) => {
            const probabilities = images.probabilities.subarray(i * classes, (i + 1) * classes);
            const top = topClasses(probabilities, 3);
            return (
              <li key={images.indices[i]} className="image-card">
                {saliencyShown && (
                  <ImageSaliency
                    pixels={images.images.subarray(i * pixels, (i + 1) * pixels)}
                    width={width}
                    height={height}
                    size={56}
                    label={`Saliency of test image ${images.indices[i]}: ${SALIENCY_LEGEND}`}
                  />
                )}
                {convolutional && gradCamShown && (
                  <ImageGradCam pixels={images.images.subarray(i * pixels, (i + 1) * pixels)} width={width} height={height} label={`Grad-CAM of test image ${images.indices[i]}`} />
                )}
                {!saliencyShown && !(convolutional && gradCamShown) && (
                  <DigitCanvas
                    pixels={images.images.subarray(i * pixels, (i + 1) * pixels)}
                    side={width}
                    height={height}
                    label={`Test image ${images.indices[i]}, a ${name(cell.actual)}`}
                  />
                )}
                <ol className="probabilities" aria-label="Predicted probabilities">
                  {top.map(({ digit, probability }) => (
                    <li key={digit} className={digit === cell.actual ? 'true-digit' : undefined}>
                      <span className="digit">{name(digit)}</span>
                      <span className="bar" style={{ width: `${Math.max(2, probability * 100)}%` }} aria-hidden="true" />
                      <span className="value">{formatPercent(probability, 0)}</span>
                    </li>
                  ))}
                </ol>
                <small className="muted">#{images.indices[i]}</small>
              </li>
            );
          })}
        </ul>
      )}
    </dialog>
  );
}

/** A test image with its saliency over it, from the current model. */
function ImageSaliency({ pixels, width, height, size, label }: { pixels: Uint8Array; width: number; height: number; size: number; label: string }) {
  const image = useMemo(() => Float32Array.from(pixels, (v) => v / 255), [pixels]);
  const evaluation = useAppStore((state) => state.evaluation);
  const { values } = useSaliency(true, image, evaluation, saliencyOfImage);
  if (!values) return <DigitCanvas pixels={pixels} side={width} height={height} size={size} label={label} />;
  return <SaliencyCanvas values={values} width={width} height={height} size={size} underlay={pixels} label={label} />;
}

/** A test image's Grad-CAM from the current model. */
function ImageGradCam({ pixels, width, height, label }: { pixels: Uint8Array; width: number; height: number; label: string }) {
  const image = useMemo(() => Float32Array.from(pixels, (v) => v / 255), [pixels]);
  const evaluation = useAppStore((state) => state.evaluation);
  return <GradCamImage image={image} modelKey={evaluation} load={gradCamOfImage} width={width} height={height} size={56} label={`${label}: ${GRAD_CAM_LEGEND}`} />;
}

function topClasses(probabilities: Float32Array, n: number): { digit: number; probability: number }[] {
  return Array.from(probabilities, (probability, digit) => ({ digit, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, n);
}
