// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { runEnded, runStarting, workersChosen } from '../../store/actions';
import { resetStore, useAppStore } from '../../store/store';
import { RunStatus } from './RunStatus';

afterEach(() => {
  cleanup();
  resetStore();
});

function finishedIn(workers: 1 | 2 | null, outcome: Parameters<typeof runEnded>[0]): string {
  runStarting(useAppStore.getState().config, false);
  workersChosen(workers);
  runEnded(outcome);
  render(<RunStatus />);
  return screen.getByRole('status').textContent ?? '';
}

describe('RunStatus', () => {
  it('says how much of the second halves the second worker computed when a run trained in two', () => {
    expect(finishedIn(2, { status: 'finished', kernels: 'fused', secondHalves: { second: 87, total: 100 } })).toBe(
      'Finished 0 epochs. Fused multiply-add kernels. Two workers; the second did 87% of second halves.',
    );
  });

  it('says one worker, or nothing of workers with both cores off', () => {
    expect(finishedIn(1, { status: 'finished', kernels: 'fused' })).toBe('Finished 0 epochs. Fused multiply-add kernels. Trained in one worker.');
    cleanup();
    expect(finishedIn(null, { status: 'finished', kernels: 'fused' })).toBe('Finished 0 epochs. Fused multiply-add kernels.');
  });

  it('names the kernels the run trained with, since a seed repeats its weights only on the same ones', () => {
    expect(finishedIn(null, { status: 'finished', kernels: 'wasm' })).toBe('Finished 0 epochs. WebAssembly SIMD kernels.');
    cleanup();
    expect(finishedIn(null, { status: 'finished', kernels: 'ts' })).toBe('Finished 0 epochs. TypeScript kernels.');
  });
});
