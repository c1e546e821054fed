import type { Activation } from './config.ts';
import { Dense } from './dense.ts';
import { inWasm, type Kernels } from './kernels.ts';
import type { Conv2DSpec, Layer, Padding, Shape } from './layer.ts';
import type { ParamGroup } from './optimizers.ts';
import { ACTIVATION_FUNCTIONS, type ActivationFunction } from './activations.ts';
import { convKernelModule, WasmConvKernels } from './wasm/conv-kernels.ts';
import type { KernelMemory } from './wasm/kernel-memory.ts';

/** Output size along one axis, and the padding before the first input (TensorFlow's convention: the odd one goes after). */
export function convGeometry(size: number, kernel: number, stride: number, padding: Padding): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.floor((size - kernel) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return { out, before: Math.floor(total / 2) };
}

/**
 * A 2-D convolution, z[y][x][f] = b[f] + Σ_{ky,kx,c} W[f][ky][kx][c]·in[y·s + ky − pad][x·s + kx − pad][c],
 * a = f(z). Two paths compute it, as for Dense:
 * - 'wasm': direct convolution in WebAssembly SIMD (wasm/conv-kernels.wat), on a
 *   zero-padded copy of the input, with no copy per receptive field;
 * - 'ts', the reference and the fallback: im2col + a dense product. Every output
 *   position's receptive field is copied into a row of `columns` (k·k·channels
 *   values, zero outside the image), so the convolution is a dense layer from those
 *   rows to the filters, and its output rows are already the channels-last output map.
 */
export class Conv2D implements Layer {
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly activation: Activation;
  readonly filters: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: Padding;
  /** W[f][ky][kx][c] and ∂L/∂W laid out alike (see Conv2DSpec). */
  readonly weights: Float32Array;
  readonly biases: Float32Array;

  /**
   * 'wasm' with ReLU, the usual activation: the kernels apply it and its gradient in
   * their own memory, so `delta` is ∂L/∂a (see Layer).
   */
  readonly ownsActivationGradient: boolean;
  /** 'ts': the product from receptive fields to filters; it holds the gradients, output and delta. */
  private readonly product: Dense | null = null;
  /** 'wasm': the kernels, and the arrays the layer then holds itself. */
  private readonly wasm: WasmConvKernels | null = null;
  private readonly fn: ActivationFunction;
  private ownGradWeights = new Float32Array(0);
  private ownGradBiases = new Float32Array(0);
  private ownOutput = new Float32Array(0);
  private ownDelta = new Float32Array(0);
  /** Output positions per sample, and values per receptive field. */
  private readonly positions: number;
  private readonly fieldSize: number;
  private readonly inputSize: number;
  private readonly fieldSource: Int32Array;
  private capacity = 0;
  /** rows·positions receptive fields of fieldSize values: the last forward batch's, and their gradients. */
  private columns = new Float32Array(0);
  private columnDelta = new Float32Array(0);

  /** `shared`: the memory its kernels lay their regions out in, beside the network's other layers' (one of their own by default). */
  constructor(spec: Conv2DSpec, kernels: Kernels = 'ts', shared?: KernelMemory) {
    const [height, width, channels] = spec.inputShape;
    const { filters, kernelSize: k, stride, padding } = spec;
    const rows = convGeometry(height, k, stride, padding);
    const columns = convGeometry(width, k, stride, padding);
    if (rows.out < 1 || columns.out < 1) throw new Error(`A ${k}×${k} convolution does not fit a ${height}×${width} input`);
    this.inputShape = spec.inputShape;
    this.outputShape = [rows.out, columns.out, filters];
    this.activation = spec.activation;
    this.filters = filters;
    this.kernelSize = k;
    this.stride = stride;
    this.padding = padding;
    this.positions = rows.out * columns.out;
    this.fieldSize = k * k * channels;
    this.inputSize = height * width * channels;
    this.weights = spec.weights;
    this.biases = spec.biases;
    this.fn = ACTIVATION_FUNCTIONS[spec.activation];
    if (inWasm(kernels)) {
      const module = convKernelModule(kernels === 'fused');
      if (!module) throw new Error('The WebAssembly SIMD kernels do not run here: WebAssembly or its SIMD instructions are missing');
      this.wasm = new WasmConvKernels(
        { height, width, channels, filters, kernelSize: k, stride, outHeight: rows.out, outWidth: columns.out, padTop: rows.before, padLeft: columns.before },
        module,
        shared,
      );
      this.ownGradWeights = new Float32Array(spec.weights.length);
      this.ownsActivationGradient = spec.activation === 'ReLU';
      this.ownGradBiases = new Float32Array(filters);
      this.fieldSource = new Int32Array(0);
    } else {
      this.ownsActivationGradient = false;
      this.fieldSource = receptiveFieldSources(spec.inputShape, this.outputShape, k, stride, rows.before, columns.before);
      this.product = new Dense({ inputs: this.fieldSize, outputs: filters, activation: spec.activation, weights: spec.weights, biases: spec.biases }, false, 'ts');
    }
  }

  get output(): Float32Array {
    return this.product?.output ?? this.ownOutput;
  }

  get delta(): Float32Array {
    return this.product?.delta ?? this.ownDelta;
  }

  get gradWeights(): Float32Array {
    return this.product?.gradWeights ?? this.ownGradWeights;
  }

  get gradBiases(): Float32Array {
    return this.product?.gradBiases ?? this.ownGradBiases;
  }

  reserve(rows: number): void {
    this.product?.reserve(rows * this.positions);
    if (rows <= this.capacity) return;
    this.capacity = rows;
    if (this.product) {
      this.columns = new Float32Array(rows * this.positions * this.fieldSize);
      this.columnDelta = new Float32Array(rows * this.positions * this.fieldSize);
      return;
    }
    const wasm = this.wasm as WasmConvKernels;
    wasm.reserve(rows);
    // Filters in eights: the kernels' own output and δ, in place.
    const inPlace = wasm.output.length > 0;
    this.ownOutput = inPlace ? wasm.output : new Float32Array(rows * this.positions * this.filters);
    this.ownDelta = inPlace ? wasm.delta : new Float32Array(rows * this.positions * this.filters);
  }

  forward(input: Float32Array, rows: number): Float32Array {
    this.reserve(rows);
    if (this.product) {
      this.gatherFields(input, rows);
      return this.product.forward(this.columns, rows * this.positions);
    }
    const output = this.ownOutput;
    (this.wasm as WasmConvKernels).forward(input, rows, this.weights, this.biases, output, this.ownsActivationGradient);
    if (!this.ownsActivationGradient) this.fn.forward(output, output, rows * this.positions * this.filters, this.filters);
    return output;
  }

  /**
   * ∂L/∂b[f] = Σ over samples and positions of δ[·][f]; ∂L/∂W sums each weight's
   * input times δ over the positions; ∂L/∂in adds each receptive field's gradient
   * back where the field was taken from (for 'ts', the dense product's over all
   * output positions, then col2im).
   */
  backward(_input: Float32Array, rows: number, inputDelta: Float32Array | null): void {
    if (this.product) {
      this.product.backward(this.columns, rows * this.positions, inputDelta ? this.columnDelta : null);
      if (inputDelta) this.scatterFields(inputDelta, rows);
      return;
    }
    (this.wasm as WasmConvKernels).backward(this.ownDelta, rows, this.ownGradBiases, this.ownGradWeights, inputDelta, this.ownsActivationGradient);
  }

  paramGroups(l2: number): ParamGroup[] {
    return [
      { params: this.weights, grads: this.gradWeights, l2 },
      { params: this.biases, grads: this.gradBiases, l2: 0 },
    ];
  }

  toSpec(): Conv2DSpec {
    const { inputShape, filters, kernelSize, stride, padding, activation } = this;
    return { type: 'conv2d', inputShape, filters, kernelSize, stride, padding, activation, weights: this.weights.slice(), biases: this.biases.slice() };
  }

  /** im2col: columns[r·positions·fieldSize + i] = in[r][fieldSource[i]], or 0 where the field lies in the padding. */
  private gatherFields(input: Float32Array, rows: number): void {
    const { columns, fieldSource, inputSize } = this;
    const perSample = fieldSource.length;
    for (let r = 0; r < rows; r++) {
      const sample = r * inputSize;
      const at = r * perSample;
      for (let i = 0; i < perSample; i++) {
        const from = fieldSource[i];
        columns[at + i] = from < 0 ? 0 : input[sample + from];
      }
    }
  }

  /** col2im: the transpose of gatherFields, summing where receptive fields overlap. */
  private scatterFields(inputDelta: Float32Array, rows: number): void {
    const { columnDelta, fieldSource, inputSize } = this;
    const perSample = fieldSource.length;
    inputDelta.fill(0, 0, rows * inputSize);
    for (let r = 0; r < rows; r++) {
      const sample = r * inputSize;
      const at = r * perSample;
      for (let i = 0; i < perSample; i++) {
        const to = fieldSource[i];
        if (to >= 0) inputDelta[sample + to] += columnDelta[at + i];
      }
    }
  }
}

/**
 * Where each receptive-field value of one sample comes from: entry
 * (y·outWidth + x)·fieldSize + (ky·k + kx)·channels + c holds the input offset
 * of [y·s + ky − padTop][x·s + kx − padLeft][c], or −1 in the padding. Computed
 * once, so im2col and its transpose are one indexed loop each.
 */
function receptiveFieldSources(
  [height, width, channels]: Shape,
  [outHeight, outWidth]: Shape,
  k: number,
  stride: number,
  padTop: number,
  padLeft: number,
): Int32Array {
  const sources = new Int32Array(outHeight * outWidth * k * k * channels);
  let at = 0;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      for (let ky = 0; ky < k; ky++) {
        const iy = y * stride + ky - padTop;
        for (let kx = 0; kx < k; kx++) {
          const ix = x * stride + kx - padLeft;
          const inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
          for (let c = 0; c < channels; c++) sources[at++] = inside ? (iy * width + ix) * channels + c : -1;
        }
      }
    }
  }
  return sources;
}
