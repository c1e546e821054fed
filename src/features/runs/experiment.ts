/**
 * The seed author's question, in one click: the same network trained per sample, in
 * batches of 32 and of 128, one run after the other, then overlaid.
 */
import { train } from '../../bridge/training-bridge';
import type { Config } from '../../engine/config';
import { selectRuns } from '../../store/runs-actions';
import { useAppStore } from '../../store/store';

export const BATCH_SIZES = [1, 32, 128] as const;

export function batchExperiment(config: Config): Config[] {
  return BATCH_SIZES.map((batchSize) => ({ ...config, batchSize }));
}

/**
 * Trains each config in turn, ticking each run for the overlay as it starts; a run that
 * does not finish (stopped, diverged, failed) ends the queue. Resolves with the runs made.
 */
export async function runQueue(configs: Config[], onStep: (step: number) => void): Promise<string[]> {
  const made: string[] = [];
  // The page's last run stays current until the queue's first one starts; it is not one of ours.
  const earlier = useAppStore.getState().currentRunId;
  const unsubscribe = useAppStore.subscribe((state) => {
    const id = state.currentRunId;
    if (id && id !== earlier && !made.includes(id)) {
      made.push(id);
      selectRuns([...made]);
    }
  });
  try {
    for (const [step, config] of configs.entries()) {
      onStep(step);
      const outcome = await train(config);
      if (outcome?.status !== 'finished') break;
    }
  } finally {
    unsubscribe();
  }
  return made;
}
