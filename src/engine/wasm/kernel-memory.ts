const PAGE_BYTES = 65536;
/** Zeroed bytes after each tenant's regions: a kernel may read, or add zero to, a few floats past a batch's end. */
const SLACK_BYTES = 64;

/** One layer's kernels in a KernelMemory: how many bytes their regions take for a batch, and where they now start. */
export interface Tenant {
  bytes(rows: number): number;
  /**
   * Lays the regions out for batches of up to `rows` samples from byte `base` of `memory`,
   * whose bytes are all zero, and renews the views of them.
   */
  place(memory: WebAssembly.Memory, base: number, rows: number): void;
}

/**
 * One WebAssembly memory for the batch regions of a network's convolution, pooling and
 * batch normalisation kernels, one after another in layer order, so that a layer reads the
 * output of the one below where it lies, and writes the gradient it passes down there too,
 * where each would otherwise copy a batch in and out of a memory of its own (megabytes a
 * batch after a first convolution). A batch larger than any before lays every tenant out
 * again, zeroed; between batches no tenant keeps anything in it that it does not rewrite.
 * Every layer of a forward pass takes the same rows, so the first one that reserves them
 * moves them all before any has written its output.
 */
export class KernelMemory {
  readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly tenants: Tenant[] = [];
  private rows = 0;

  join(tenant: Tenant): void {
    this.tenants.push(tenant);
    // The next reserve lays everyone out again, the newcomer included.
    this.rows = 0;
  }

  reserve(rows: number): void {
    if (rows <= this.rows) return;
    const bases: number[] = [];
    let end = 0;
    for (const tenant of this.tenants) {
      bases.push(end);
      end += 16 * Math.ceil(tenant.bytes(rows) / 16) + SLACK_BYTES;
    }
    const pages = Math.ceil(end / PAGE_BYTES) - this.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) this.memory.grow(pages);
    new Uint8Array(this.memory.buffer, 0, end).fill(0);
    this.tenants.forEach((tenant, t) => tenant.place(this.memory, bases[t], rows));
    this.rows = rows;
  }

  /** Whether `view` lies in this memory, where a tenant's kernels can read or write it in place. */
  holds(view: ArrayBufferView): boolean {
    return view.buffer === this.memory.buffer;
  }
}
