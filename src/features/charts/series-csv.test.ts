import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../formats/config-format';
import { DEFAULT_CONFIG } from '../../store/presets';
import { seriesCsv } from './series-csv';

const epochs = [
  { epoch: 1, seconds: 1.5, averageError: 0.031, loss: 0.41, trainAccuracy: 0.881, testAccuracy: 0.9312 },
  { epoch: 2, seconds: 3.1, averageError: 0.02, loss: 0.2512345678, trainAccuracy: 0.94, testAccuracy: 0.95, validationAccuracy: 0.948 },
];
const running = [{ x: 0.5, windowLoss: 0.9, windowAccuracy: 0.7, runningLoss: 1.1, runningAccuracy: 0.6 }];

describe('seriesCsv', () => {
  const csv = seriesCsv({ config: DEFAULT_CONFIG, dataset: 'MNIST\nsecond line', epochs, running });
  const lines = csv.trimEnd().split('\n');

  it('heads the file with the config as a comment that reads back as the same config', () => {
    const configLine = lines.find((line) => line.startsWith('# config: ')) as string;
    expect(parseConfig(configLine.slice('# config: '.length))).toEqual(DEFAULT_CONFIG);
    // Every line before the header row is a comment, the dataset's name included.
    const header = lines.indexOf('curve,epoch,series,value');
    expect(lines.slice(0, header).every((line) => line.startsWith('#'))).toBe(true);
    expect(lines).toContain('# dataset: MNIST second line');
  });

  it('holds every value of both curves with all its digits, and only the values a run had', () => {
    const rows = lines.filter((line) => !line.startsWith('#')).slice(1);
    expect(rows).toContain('per epoch,1,testAccuracy,0.9312');
    expect(rows).toContain('per epoch,2,loss,0.2512345678');
    expect(rows).toContain('per epoch,2,validationAccuracy,0.948');
    expect(rows.filter((row) => row.startsWith('per epoch,1,'))).toHaveLength(4);
    expect(rows.filter((row) => row.startsWith('per epoch,2,'))).toHaveLength(5);
    expect(rows.filter((row) => row.startsWith('within epoch,0.5,'))).toEqual([
      'within epoch,0.5,windowAccuracy,0.7',
      'within epoch,0.5,windowLoss,0.9',
      'within epoch,0.5,runningAccuracy,0.6',
      'within epoch,0.5,runningLoss,1.1',
    ]);
    expect(rows).toHaveLength(13);
  });
});
