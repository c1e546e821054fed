import { MNIST_CLASSES } from '../../engine/config';
import { DigitCanvas } from '../../components/DigitCanvas';
import { formatPercent } from '../../components/format';
import { CELL_IMAGE_LIMIT } from '../../bridge/training-bridge';
import { cellClosed } from '../../store/actions';
import { useAppStore } from '../../store/store';

const PIXELS = 784;

/** The test images behind one confusion cell, each with what the network thought of it. */
export function CellImages() {
  const cell = useAppStore((state) => state.selectedCell);
  const images = useAppStore((state) => state.cellImages);
  const cellCount = useAppStore((state) => (cell ? (state.evaluation?.confusion[cell.actual][cell.predicted] ?? 0) : 0));
  if (!cell) return null;
  const title =
    cell.actual === cell.predicted
      ? `${cell.actual}s read correctly`
      : `${cell.actual}s read as ${cell.predicted}`;
  return (
    <section className="cell-images" aria-label="Images of the selected cell">
      <header>
        <h3>{title}</h3>
        <span className="muted">
          {cellCount > CELL_IMAGE_LIMIT ? `first ${CELL_IMAGE_LIMIT} of ${cellCount}` : `${cellCount} image${cellCount === 1 ? '' : 's'}`}
        </span>
        <button type="button" className="secondary small" onClick={cellClosed}>
          Close
        </button>
      </header>
      {images === null ? (
        <p className="muted">Loading images…</p>
      ) : (
        <ul className="image-grid">
          {Array.from({ length: images.count }, (_, i) => {
            const probabilities = images.probabilities.subarray(i * MNIST_CLASSES, (i + 1) * MNIST_CLASSES);
            const top = topClasses(probabilities, 3);
            return (
              <li key={images.indices[i]} className="image-card">
                <DigitCanvas
                  pixels={images.images.subarray(i * PIXELS, (i + 1) * PIXELS)}
                  label={`Test image ${images.indices[i]}, a ${cell.actual}`}
                />
                <ol className="probabilities" aria-label="Predicted probabilities">
                  {top.map(({ digit, probability }) => (
                    <li key={digit} className={digit === cell.actual ? 'true-digit' : undefined}>
                      <span className="digit">{digit}</span>
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
    </section>
  );
}

function topClasses(probabilities: Float32Array, n: number): { digit: number; probability: number }[] {
  return Array.from(probabilities, (probability, digit) => ({ digit, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, n);
}
