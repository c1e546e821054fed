/**
 * Where two workers compute the halves of a batch (shards.ts), each long dense layer's weight
 * gradient can be shared by rows instead of by samples: each worker computes the rows it steps
 * (its part of the optimizer step, StepParts), for both halves of the batch, the other half's rows
 * from that half's inputs and δ where they lie in the layer's shared memory. The optimizer step
 * then reads gradients its own core wrote; shared by samples, each worker's step read half of the
 * other's gradient from the other core (CNN (fast): 200 KB a batch each way, against the 29 KB of
 * the other half's inputs and δ), which took as long as one thread's whole step of that layer.
 *
 * Each element of the gradient sums the same terms in the same order as before (wasm/kernels.wat,
 * weightGradient), and lands in the same buffer: the bits are those of one worker's, and whoever
 * reads the gradients afterwards sees no difference.
 */
import type { Dense } from './dense.ts';
import type { DenseTwin, RowShare, ShardRegions } from './wasm/dense-kernels.ts';

/** A layer whose gradient is shared: shard 0 computes rows [0, split), shard 1 the rest. */
export interface RowSplitLayer {
  dense: Dense;
  twin: DenseTwin;
  split: number;
}

/** The regions of shard s of a twinned layer: the layer's own (0) or its twin's (1). */
function regionsOf(twin: DenseTwin, shard: 0 | 1): ShardRegions {
  return shard === 0 ? twin.host : { x: twin.x, delta: twin.delta, dw: twin.dw };
}

export class RowSplit {
  private readonly shares: RowShare[];
  /** Where the other half of the batch lies in each layer's memory. */
  private readonly others: ShardRegions[];

  /**
   * `layers` in the order of this worker's network (shard `shard`'s); control[deltas + s] counts the
   * layers whose δ shard s has put in their memories this batch, and is cleared between batches.
   */
  constructor(
    private readonly layers: readonly RowSplitLayer[],
    shard: 0 | 1,
    control: Int32Array,
    deltas: number,
  ) {
    const word = deltas + shard;
    const ready = () => {
      Atomics.add(control, word, 1);
      Atomics.notify(control, word);
    };
    this.shares = layers.map(({ dense, split }) =>
      shard === 0 ? { from: 0, to: split, ready } : { from: split, to: 4 * Math.ceil(dense.outputs / 4), ready },
    );
    this.others = layers.map(({ twin }) => regionsOf(twin, shard === 0 ? 1 : 0));
  }

  /** Whether this batch's backward passes compute only this worker's rows. */
  arm(on: boolean): void {
    this.layers.forEach(({ dense }, l) => (dense.rowShare = on ? this.shares[l] : null));
  }

  /**
   * After this half's backward pass: this worker's rows of the other half's gradient, a half of
   * `otherRows` rows, once `awaitOther(count)` has seen the other put its δ of every layer in.
   */
  finish(otherRows: number, awaitOther: (count: number) => void): void {
    awaitOther(this.layers.length);
    this.layers.forEach(({ dense }, l) => dense.weightGradientRows(this.others[l], otherRows, this.shares[l].from, this.shares[l].to));
  }
}
