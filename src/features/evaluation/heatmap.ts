/**
 * Colours of the confusion-matrix heatmap. Correct readings (the diagonal) are green by the
 * share of the row they hold; mistakes are red by how they compare with the largest
 * mistake, so a handful of confusions stands out against thousands of correct readings.
 */
export interface CellStyle {
  backgroundColor: string;
  color: string;
}

const GREEN = [5, 150, 105];
const RED = [220, 38, 38];

/**
 * Counts are black on every shade: white on the full green reaches only 3.8:1, and both
 * palettes stay above the 4.5:1 that small text needs against black (the tests sweep them).
 */
const TEXT = '#000000';

export function cellStyle(count: number, rowTotal: number, diagonal: boolean, largestMistake: number): CellStyle {
  const strength = diagonal
    ? rowTotal > 0
      ? count / rowTotal
      : 0
    : count > 0 && largestMistake > 0
      ? 0.12 + 0.78 * (count / largestMistake)
      : 0;
  const backgroundColor = `rgba(${(diagonal ? GREEN : RED).join(', ')}, ${strength.toFixed(3)})`;
  return { backgroundColor, color: TEXT };
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
