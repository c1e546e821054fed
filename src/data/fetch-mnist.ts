/**
 * MNIST in the browser and the worker: the gzipped IDX files are fetched from the app's
 * own origin (`/data/*.gz`, prepared by scripts/prepare-data.mjs), decompressed with
 * DecompressionStream and checked by the IDX reader. Raw bytes that passed the reader
 * are kept in IndexedDB, so a reload does not download 11 MB again; a partial or corrupt
 * download never reaches the store. The run does not wait for that write.
 */
import { createStore, delMany, getMany, setMany } from 'idb-keyval';
import type { Dataset } from '../engine/dataset.ts';
import { IdxError, readMnist } from './idx.ts';
import { MNIST_FILES, type MnistSplit } from './mnist-files.ts';
import { errorText } from '../formats/error-text.ts';

export type DownloadFailure = 'http' | 'network' | 'aborted' | 'corrupt';

/** A file that could not be downloaded; `reason` lets the UI decide whether Retry makes sense. */
export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(
    message: string,
    readonly file: string,
    readonly reason: DownloadFailure,
  ) {
    super(message);
  }
}

/** Compressed bytes received so far for a whole split; `total` is null until every size is known. */
export interface DownloadProgress {
  received: number;
  total: number | null;
}

/** Where verified raw IDX bytes are kept between page loads. */
export interface BytesStore {
  get(keys: string[]): Promise<(Uint8Array | undefined)[]>;
  /** Stores all entries or none. */
  put(entries: [string, Uint8Array][]): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export interface LoadMnistOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Where `<file>.gz` is fetched from; the app's `/data/` by default. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** null disables caching; by default an IndexedDB store when IndexedDB exists. */
  store?: BytesStore | null;
}

const GZIP_MAGIC = [0x1f, 0x8b];

function defaultBaseUrl(): string {
  return `${import.meta.env.BASE_URL}data/`;
}

/** A key-value store as idb-keyval offers it, one transaction per call. */
export interface ValueStore {
  get(keys: string[]): Promise<unknown[]>;
  put(entries: [string, unknown][]): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

async function asBytes(value: unknown): Promise<Uint8Array | undefined> {
  if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
  return value instanceof Uint8Array ? value : undefined;
}

/**
 * Keeps bytes as Blobs. IndexedDB serialises a Uint8Array value on the calling thread: for the
 * 47 MB training images that holds the worker twice as long as copying them into a Blob, whose
 * bytes are then written apart from it, and reading the array back takes three times as long
 * (docs/benchmarks.md, "First Train"). Arrays that earlier versions stored are still read.
 */
export function blobBytesStore(values: ValueStore): BytesStore {
  return {
    get: async (keys) => Promise.all((await values.get(keys)).map(asBytes)),
    put: (entries) => values.put(entries.map(([key, bytes]) => [key, new Blob([bytes as Uint8Array<ArrayBuffer>])])),
    remove: (keys) => values.remove(keys),
  };
}

let idbStore: BytesStore | null | undefined;

/** The IndexedDB store, or null where IndexedDB is unavailable (some private modes, Node). */
export function indexedDbStore(): BytesStore | null {
  if (idbStore !== undefined) return idbStore;
  if (typeof indexedDB === 'undefined') return (idbStore = null);
  const store = createStore('mnist-playground-data', 'idx-files');
  idbStore = blobBytesStore({
    get: (keys) => getMany(keys, store),
    put: (entries) => setMany(entries, store),
    remove: (keys) => delMany(keys, store),
  });
  return idbStore;
}

const cacheKey = (file: string) => `mnist/${file}`;

function abortedError(file: string): DownloadError {
  return new DownloadError(`${file}.gz: the download was cancelled`, file, 'aborted');
}

/** Byte length of a whole IDX file from its header (magic, then one 32-bit size per dimension), or null if not IDX. */
function idxLength(head: Uint8Array): number | null {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || head[2] !== 0x08) return null;
  const dimensions = head[3];
  if (head.length < 4 + 4 * dimensions) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let length = 1;
  for (let i = 0; i < dimensions; i++) length *= view.getUint32(4 + 4 * i);
  return 4 + 4 * dimensions + length;
}

async function readBody(
  response: Response,
  file: string,
  signal: AbortSignal | undefined,
  onBytes: (received: number, total: number | null) => void,
): Promise<Uint8Array> {
  const length = Number(response.headers.get('content-length'));
  // With Content-Encoding the browser inflates the body while Content-Length keeps the
  // packed size, so the length would be outgrown; the IDX header in the first bytes gives the true one.
  const encoding = response.headers.get('content-encoding');
  const inflated = encoding !== null && encoding !== '' && encoding !== 'identity';
  let total = !inflated && Number.isFinite(length) && length > 0 ? length : null;
  if (!response.body) throw new DownloadError(`${file}.gz: the server sent no body`, file, 'network');
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  onBytes(0, total);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      if (inflated && total === null && chunks.length === 1) total = idxLength(value);
      onBytes(Math.min(received, total ?? received), total);
    }
  } catch (error) {
    if (signal?.aborted) throw abortedError(file);
    throw new DownloadError(`${file}.gz: the download was interrupted (${errorText(error)})`, file, 'network');
  }
  if (total !== null && received < total) {
    throw new DownloadError(`${file}.gz: the download stopped after ${received} of ${total} bytes`, file, 'network');
  }
  // Whatever the server said, a complete download is 100%.
  onBytes(received, received);
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

async function gunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new DownloadError(`${file}.gz: the file is not valid gzip data (${errorText(error)})`, file, 'corrupt');
  }
}

/**
 * Downloads `<baseUrl><file>.gz` and returns the raw IDX bytes. Bytes already decoded by
 * the browser (a server that sent Content-Encoding: gzip) are returned as they are.
 */
export async function fetchIdxFile(
  file: string,
  onBytes: (received: number, total: number | null) => void,
  { signal, baseUrl = defaultBaseUrl(), fetch: fetchFn = globalThis.fetch }: LoadMnistOptions = {},
): Promise<Uint8Array> {
  if (signal?.aborted) throw abortedError(file);
  let response: Response;
  try {
    response = await fetchFn(`${baseUrl}${file}.gz`, { signal });
  } catch (error) {
    if (signal?.aborted) throw abortedError(file);
    throw new DownloadError(`${file}.gz: network error (${errorText(error)})`, file, 'network');
  }
  if (!response.ok) {
    const status = `${response.status} ${response.statusText}`.trim();
    throw new DownloadError(`${file}.gz: the server answered HTTP ${status}`, file, 'http');
  }
  const body = await readBody(response, file, signal, onBytes);
  const gzipped = body[0] === GZIP_MAGIC[0] && body[1] === GZIP_MAGIC[1];
  return gzipped ? gunzip(body, file) : body;
}

async function fromStore(store: BytesStore, split: MnistSplit): Promise<Dataset | null> {
  const { images, labels } = MNIST_FILES[split];
  const keys = [cacheKey(images), cacheKey(labels)];
  let cached: (Uint8Array | undefined)[];
  try {
    cached = await store.get(keys);
  } catch {
    return null; // An unreadable cache only costs a download.
  }
  if (!(cached[0] instanceof Uint8Array) || !(cached[1] instanceof Uint8Array)) return null;
  try {
    return readMnist(cached[0], cached[1], split);
  } catch (error) {
    if (!(error instanceof IdxError)) throw error;
    await store.remove(keys).catch(() => undefined);
    return null;
  }
}

/**
 * One MNIST split as a Dataset: from the cache when it holds verified bytes, otherwise
 * downloaded (both files at once) and cached after the IDX reader accepted them; it resolves
 * as soon as the data is read, with the cache still being written.
 * Throws DownloadError or IdxError, each naming the file.
 */
export async function loadMnist(split: MnistSplit, options: LoadMnistOptions = {}): Promise<Dataset> {
  const store = options.store === undefined ? indexedDbStore() : options.store;
  const cached = store ? await fromStore(store, split) : null;
  if (cached) return cached;

  const { images, labels } = MNIST_FILES[split];
  const progress = new Map<string, { received: number; total: number | null }>();
  const report = (file: string) => (received: number, total: number | null) => {
    progress.set(file, { received, total });
    if (!options.onProgress) return;
    const parts = [...progress.values()];
    const known = parts.length === 2 && parts.every((p) => p.total !== null);
    options.onProgress({
      received: parts.reduce((sum, p) => sum + p.received, 0),
      total: known ? parts.reduce((sum, p) => sum + (p.total ?? 0), 0) : null,
    });
  };
  // When one file fails, the other download is cancelled rather than left running.
  const both = new AbortController();
  const cancel = () => both.abort();
  options.signal?.addEventListener('abort', cancel);
  if (options.signal?.aborted) cancel();
  const fetchOptions = { ...options, signal: both.signal };
  let imageBytes: Uint8Array, labelBytes: Uint8Array;
  try {
    [imageBytes, labelBytes] = await Promise.all([
      fetchIdxFile(images, report(images), fetchOptions),
      fetchIdxFile(labels, report(labels), fetchOptions),
    ]);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    cancel();
  }
  const data = readMnist(imageBytes, labelBytes, split);
  if (store) {
    // Not awaited: committing 55 MB takes a second or more the run need not wait for. One
    // put of both files is one transaction, so a page closed meanwhile leaves both or neither;
    // a full or blocked store only costs a download next time.
    void store
      .put([
        [cacheKey(images), imageBytes],
        [cacheKey(labels), labelBytes],
      ])
      .catch(() => undefined);
  }
  return data;
}
