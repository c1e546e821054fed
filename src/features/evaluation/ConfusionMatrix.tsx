import { memo } from 'react';
import { namesAreDigits } from '../../components/format';
import { showCell } from '../../bridge/training-bridge';
import type { ConfusionCell } from '../../store/state';
import { cellStyle, largestMistake } from './heatmap';

interface ConfusionMatrixProps {
  confusion: number[][];
  /** One per row and column, in label order. */
  classNames: string[];
  selected: ConfusionCell | null;
}

/**
 * Rows are the true classes, columns what the network read; click a cell to see its images.
 * Named classes head the rows with their number, which then heads the column, so long names
 * do not widen every column.
 */
export const ConfusionMatrix = memo(function ConfusionMatrix({ confusion, classNames, selected }: ConfusionMatrixProps) {
  const worst = largestMistake(confusion);
  const digits = namesAreDigits(classNames);
  const name = (label: number) => classNames[label] ?? String(label);
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
            {confusion.map((_, label) => (
              <th scope="col" key={label} title={digits ? undefined : name(label)}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, actual) => {
            const rowTotal = row.reduce((sum, count) => sum + count, 0);
            return (
              <tr key={actual}>
                <th scope="row" className={digits ? undefined : 'class-name'}>
                  {digits ? actual : `${actual} ${name(actual)}`}
                </th>
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
                          aria-label={`Actual ${name(actual)}, predicted ${name(predicted)}: ${count} images`}
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
        <span className="legend-item">
          <span className="swatch correct" aria-hidden="true" /> read correctly (share of the row)
        </span>
        <span className="legend-item">
          <span className="swatch mistake" aria-hidden="true" /> mistakes (darker = more)
        </span>
      </p>
    </div>
  );
});
