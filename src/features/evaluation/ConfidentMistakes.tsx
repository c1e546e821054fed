import { useEffect, useState } from 'react';
import { loadMistakes } from '../../bridge/training-bridge';
import { DigitCanvas } from '../../components/DigitCanvas';
import { formatCount, formatPercent } from '../../components/format';
import { useAppStore } from '../../store/store';
import type { MistakeImages } from '../../worker/api';

/** Images on a page of mistakes. */
const PAGE = 24;

/**
 * The test images the model got wrong with the highest confidence, a page at a time: where
 * mislabelled images turn up, and what the network has confidently learned wrong. Asked for
 * only while open, and again for each new evaluation.
 */
export function ConfidentMistakes() {
  const evaluation = useAppStore((state) => state.evaluation);
  const { height, width, classNames } = useAppStore((state) => state.dataset);
  const [open, setOpen] = useState(false);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ for: object; images: MistakeImages } | null>(null);

  useEffect(() => {
    if (!open || !evaluation) return;
    let current = true;
    void loadMistakes(offset, PAGE).then((images) => {
      if (current && images) setPage({ for: evaluation, images });
    });
    return () => {
      current = false;
    };
  }, [open, offset, evaluation]);

  const name = (label: number) => classNames[label] ?? String(label);
  const pixels = height * width;
  const classes = classNames.length;
  // A page from an earlier evaluation or offset stays hidden until its successor arrives.
  const images = page && page.for === evaluation && page.images.offset === offset ? page.images : null;
  const total = images?.total ?? 0;
  const last = Math.min(total, offset + PAGE);
  return (
    <details
      className="mistakes"
      onToggle={(event) => {
        setOpen(event.currentTarget.open);
        setOffset(0);
      }}
    >
      <summary>Most confident mistakes</summary>
      {open &&
        (images === null ? (
          <p className="muted">Finding the mistakes…</p>
        ) : total === 0 ? (
          <p className="muted">No mistakes: every test image was read correctly.</p>
        ) : (
          <>
            <p className="mistakes-range">
              <span>
                {formatCount(offset + 1)}–{formatCount(last)} of {formatCount(total)} mistakes, the surest first
              </span>
              <button type="button" className="secondary small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Previous
              </button>
              <button type="button" className="secondary small" disabled={last >= total} onClick={() => setOffset(offset + PAGE)}>
                Next
              </button>
            </p>
            <ol className="image-grid" aria-label="Most confident mistakes" start={offset + 1}>
              {Array.from({ length: images.count }, (_, i) => {
                const probabilities = images.probabilities.subarray(i * classes, (i + 1) * classes);
                const actual = images.labels[i];
                let guess = 0;
                for (let c = 1; c < classes; c++) if (probabilities[c] > probabilities[guess]) guess = c;
                return (
                  <li key={images.indices[i]} className="image-card">
                    <DigitCanvas
                      pixels={images.images.subarray(i * pixels, (i + 1) * pixels)}
                      side={width}
                      height={height}
                      label={`Test image ${images.indices[i]}, a ${name(actual)} read as ${name(guess)}`}
                    />
                    <span className="mistake-guess">
                      Read as {name(guess)}: {formatPercent(probabilities[guess], 1)}
                    </span>
                    <span className="muted">
                      Is {name(actual)}: {formatPercent(probabilities[actual], 1)}
                    </span>
                    <small className="muted">#{images.indices[i]}</small>
                  </li>
                );
              })}
            </ol>
          </>
        ))}
    </details>
  );
}
