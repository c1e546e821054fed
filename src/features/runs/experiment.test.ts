import { afterEach, describe, expect, it, vi } from 'vitest';
import { SEED_CONFIG, type Config } from '../../engine/config';
import { runRecordStarted } from '../../store/runs-actions';
import { resetStore, useAppStore } from '../../store/store';
import { batchExperiment, runQueue } from './experiment';

// The worker stands aside: each train records a run, as the bridge does, and finishes it.
vi.mock('../../bridge/training-bridge', () => ({
  train: vi.fn(async (config: Config) => {
    runRecordStarted(config);
    return { status: 'finished' };
  }),
}));

afterEach(resetStore);

describe('the batch-size experiment', () => {
  it('ticks for the overlay the runs it made and no earlier one', async () => {
    const earlier = runRecordStarted({ ...SEED_CONFIG, learningRate: 0.5 });
    // Any change to the page while the queue starts (its step counter) must not tick the earlier run.
    const made = await runQueue(batchExperiment(SEED_CONFIG), () => useAppStore.setState({ hasModel: true }));
    expect(made).toHaveLength(3);
    expect(made).not.toContain(earlier);
    expect(useAppStore.getState().selectedRunIds).toEqual(made);
  });
});
