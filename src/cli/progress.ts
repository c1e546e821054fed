/**
 * A one-line progress bar for long epochs, redrawn in place on a terminal. Where stderr is
 * a file or a pipe (CI logs, tests) it draws nothing, so stdout keeps the seed's lines only.
 */
import type { EpochProgress } from '../engine/train.ts';

export interface ProgressBar {
  update(progress: EpochProgress): void;
  clear(): void;
}

const WIDTH = 30;
const REDRAW_MS = 100;

export function progressLine({ epoch, samplesDone, samplesTotal, runningLoss, runningAccuracy }: EpochProgress): string {
  const fraction = samplesTotal > 0 ? samplesDone / samplesTotal : 0;
  const filled = Math.round(fraction * WIDTH);
  return (
    `Epoch ${epoch} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${Math.floor(fraction * 100)}% ` +
    `${samplesDone}/${samplesTotal}  loss ${runningLoss.toFixed(4)}  accuracy ${(runningAccuracy * 100).toFixed(2)}%`
  );
}

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update: () => undefined, clear: () => undefined };
  let lastDraw = 0;
  let drawn = false;
  return {
    update(progress) {
      const now = performance.now();
      if (now - lastDraw < REDRAW_MS && !progress.done) return;
      lastDraw = now;
      drawn = true;
      stream.write(`\r\x1b[2K${progressLine(progress).slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
    },
    clear() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
