import { describe, expect, it } from 'vitest';
import type { EpochProgress } from '../engine/train.ts';
import { createProgressBar, progressLine } from './progress.ts';

const progress = (samplesDone: number, done = false): EpochProgress => ({
  epoch: 2,
  samplesDone,
  samplesTotal: 60_000,
  runningLoss: 0.123456,
  runningAccuracy: 0.9512,
  done,
});

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 100, write: (text: string) => writes.push(text) > 0 };
  return { stream: stream as unknown as NodeJS.WriteStream, writes };
}

describe('progress bar', () => {
  it('shows the epoch, the share done, the running loss and accuracy', () => {
    expect(progressLine(progress(30_000))).toBe(
      `Epoch 2 [${'█'.repeat(15)}${'░'.repeat(15)}] 50% 30000/60000  loss 0.1235  accuracy 95.12%`,
    );
  });

  it('redraws in place on a terminal and clears itself', () => {
    const { stream, writes } = fakeStream(true);
    const bar = createProgressBar(stream);
    bar.update(progress(1000));
    bar.update(progress(60_000, true));
    bar.clear();
    expect(writes).toHaveLength(3);
    expect(writes[0].startsWith('\r\x1b[2KEpoch 2 [')).toBe(true);
    expect(writes[1]).toContain('100% 60000/60000');
    expect(writes[2]).toBe('\r\x1b[2K');
  });

  it('writes nothing when stderr is not a terminal', () => {
    const { stream, writes } = fakeStream(false);
    const bar = createProgressBar(stream);
    bar.update(progress(1000, true));
    bar.clear();
    expect(writes).toEqual([]);
  });
});
