import type { BatchNormSpec, Layer, Mode, Shape } from './layer.ts';
import { shapeSize } from './layer.ts';
import { runSteps, type BatchSteps } from './batch-sums.ts';
import { inWasm, type Kernels } from './kernels.ts';
import type { ParamGroup } from './optimizers.ts';
import { batchNormKernelModule, WasmBatchNorm } from './wasm/batchnorm-kernels.ts';
import type { KernelMemory } from './wasm/kernel-memory.ts';

/** PyTorch's defaults, so exported models and train.py keep the same running statistics. */
export const BATCHNORM_MOMENTUM = 0.1;
export const BATCHNORM_EPSILON = 1e-5;

/** Whether batch normalisation over inputs of `inputShape` runs its passes on the SIMD kernels (its channels come in fours). */
export function usesWasmBatchNorm(inputShape: Shape, kernels: Kernels): boolean {
  return inWasm(kernels) && inputShape[2] % 4 === 0 && batchNormKernelModule() !== null;
}

/**
 * Batch normalisation per channel (after a convolution) or per unit (after a dense layer or a
 * flatten: a [1, 1, n] shape has n channels):
 *
 *   y = γ·x̂ + β,  x̂ = (x − μ)/√(σ² + ε)
 *
 * In training μ and σ² are the batch's mean and biased variance over its samples and positions,
 * and the running estimates move towards them: μ̄ ← (1 − m)·μ̄ + m·μ, σ̄² ← (1 − m)·σ̄² + m·σ²·N/(N − 1)
 * (the unbiased variance, N values per channel). In inference μ̄ and σ̄² stand in for them, so an
 * answer depends on its own input only. Batch statistics of one value are undefined: training on
 * one value per channel is refused.
 * On 'wasm' kernels, inputs whose channels come in fours run the passes over the batch in
 * WebAssembly SIMD (wasm/batchnorm-kernels.wat): the same operations in the same order, so
 * the same bits as the loops below.
 */
export class BatchNorm implements Layer {
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly activation = null;
  readonly batchStatistics = true;
  readonly sharedSums: number;
  readonly channels: number;
  /** γ and β. */
  readonly scale: Float32Array;
  readonly shift: Float32Array;
  readonly gradScale: Float32Array;
  readonly gradShift: Float32Array;
  readonly runningMean: Float32Array;
  readonly runningVariance: Float32Array;
  output = new Float32Array(0);
  delta = new Float32Array(0);
  /** x̂ of the last forward batch, which backward reads. */
  private normalised = new Float32Array(0);
  /** 1/√(σ² + ε) per channel of the last forward batch (the running σ̄² in inference). */
  private readonly inverseDeviation: Float32Array;
  /**
   * Per-channel sums, in double precision (a channel sums up to rows × height × width values):
   * of the input, then its mean, with the values per channel last; of squares about the mean;
   * of δ and δ·x̂.
   */
  private readonly sums: Float64Array;
  private readonly squares: Float64Array;
  private readonly deltaSums: Float64Array;
  /**
   * The passes over every value compute in float32, as PyTorch does and four lanes at a time in
   * the kernels (in double precision they took twice as long): the mean, and in training the
   * gain γ/√(σ² + ε) and the means of δ and δ·x̂, rounded to floats once a pass.
   */
  private readonly meanFloats: Float32Array;
  private readonly gain: Float32Array;
  private readonly deltaMeans: Float32Array;
  /** Values per channel in the last training batch: the whole batch's when it is split. */
  private count = 0;
  /** What the last forward used, which backward must differentiate. */
  private lastMode: Mode = 'inference';
  private capacity = 0;
  private readonly wasm: WasmBatchNorm | null = null;

  /** `shared`: the memory its kernels lay their regions out in, beside the network's other layers' (one of their own by default). */
  constructor(spec: BatchNormSpec, kernels: Kernels = 'ts', shared?: KernelMemory) {
    this.inputShape = spec.inputShape;
    this.outputShape = spec.inputShape;
    const channels = spec.inputShape[2];
    this.channels = channels;
    const check = (values: Float32Array, name: string) => {
      if (values.length !== channels) throw new Error(`Batch normalisation over ${channels} channels needs ${channels} values of ${name}, got ${values.length}`);
      return values.slice();
    };
    this.scale = check(spec.weights, 'scale');
    this.shift = check(spec.biases, 'shift');
    this.runningMean = check(spec.runningMean, 'running mean');
    this.runningVariance = check(spec.runningVariance, 'running variance');
    this.gradScale = new Float32Array(channels);
    this.gradShift = new Float32Array(channels);
    this.inverseDeviation = new Float32Array(channels);
    this.sums = new Float64Array(channels + 1);
    this.squares = new Float64Array(channels);
    this.deltaSums = new Float64Array(2 * channels);
    this.meanFloats = new Float32Array(channels);
    this.gain = new Float32Array(channels);
    this.deltaMeans = new Float32Array(2 * channels);
    this.sharedSums = 2 * channels;
    if (usesWasmBatchNorm(spec.inputShape, kernels)) {
      this.wasm = new WasmBatchNorm(channels, shapeSize(spec.inputShape), batchNormKernelModule() as WebAssembly.Module, shared);
    }
  }

  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = rows;
    if (this.wasm) {
      this.wasm.reserve(rows);
      ({ output: this.output, delta: this.delta, normalised: this.normalised } = this.wasm);
      return;
    }
    const size = rows * shapeSize(this.inputShape);
    this.output = new Float32Array(size);
    this.delta = new Float32Array(size);
    this.normalised = new Float32Array(size);
  }

  forward(input: Float32Array, rows: number, mode: Mode): Float32Array {
    return runSteps(this.forwardSteps(input, rows, mode));
  }

  /** The forward pass; in training it yields this batch's (or shard's) per-channel sums, then its sums of squares about the mean. */
  *forwardSteps(input: Float32Array, rows: number, mode: Mode): BatchSteps<Float32Array> {
    this.reserve(rows);
    this.lastMode = mode;
    const { channels, inverseDeviation, runningMean, sums } = this;
    const length = rows * shapeSize(this.inputShape);
    this.wasm?.load(input, length);
    if (mode === 'training') {
      this.sumChannels(input, length);
      yield sums;
      this.count = sums[channels];
      this.checkCount();
      for (let c = 0; c < channels; c++) sums[c] /= this.count;
      this.sumSquares(input, length);
      yield this.squares;
      this.measured();
    } else {
      for (let c = 0; c < channels; c++) {
        sums[c] = runningMean[c];
        inverseDeviation[c] = 1 / Math.sqrt(this.runningVariance[c] + BATCHNORM_EPSILON);
      }
    }
    this.normalise(input, length);
    return this.output;
  }

  backward(input: Float32Array, rows: number, inputDelta: Float32Array | null): void {
    runSteps(this.backwardSteps(input, rows, inputDelta));
  }

  /**
   * With g = γ·δ and means over the N values of a channel:
   * - training: ∂L/∂x = (g − mean(g) − x̂·mean(g·x̂))/√(σ² + ε), as μ and σ² depend on every x;
   * - inference: ∂L/∂x = g/√(σ̄² + ε), the running statistics being constants;
   * ∂L/∂γ = Σ δ·x̂ and ∂L/∂β = Σ δ in both: each over this batch's (or shard's) own rows, as every
   * parameter gradient is. In training the means are the whole batch's: Σ δ and Σ δ·x̂ are yielded.
   */
  *backwardSteps(_input: Float32Array, rows: number, inputDelta: Float32Array | null): BatchSteps<void> {
    const { channels, gradScale, gradShift, deltaSums } = this;
    const length = rows * shapeSize(this.inputShape);
    this.sumDeltas(length);
    for (let c = 0; c < channels; c++) {
      gradScale[c] = deltaSums[channels + c];
      gradShift[c] = deltaSums[c];
    }
    if (this.lastMode === 'inference') {
      if (inputDelta) this.passDown(inputDelta, length, null);
      return;
    }
    // Both shards reach this point whether or not they pass a gradient down, so neither waits alone.
    yield deltaSums;
    if (!inputDelta) return;
    for (let c = 0; c < 2 * channels; c++) deltaSums[c] /= this.count;
    this.passDown(inputDelta, length, deltaSums);
  }

  /**
   * x̂ = (x − μ)·inverse and y = γ·x̂ + β in float32, μ from `sums`. Each float64 result of two
   * floats is rounded with fround or on store, which gives the float32 operation's own result
   * (float64 holds more than twice float32's digits), so the kernel's lanes give the same bits.
   */
  private normalise(input: Float32Array, length: number): void {
    const { channels, scale, shift, output, normalised, inverseDeviation, sums, meanFloats: mean } = this;
    for (let c = 0; c < channels; c++) mean[c] = sums[c];
    if (this.wasm) return this.wasm.normalise(length, mean, inverseDeviation, scale, shift);
    const f = Math.fround;
    for (let i = 0, c = 0; i < length; i++) {
      const value = f(f(input[i] - mean[c]) * inverseDeviation[c]);
      normalised[i] = value;
      output[i] = f(scale[c] * value) + shift[c];
      if (++c === channels) c = 0;
    }
  }

  /** Σ δ into deltaSums[0, channels), Σ δ·x̂ into deltaSums[channels, 2·channels). */
  private sumDeltas(length: number): void {
    const { channels, delta, normalised, deltaSums } = this;
    if (this.wasm) return this.wasm.sumDeltas(length, deltaSums);
    deltaSums.fill(0);
    for (let i = 0, c = 0; i < length; i++) {
      deltaSums[c] += delta[i];
      deltaSums[channels + c] += delta[i] * normalised[i];
      if (++c === channels) c = 0;
    }
  }

  /** ∂L/∂x: with `means` (mean δ, then mean δ·x̂) in training; null in inference. */
  private passDown(inputDelta: Float32Array, length: number, means: Float64Array | null): void {
    const { channels, scale, delta, normalised, inverseDeviation } = this;
    if (!means) {
      for (let i = 0, c = 0; i < length; i++) {
        inputDelta[i] = delta[i] * scale[c] * inverseDeviation[c];
        if (++c === channels) c = 0;
      }
      return;
    }
    const { gain, deltaMeans } = this;
    for (let c = 0; c < channels; c++) gain[c] = scale[c] * inverseDeviation[c];
    deltaMeans.set(means);
    if (this.wasm) return this.wasm.passDown(length, deltaMeans, gain, inputDelta);
    // In float32, as normalise.
    const f = Math.fround;
    for (let i = 0, c = 0; i < length; i++) {
      inputDelta[i] = gain[c] * f(f(delta[i] - deltaMeans[c]) - f(normalised[i] * deltaMeans[channels + c]));
      if (++c === channels) c = 0;
    }
  }

  /** Per-channel sums of the input into sums[0, channels), its number of values per channel into sums[channels]. */
  private sumChannels(input: Float32Array, length: number): void {
    const { channels, sums } = this;
    sums[channels] = length / channels;
    if (this.wasm) return this.wasm.sumChannels(length, sums);
    sums.fill(0, 0, channels);
    for (let i = 0, c = 0; i < length; i++) {
      sums[c] += input[i];
      if (++c === channels) c = 0;
    }
  }

  private checkCount(): void {
    if (this.count >= 2) return;
    throw new Error(
      `Batch normalisation cannot train on one value per ${this.inputShape[0] * this.inputShape[1] === 1 ? 'unit' : 'channel'}: ` +
        'a batch of one sample has no batch statistics. Train in batches of 2 or more.',
    );
  }

  /** Squares about the batch's mean (in sums), not Σx² − Nμ²: that difference loses the variance of large values. */
  private sumSquares(input: Float32Array, length: number): void {
    const { channels, sums, squares } = this;
    if (this.wasm) return this.wasm.sumSquares(length, sums, squares);
    squares.fill(0);
    for (let i = 0, c = 0; i < length; i++) {
      const centred = input[i] - sums[c];
      squares[c] += centred * centred;
      if (++c === channels) c = 0;
    }
  }

  /** From the batch's mean and squares, 1/√(σ² + ε) into inverseDeviation; the running estimates move towards them. */
  private measured(): void {
    const { channels, sums, squares, count, inverseDeviation, runningMean, runningVariance } = this;
    for (let c = 0; c < channels; c++) {
      const variance = squares[c] / count;
      inverseDeviation[c] = 1 / Math.sqrt(variance + BATCHNORM_EPSILON);
      runningMean[c] = (1 - BATCHNORM_MOMENTUM) * runningMean[c] + BATCHNORM_MOMENTUM * sums[c];
      runningVariance[c] = (1 - BATCHNORM_MOMENTUM) * runningVariance[c] + BATCHNORM_MOMENTUM * (squares[c] / (count - 1));
    }
  }

  /** γ decays by `l2` as weights do (PyTorch's weight decay reaches it too), β does not. */
  paramGroups(l2: number): ParamGroup[] {
    return [
      { params: this.scale, grads: this.gradScale, l2 },
      { params: this.shift, grads: this.gradShift, l2: 0 },
    ];
  }

  toSpec(): BatchNormSpec {
    return {
      type: 'batchnorm',
      inputShape: this.inputShape,
      weights: this.scale.slice(),
      biases: this.shift.slice(),
      runningMean: this.runningMean.slice(),
      runningVariance: this.runningVariance.slice(),
    };
  }
}
