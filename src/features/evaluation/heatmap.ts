/**
 * Colours of the confusion-matrix heatmap. Correct readings (the diagonal) are green by the
 * share of the row they hold; mistakes are red by how they compare with the largest
 * mistake, so a handful of confusions stands out against thousands of correct readings.
 */
export interface CellStyle {
  backgroundColor: string;
  color: string;
}

const GREEN = '5, 150, 105';
const RED = '220, 38, 38';

/** Opacity above which the count is written in white to stay readable. */
const DARK = 0.55;

export function cellStyle(count: number, rowTotal: number, diagonal: boolean, largestMistake: number): CellStyle {
  const strength = diagonal
    ? rowTotal > 0
      ? count / rowTotal
      : 0
    : count > 0 && largestMistake > 0
      ? 0.12 + 0.78 * (count / largestMistake)
      : 0;
  return {
    backgroundColor: `rgba(${diagonal ? GREEN : RED}, ${strength.toFixed(3)})`,
    color: strength > DARK ? '#ffffff' : '#111827',
  };
}

/** The largest count off the diagonal: the worst confusion. */
export function largestMistake(confusion: readonly (readonly number[])[]): number {
  let largest = 0;
  confusion.forEach((row, actual) =>
    row.forEach((count, predicted) => {
      if (actual !== predicted && count > largest) largest = count;
    }),
  );
  return largest;
}
