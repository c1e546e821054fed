/**
 * Whether a second worker pays for itself. Each split batch costs a fixed hand-over (the
 * exchange, the shard sum) whatever the network does per sample, so a half batch with little
 * arithmetic in it trains faster in one worker. Kept out of config.ts, whose oneWorkerReason
 * says which networks cannot split at all: counting the work needs layer-kinds.ts, which
 * imports config.ts.
 */
import { oneWorkerReason, type Config } from './config.ts';
import { kindOf } from './layer-kinds.ts';

/**
 * Forward multiply-adds in half a batch below which two workers were slower than one in the
 * browser (docs/benchmarks.md, "Use both cores"): 784-200-10 in batches of 32 (2.5 million) lost,
 * CNN (fast) in batches of 16 (7.1 million) gained.
 */
export const MIN_HALF_BATCH_MULTIPLY_ADDS = 4_000_000;

/** Multiply-adds of one sample's forward pass: each weight once per output position. */
export function multiplyAddsPerSample(config: Pick<Config, 'layers' | 'stack'>): number {
  if (!config.stack) return config.layers.slice(1).reduce((sum, size, l) => sum + config.layers[l] * size, 0);
  let shape = config.stack.input;
  let sum = 0;
  for (const layer of config.stack.layers) {
    const kind = kindOf(layer.type);
    const next = kind.outputShape(shape, layer);
    sum += (kind.parameters(shape, layer)?.weights ?? 0) * next[0] * next[1];
    shape = next;
  }
  return sum;
}

/** Why `config` is better trained whole in one worker though it could split its batches; null when a second worker gains. */
export function smallBatchReason(config: Pick<Config, 'layers' | 'stack' | 'batchSize'>): string | null {
  const work = Math.floor(config.batchSize / 2) * multiplyAddsPerSample(config);
  return work < MIN_HALF_BATCH_MULTIPLY_ADDS ? 'its batches are too small to gain from a second' : null;
}

/** Why "Use both cores" trains `config` in one worker, unsplit; null when it splits each batch between two. */
export function whyOneWorker(config: Pick<Config, 'layers' | 'stack' | 'batchSize' | 'dropout'>): string | null {
  return oneWorkerReason(config) ?? smallBatchReason(config);
}
