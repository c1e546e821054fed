/**
 * The terminal output of the seed post's Rust program, line for line: the per-epoch line,
 * the training totals, the confusion matrix and the per-digit table. Columns are padded
 * to line up; with runs of spaces collapsed, the lines read exactly as in the post.
 */
import type { ConfusionMetrics } from '../engine/metrics.ts';
import type { EpochResult } from '../engine/train.ts';

const percent = (fraction: number, digits: number) => `${(fraction * 100).toFixed(digits)}%`;

/** `Epoch 1 (32.89s): Average Error = 0.151774, Accuracy = 89.74%` */
export function formatEpoch(result: EpochResult): string {
  return (
    `Epoch ${result.epoch} (${result.seconds.toFixed(2)}s): ` +
    `Average Error = ${result.averageError.toFixed(6)}, Accuracy = ${percent(result.accuracy, 2)}`
  );
}

/** Whole seconds as the seed printed them: `16m 34s`, `33s`, `1h 2m 3s`. */
export function formatDuration(seconds: number): string {
  const whole = Math.floor(seconds);
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  if (h > 0) return `${h}h ${m}m ${s}s`;
  return m > 0 ? `${m}m ${s}s` : `${s}s`;
}

/** `Total training time: 16m 34s (994.98s)` and `Average time per epoch: 33s (33.17s)`. */
export function formatTrainingTimes(epochSeconds: readonly number[]): string[] {
  const total = epochSeconds.reduce((sum, s) => sum + s, 0);
  const average = epochSeconds.length > 0 ? total / epochSeconds.length : 0;
  return [
    `Total training time: ${formatDuration(total)} (${total.toFixed(2)}s)`,
    `Average time per epoch: ${formatDuration(average)} (${average.toFixed(2)}s)`,
  ];
}

/** Row labels take 7 columns, then '|' (or '+'), then one right-aligned cell per digit. */
export function formatConfusionMatrix(confusion: readonly (readonly number[])[]): string[] {
  const largest = Math.max(0, ...confusion.flat());
  const width = Math.max(5, String(largest).length + 1);
  const cells = (values: readonly (number | string)[]) => values.map((value) => String(value).padStart(width)).join('');
  const digits = confusion.map((_, digit) => digit);
  return [
    'Confusion Matrix:',
    `${' '.repeat(8)}Predicted →`,
    `${'Actual'.padEnd(7)} ${cells(digits)}`,
    `${'  ↓'.padEnd(7)}+${'-'.repeat(width * digits.length)}`,
    ...confusion.map((row, actual) => `${`  ${actual}`.padEnd(7)}|${cells(row)}`),
  ];
}

const COLUMNS = [
  ['Digit', 7],
  ['Accuracy', 10],
  ['Precision', 11],
  ['Recall', 9],
  ['F1 Score', 10],
] as const;

/** The seed's table: `Digit | Accuracy | Precision | Recall | F1 Score`, one decimal. */
export function formatPerDigit(metrics: ConfusionMetrics): string[] {
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(COLUMNS[0][1]) : ` ${cell}`.padEnd(COLUMNS[i][1])))
      .join('|')
      .trimEnd();
  return [
    'Per-digit Metrics:',
    line(COLUMNS.map(([title]) => title)),
    COLUMNS.map(([, width]) => '-'.repeat(width)).join('|'),
    ...metrics.perDigit.map((d) =>
      line([`   ${d.digit}`, percent(d.accuracy, 1), percent(d.precision, 1), percent(d.recall, 1), percent(d.f1, 1)]),
    ),
  ];
}

/** The whole test report: matrix, per-digit table and `Overall Accuracy: 97.95%`. */
export function formatReport(metrics: ConfusionMetrics): string[] {
  return [
    ...formatConfusionMatrix(metrics.confusion),
    ...formatPerDigit(metrics),
    `Overall Accuracy: ${percent(metrics.accuracy, 2)}`,
  ];
}
