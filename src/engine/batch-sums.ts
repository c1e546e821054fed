/**
 * Passes that need sums over the whole batch while the batch may be split in shards (see
 * shards.ts). A layer on batch statistics gives its forward and backward as steps: at each
 * point where it needs a per-channel sum over the batch, it yields its own rows' partial sums
 * and goes on once whoever runs the steps has replaced them with the whole batch's. The
 * other shard runs the same steps on its rows and yields the same sums at the same points,
 * so each pair is added once, a + b, which is b + a bit for bit: both shards go on with
 * identical numbers. A batch that is not split has nothing to add.
 */
export type BatchSteps<T> = Generator<Float64Array, T, void>;

/** Runs `steps` to their end; `share` (absent for an unsplit batch) turns each partial sum into the whole batch's, in place. */
export function runSteps<T>(steps: BatchSteps<T>, share?: (sums: Float64Array) => void): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    share?.(next.value);
  }
}

/** Both shards' partial sums become their total, in both arrays. */
export function addShards(mine: Float64Array, theirs: Float64Array): void {
  for (let i = 0; i < mine.length; i++) {
    const total = mine[i] + theirs[i];
    mine[i] = total;
    theirs[i] = total;
  }
}
