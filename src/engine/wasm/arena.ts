import { ARENA_KERNELS_SHARED_WASM_BASE64, ARENA_KERNELS_WASM_BASE64 } from './arena-kernels.generated.ts';
import { compileKernels } from './compile.ts';

const PAGE_BYTES = 65536;

interface ArenaExports {
  allFinite(pointer: number, length: number): number;
}

const compiled: { plain?: WebAssembly.Module | null; shared?: WebAssembly.Module | null } = {};

function arenaModule(shared: boolean): WebAssembly.Module | null {
  const which = shared ? 'shared' : 'plain';
  if (compiled[which] === undefined) compiled[which] = compileKernels(shared ? ARENA_KERNELS_SHARED_WASM_BASE64 : ARENA_KERNELS_WASM_BASE64);
  return compiled[which];
}

/** Whether every value is a finite number. */
export function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * A WebAssembly memory of fixed size, handed out as typed-array views: a layer's
 * weights and batch buffers, then an optimizer's state beside them, so kernels
 * of either module read and write them in place, with nothing copied per batch.
 * The memory never grows (growing would detach every view), so the owner sizes
 * it once for everything that will live in it.
 *
 * Each view starts 16-byte aligned and is followed by 16 bytes of slack, so a
 * kernel may read one vector past a row's end.
 */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  private top = 0;
  private sealedTop = 0;
  private kernels?: ArenaExports | null;

  /** `shared`: a memory another worker's kernels can run on too (see sharedMemoryRuns), whose modules must declare it shared. */
  constructor(
    bytes: number,
    readonly shared = false,
  ) {
    const pages = Math.ceil(bytes / PAGE_BYTES);
    this.memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
  }

  /** Bytes a view of `length` elements of `bytesPerElement` takes here, slack included. */
  static cost(length: number, bytesPerElement: number): number {
    return 16 * Math.ceil((bytesPerElement * length) / 16) + 16;
  }

  floats(length: number): Float32Array<ArrayBuffer> {
    return new Float32Array(this.memory.buffer, this.take(length, 4), length);
  }

  ints(length: number): Int32Array<ArrayBuffer> {
    return new Int32Array(this.memory.buffer, this.take(length, 4), length);
  }

  doubles(length: number): Float64Array<ArrayBuffer> {
    return new Float64Array(this.memory.buffer, this.take(length, 8), length);
  }

  bytes(length: number): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.memory.buffer, this.take(length, 1), length);
  }

  /** Whether a view of `length` elements of `bytesPerElement` would still fit. */
  fits(length: number, bytesPerElement: number): boolean {
    return this.top + WasmArena.cost(length, bytesPerElement) <= this.memory.buffer.byteLength;
  }

  /** Whether `view` lies in this memory. */
  holds(view: ArrayBufferView): boolean {
    return view.buffer === this.memory.buffer;
  }

  /**
   * allFinite(view) for a view of this memory, by a kernel where there is one. The JavaScript loop over
   * a view of a WebAssembly memory ran at 9–37 ns a value in the page's training worker (1–2 ns in a
   * small worker of its own), about a millisecond per training slice for CNN (fast)'s first dense layer.
   */
  allFinite(view: Float32Array): boolean {
    if (!this.holds(view)) throw new Error('The view is not in this memory');
    if (this.kernels === undefined) {
      const module = arenaModule(this.shared);
      this.kernels = module && (new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as ArenaExports);
    }
    return this.kernels ? this.kernels.allFinite(view.byteOffset, view.length) === 1 : allFinite(view);
  }

  /** What is allocated so far stays for good; release() frees only what comes after. */
  seal(): void {
    this.sealedTop = this.top;
  }

  /**
   * Frees everything allocated since seal(), zeroed for the next owner: a new
   * optimizer takes over the parameters and the state of the one before it is gone.
   */
  release(): void {
    new Uint8Array(this.memory.buffer, this.sealedTop, this.top - this.sealedTop).fill(0);
    this.top = this.sealedTop;
  }

  private take(length: number, bytesPerElement: number): number {
    const start = this.top;
    const end = start + WasmArena.cost(length, bytesPerElement);
    if (end > this.memory.buffer.byteLength) throw new Error(`This WebAssembly memory holds ${this.memory.buffer.byteLength} bytes; ${end} were asked for`);
    this.top = end;
    return start;
  }
}

let sharedRuns: boolean | undefined;

/** Whether WebAssembly memories can be shared here: in Node, and on a page only where it is cross-origin isolated. */
export function sharedMemoryRuns(): boolean {
  if (sharedRuns === undefined) {
    try {
      sharedRuns = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      sharedRuns = false;
    }
  }
  return sharedRuns;
}
