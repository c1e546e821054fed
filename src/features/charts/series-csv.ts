import type { Config } from '../../engine/config';
import { configToJson } from '../../formats/config-format';
import type { EpochPoint } from '../../store/state';
import type { RunningPoint } from '../../worker/api';

const EPOCH_SERIES = ['trainAccuracy', 'validationAccuracy', 'testAccuracy', 'averageError', 'loss'] as const;
const RUNNING_SERIES = ['windowAccuracy', 'windowLoss', 'runningAccuracy', 'runningLoss'] as const;

/**
 * A run's curves as one CSV table in long form (curve, epoch, series, value), so a
 * spreadsheet or `pandas.read_csv(..., comment='#')` reads both curves without reshaping.
 * The config the run trained with heads the file as comment lines; values keep every digit.
 */
export function seriesCsv(run: { config: Config | null; dataset: string; epochs: readonly EpochPoint[]; running: readonly RunningPoint[] }): string {
  const lines = [
    '# Learning curves of one run of the MNIST playground',
    `# dataset: ${run.dataset.replace(/\s+/g, ' ')}`,
    `# config: ${run.config ? JSON.stringify(configToJson(run.config)) : 'none'}`,
    '# per epoch: at the end of each epoch (accuracies as fractions); within epoch: epoch is the position in the run (1.5 = halfway through epoch 2),',
    '# window* is the mean over the samples since the previous point, running* since the start of its epoch',
    'curve,epoch,series,value',
  ];
  for (const point of run.epochs) {
    for (const key of EPOCH_SERIES) {
      const value = point[key];
      if (value !== undefined) lines.push(`per epoch,${point.epoch},${key},${value}`);
    }
  }
  for (const point of run.running) {
    for (const key of RUNNING_SERIES) lines.push(`within epoch,${point.x},${key},${point[key]}`);
  }
  return `${lines.join('\n')}\n`;
}
