import { memo } from 'react';
import { showCell } from '../../bridge/training-bridge';
import type { ConfusionCell } from '../../store/state';
import { cellStyle, largestMistake } from './heatmap';

const DIGITS = Array.from({ length: 10 }, (_, i) => i);

interface ConfusionMatrixProps {
  confusion: number[][];
  selected: ConfusionCell | null;
}

/** Rows are the true digits, columns what the network read; click a cell to see its images. */
export const ConfusionMatrix = memo(function ConfusionMatrix({ confusion, selected }: ConfusionMatrixProps) {
  const worst = largestMistake(confusion);
  return (
    <div className="matrix-wrap">
      <table className="confusion">
        {/* The panel and the corner labels say what the table is; the caption names it for screen readers. */}
        <caption className="visually-hidden">Confusion matrix</caption>
        <thead>
          <tr>
            <th scope="col" className="corner">
              <span className="axis-actual">actual ↓</span>
              <span className="axis-predicted">predicted →</span>
            </th>
            {DIGITS.map((digit) => (
              <th scope="col" key={digit}>
                {digit}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, actual) => {
            const rowTotal = row.reduce((sum, count) => sum + count, 0);
            return (
              <tr key={actual}>
                <th scope="row">{actual}</th>
                {row.map((count, predicted) => {
                  const isSelected = selected?.actual === actual && selected.predicted === predicted;
                  return (
                    <td key={predicted} style={cellStyle(count, rowTotal, actual === predicted, worst)}>
                      {count > 0 ? (
                        <button
                          type="button"
                          className={isSelected ? 'cell selected' : 'cell'}
                          aria-pressed={isSelected}
                          // The count as the cell writes it (no thousands comma), so a voice user can say what they see.
                          aria-label={`Actual ${actual}, predicted ${predicted}: ${count} images`}
                          onClick={() => void showCell({ actual, predicted })}
                        >
                          {count}
                        </button>
                      ) : (
                        <span className="cell empty">0</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="matrix-legend">
        <span className="swatch correct" aria-hidden="true" /> read correctly (share of the row)
        <span className="swatch mistake" aria-hidden="true" /> mistakes (darker = more)
      </p>
    </div>
  );
});
