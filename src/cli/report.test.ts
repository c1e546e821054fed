import { describe, expect, it } from 'vitest';
import { metricsFromConfusion } from '../engine/metrics.ts';
import { formatDuration, formatEpoch, formatPerDigit, formatReport, formatTrainingTimes } from './report.ts';

/** The seed post's printout, as it appears in the post (runs of spaces collapsed). */
function seedLines(text: string): string[] {
  return text.trim().split('\n').map((line) => line.trim());
}

const collapse = (lines: string[]) => lines.map((line) => line.replace(/\s+/g, ' ').trim());

/** "Here are the test stats" after 30 epochs of Sigmoid/Softmax, from the seed post. */
const SOFTMAX_RUN = seedLines(`
Confusion Matrix:
Predicted →
Actual 0 1 2 3 4 5 6 7 8 9
↓ +--------------------------------------------------
0 | 972 0 2 1 0 3 0 2 0 0
1 | 0 1125 3 1 0 1 2 1 2 0
2 | 4 3 1012 1 1 1 1 4 4 1
3 | 1 0 5 988 0 5 0 2 2 7
4 | 0 0 2 1 968 0 4 1 0 6
5 | 2 0 0 7 0 877 3 1 1 1
6 | 6 3 2 0 3 8 935 0 1 0
7 | 1 2 10 3 5 1 0 999 1 6
8 | 4 1 6 6 5 6 1 3 938 4
9 | 4 3 0 3 9 4 0 4 1 981
Per-digit Metrics:
Digit | Accuracy | Precision | Recall | F1 Score
-------|----------|-----------|---------|----------
0 | 99.2% | 97.8% | 99.2% | 98.5%
1 | 99.1% | 98.9% | 99.1% | 99.0%
2 | 98.1% | 97.1% | 98.1% | 97.6%
3 | 97.8% | 97.7% | 97.8% | 97.8%
4 | 98.6% | 97.7% | 98.6% | 98.1%
5 | 98.3% | 96.8% | 98.3% | 97.6%
6 | 97.6% | 98.8% | 97.6% | 98.2%
7 | 97.2% | 98.2% | 97.2% | 97.7%
8 | 96.3% | 98.7% | 96.3% | 97.5%
9 | 97.2% | 97.5% | 97.2% | 97.4%
Overall Accuracy: 97.95%
`);

/** The earlier all-Sigmoid run's stats, from the top of the same post. */
const SIGMOID_RUN = seedLines(`
0 | 971 0 0 1 0 1 2 2 2 1
1 | 0 1123 2 1 0 1 4 1 3 0
2 | 9 3 996 6 1 0 1 9 7 0
3 | 1 0 6 979 0 7 1 6 5 5
4 | 0 0 2 0 958 0 6 0 0 16
5 | 4 2 0 6 1 866 5 1 3 4
6 | 7 3 0 0 4 9 932 0 3 0
7 | 2 10 11 1 3 1 0 990 2 8
8 | 5 1 1 3 4 5 5 2 945 3
9 | 8 5 0 7 12 1 1 6 4 965
0 | 99.1% | 96.4% | 99.1% | 97.7%
1 | 98.9% | 97.9% | 98.9% | 98.4%
2 | 96.5% | 97.8% | 96.5% | 97.2%
3 | 96.9% | 97.5% | 96.9% | 97.2%
4 | 97.6% | 97.5% | 97.6% | 97.5%
5 | 97.1% | 97.2% | 97.1% | 97.1%
6 | 97.3% | 97.4% | 97.3% | 97.3%
7 | 96.3% | 97.3% | 96.3% | 96.8%
8 | 97.0% | 97.0% | 97.0% | 97.0%
9 | 95.6% | 96.3% | 95.6% | 96.0%
Overall Accuracy: 97.25%
`);

/** The matrix rows of a printout, parsed back into numbers. */
function confusionFrom(lines: string[]): number[][] {
  return lines.filter((line) => /^\d \| \d+ /.test(line)).map((line) => line.split('|')[1].trim().split(' ').map(Number));
}

describe('formatReport', () => {
  it("reproduces the seed's report from its confusion matrix", () => {
    const report = formatReport(metricsFromConfusion(confusionFrom(SOFTMAX_RUN)));
    expect(collapse(report)).toEqual(SOFTMAX_RUN);
  });

  it("reproduces the seed's first run's per-digit table and overall accuracy", () => {
    const report = collapse(formatReport(metricsFromConfusion(confusionFrom(SIGMOID_RUN))));
    expect(report.slice(4, 14)).toEqual(SIGMOID_RUN.slice(0, 10));
    expect(report.slice(-11)).toEqual(SIGMOID_RUN.slice(10));
  });

  it('lines the matrix columns up under the digits', () => {
    const [, , header, divider, ...rows] = formatReport(metricsFromConfusion(confusionFrom(SOFTMAX_RUN))).slice(0, 14);
    const cells = (line: string) => line.slice(8).match(/.{5}/g);
    expect(cells(header)).toEqual(['    0', '    1', '    2', '    3', '    4', '    5', '    6', '    7', '    8', '    9']);
    for (const row of rows) {
      expect(row.length).toBe(header.length);
      expect(row.indexOf('|')).toBe(divider.indexOf('+'));
      expect(cells(row)?.every((cell) => /^ +\d+$/.test(cell))).toBe(true);
    }
  });

  it('widens cells for counts beyond four digits', () => {
    const confusion = Array.from({ length: 10 }, (_, a) => Array.from({ length: 10 }, (_, p) => (a === p ? 123456 : 0)));
    const [, , header, divider, firstRow] = formatReport(metricsFromConfusion(confusion));
    expect(firstRow.length).toBe(header.length);
    expect(divider.length).toBe(header.length);
    expect(firstRow).toContain(' 123456');
  });

  it('aligns the per-digit columns with their titles', () => {
    const [, titles, divider, first] = formatPerDigit(metricsFromConfusion(confusionFrom(SOFTMAX_RUN)));
    const bars = (line: string) => [...line].flatMap((c, i) => (c === '|' ? [i] : []));
    expect(bars(first)).toEqual(bars(divider));
    expect(bars(titles)).toEqual(bars(divider));
  });
});

describe('training lines', () => {
  it("prints the seed's epoch line", () => {
    expect(formatEpoch({ epoch: 1, seconds: 32.891, averageError: 0.1517741, loss: 0.3, accuracy: 0.89744, samples: 60000 })).toBe(
      'Epoch 1 (32.89s): Average Error = 0.151774, Accuracy = 89.74%',
    );
  });

  it('prints whole minutes and seconds as the seed did', () => {
    expect(formatDuration(994.98)).toBe('16m 34s');
    expect(formatDuration(33.17)).toBe('33s');
    expect(formatDuration(3723.5)).toBe('1h 2m 3s');
    const times = Array.from({ length: 30 }, () => 994.98 / 30);
    expect(formatTrainingTimes(times)).toEqual(['Total training time: 16m 34s (994.98s)', 'Average time per epoch: 33s (33.17s)']);
  });
});
