import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { blobBytesStore, type BytesStore, type DownloadProgress, DownloadError, loadMnist } from './fetch-mnist.ts';
import { idxImages, idxLabels } from '../testing/idx-fixtures.ts';
import { IdxError } from './idx.ts';

type Reply = Uint8Array | number | 'network-error' | { stallAfter: Uint8Array };

/**
 * A fetch that serves the given bodies by file name, in 1000-byte chunks, honouring AbortSignal.
 * `contentEncoding` plays a server that sent the .gz files with Content-Encoding: gzip, as
 * `vite preview` does: the browser inflates the body, while Content-Length keeps the packed size.
 */
function fakeServer(files: Record<string, Reply>, { contentEncoding = false } = {}) {
  const requests: string[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    requests.push(url);
    const reply = files[url.slice(url.lastIndexOf('/') + 1)] ?? 404;
    if (reply === 'network-error') throw new TypeError('fetch failed');
    if (typeof reply === 'number') return new Response('nope', { status: reply, statusText: 'Not Found' });
    const sent = reply instanceof Uint8Array ? reply : reply.stallAfter;
    const bytes = contentEncoding ? new Uint8Array(gunzipSync(sent)) : sent;
    const stall = !(reply instanceof Uint8Array);
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
      },
      pull(controller) {
        if (offset >= bytes.length) {
          if (!stall) controller.close();
          return stall ? new Promise(() => undefined) : undefined;
        }
        controller.enqueue(bytes.slice(offset, offset + 1000));
        offset += 1000;
      },
    });
    const headers: Record<string, string> = { 'content-length': String(sent.length) };
    if (contentEncoding) headers['content-encoding'] = 'gzip';
    return new Response(body, { headers });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

function memoryStore(): BytesStore & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return {
    entries,
    get: async (keys) => keys.map((key) => entries.get(key)),
    put: async (pairs) => pairs.forEach(([key, value]) => entries.set(key, value)),
    remove: async (keys) => keys.forEach((key) => entries.delete(key)),
  };
}

const images = idxImages([10, 20, 30]);
const labels = idxLabels([1, 2, 3]);
const gz = (bytes: Uint8Array) => new Uint8Array(gzipSync(bytes));
const goodFiles = () => ({
  't10k-images-idx3-ubyte.gz': gz(images),
  't10k-labels-idx1-ubyte.gz': gz(labels),
});

describe('loadMnist', () => {
  it('downloads both gzipped files from /data/, reports progress and returns the dataset', async () => {
    const server = fakeServer(goodFiles());
    const progress: DownloadProgress[] = [];
    const data = await loadMnist('test', { fetch: server.fetch, store: null, onProgress: (p) => progress.push(p) });

    expect(server.requests.sort()).toEqual(['/data/t10k-images-idx3-ubyte.gz', '/data/t10k-labels-idx1-ubyte.gz']);
    expect(data.count).toBe(3);
    expect(data.images[2 * 784]).toBe(30);
    expect([...data.labels]).toEqual([1, 2, 3]);
    const total = goodFiles()['t10k-images-idx3-ubyte.gz'].length + goodFiles()['t10k-labels-idx1-ubyte.gz'].length;
    expect(progress.at(-1)).toEqual({ received: total, total });
    const received = progress.map((p) => p.received);
    expect(received).toEqual([...received].sort((a, b) => a - b));
  });

  it('caches verified bytes so the next load does not fetch', async () => {
    const store = memoryStore();
    await loadMnist('test', { fetch: fakeServer(goodFiles()).fetch, store });
    expect(store.entries.size).toBe(2);

    const offline = fakeServer({});
    const data = await loadMnist('test', { fetch: offline.fetch, store });
    expect(offline.requests).toEqual([]);
    expect([...data.labels]).toEqual([1, 2, 3]);
  });

  it('names the file and the HTTP status', async () => {
    const store = memoryStore();
    const files = { ...goodFiles(), 't10k-labels-idx1-ubyte.gz': 404 };
    const error = await loadMnist('test', { fetch: fakeServer(files).fetch, store }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).message).toBe('t10k-labels-idx1-ubyte.gz: the server answered HTTP 404 Not Found');
    expect((error as DownloadError).reason).toBe('http');
    expect(store.entries.size).toBe(0);
  });

  it('reports a network failure', async () => {
    const files = { ...goodFiles(), 't10k-images-idx3-ubyte.gz': 'network-error' as const };
    await expect(loadMnist('test', { fetch: fakeServer(files).fetch, store: null })).rejects.toThrow(
      't10k-images-idx3-ubyte.gz: network error (fetch failed)',
    );
  });

  it('stops when aborted mid-download and caches nothing', async () => {
    const store = memoryStore();
    const files = { ...goodFiles(), 't10k-images-idx3-ubyte.gz': { stallAfter: gz(images) } };
    const controller = new AbortController();
    const pending = loadMnist('test', { fetch: fakeServer(files).fetch, store, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).reason).toBe('aborted');
    expect((error as DownloadError).message).toMatch(/t10k-.*\.gz: the download was cancelled/);
    expect(store.entries.size).toBe(0);
  });

  it('refuses corrupt gzip data and caches nothing', async () => {
    const store = memoryStore();
    const corrupt = gz(images);
    corrupt.fill(0x55, 20, 200);
    const files = { ...goodFiles(), 't10k-images-idx3-ubyte.gz': corrupt };
    const error = await loadMnist('test', { fetch: fakeServer(files).fetch, store }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).reason).toBe('corrupt');
    expect((error as Error).message).toMatch(/^t10k-images-idx3-ubyte\.gz: the file is not valid gzip data/);
    expect(store.entries.size).toBe(0);
  });

  it('refuses a truncated gzip file and caches nothing', async () => {
    const store = memoryStore();
    const whole = gz(images);
    const files = { ...goodFiles(), 't10k-images-idx3-ubyte.gz': whole.subarray(0, whole.length >> 1) };
    await expect(loadMnist('test', { fetch: fakeServer(files).fetch, store })).rejects.toThrow(/t10k-images/);
    expect(store.entries.size).toBe(0);
  });

  it('refuses a well-compressed file that is not IDX, and caches nothing', async () => {
    const store = memoryStore();
    const files = { ...goodFiles(), 't10k-images-idx3-ubyte.gz': gz(labels) };
    const error = await loadMnist('test', { fetch: fakeServer(files).fetch, store }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdxError);
    expect((error as Error).message).toMatch(/^test-images: wrong magic number 0x00000801/);
    expect(store.entries.size).toBe(0);
  });

  it.each([
    { server: 'without Content-Encoding', contentEncoding: false },
    { server: 'with Content-Encoding: gzip (the browser inflates the body)', contentEncoding: true },
  ])('reports progress that rises to exactly 100% and never past it, from a server $server', async ({ contentEncoding }) => {
    const progress: DownloadProgress[] = [];
    const server = fakeServer(goodFiles(), { contentEncoding });
    await loadMnist('test', { fetch: server.fetch, store: null, onProgress: (p) => progress.push(p) });

    const last = progress.at(-1)!;
    expect(last.total).not.toBeNull();
    expect(last.received).toBe(last.total);
    for (const p of progress) if (p.total !== null) expect(p.received).toBeLessThanOrEqual(p.total);
  });

  it('accepts a body the server already decompressed (Content-Encoding: gzip)', async () => {
    const files = { 't10k-images-idx3-ubyte.gz': images, 't10k-labels-idx1-ubyte.gz': labels };
    const data = await loadMnist('test', { fetch: fakeServer(files).fetch, store: null });
    expect(data.count).toBe(3);
  });

  it('replaces a cached copy that no longer passes the reader', async () => {
    const store = memoryStore();
    store.entries.set('mnist/t10k-images-idx3-ubyte', images.subarray(0, 100));
    store.entries.set('mnist/t10k-labels-idx1-ubyte', labels);
    const server = fakeServer(goodFiles());
    const data = await loadMnist('test', { fetch: server.fetch, store });
    expect(server.requests.length).toBe(2);
    expect(data.count).toBe(3);
    expect(store.entries.get('mnist/t10k-images-idx3-ubyte')?.length).toBe(images.length);
  });

  it('still returns the data when the store refuses to save', async () => {
    const store: BytesStore = {
      get: async () => [undefined, undefined],
      put: () => Promise.reject(new Error('QuotaExceededError')),
      remove: async () => undefined,
    };
    const data = await loadMnist('test', { fetch: fakeServer(goodFiles()).fetch, store });
    expect(data.count).toBe(3);
  });

  it('returns the data while the cache is still being written, and a later load finds the finished write', async () => {
    const store = memoryStore();
    let finishWrite = () => {};
    const writing = new Promise<void>((resolve) => (finishWrite = resolve));
    const put = store.put;
    store.put = async (pairs) => {
      await writing;
      await put(pairs);
    };
    const data = await loadMnist('test', { fetch: fakeServer(goodFiles()).fetch, store });
    expect([...data.labels]).toEqual([1, 2, 3]);
    expect(store.entries.size).toBe(0);

    finishWrite();
    await writing;
    await Promise.resolve();
    const offline = fakeServer({});
    const again = await loadMnist('test', { fetch: offline.fetch, store });
    expect(offline.requests).toEqual([]);
    expect([...again.labels]).toEqual([1, 2, 3]);
  });

  it('a write that fails after the data was returned is swallowed, not left unhandled', async () => {
    let failWrite = () => {};
    const store: BytesStore = {
      get: async () => [undefined, undefined],
      put: () => new Promise((_, reject) => (failWrite = () => reject(new DOMException('quota', 'QuotaExceededError')))),
      remove: async () => undefined,
    };
    const data = await loadMnist('test', { fetch: fakeServer(goodFiles()).fetch, store });
    expect(data.count).toBe(3);
    failWrite();
    // An unhandled rejection would fail the run of this file.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});

describe('blobBytesStore', () => {
  function valueStore() {
    const values = new Map<string, unknown>();
    return {
      values,
      get: async (keys: string[]) => keys.map((key) => values.get(key)),
      put: async (entries: [string, unknown][]) => entries.forEach(([key, value]) => values.set(key, value)),
      remove: async (keys: string[]) => keys.forEach((key) => values.delete(key)),
    };
  }

  it('keeps bytes as Blobs and reads them back as the same bytes', async () => {
    const backing = valueStore();
    const store = blobBytesStore(backing);
    await store.put([
      ['a', images],
      ['b', labels],
    ]);
    expect(backing.values.get('a')).toBeInstanceOf(Blob);
    const [a, b, missing] = await store.get(['a', 'b', 'c']);
    expect(a).toEqual(images);
    expect(b).toEqual(labels);
    expect(missing).toBeUndefined();
  });

  it('still reads the arrays that earlier versions stored', async () => {
    const backing = valueStore();
    backing.values.set('a', images);
    backing.values.set('b', 'not bytes');
    const [a, b] = await blobBytesStore(backing).get(['a', 'b']);
    expect(a).toEqual(images);
    expect(b).toBeUndefined();
  });
});
