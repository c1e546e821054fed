/**
 * The training worker: the session's methods exposed over Comlink. Buffers going back to
 * the page are transferred, not copied.
 */
import * as Comlink from 'comlink';
import { loadMnist } from '../data/fetch-mnist.ts';
import { createDrawnDataset, deleteDataset, infoOf, listDatasets, loadImageSet, saveImageSet } from '../data/dataset-store.ts';
import { formatSize, type ImageSet } from '../data/image-set.ts';
import { writeIdxSet } from '../data/idx-set.ts';
import { MAX_MODEL_FILE_BYTES } from '../formats/model-format.ts';
import type { BusyMessage, DownloadProgress, TrainingWorkerApi } from './api.ts';
import { decodeInBrowser, readDatasetSource } from './dataset-source.ts';
import { MNIST_DATASET, TrainingSession, type Datasets } from './session.ts';
import { openSharedPeer, shareHolds, shareTestSet, shareTrainSet, twoWorkersAvailable, type SharedPeer, type TestSetShare, type TrainSetShare } from './shard-peer.ts';

/**
 * Resolves after the messages already queued for this worker have been handled. One channel
 * serves every call: a new one per training slice took about half a millisecond each time.
 */
const yieldChannel = new MessageChannel();
const yielded: (() => void)[] = [];
yieldChannel.port1.onmessage = () => yielded.shift()?.();
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    yielded.push(resolve);
    yieldChannel.port2.postMessage(null);
  });
}

/**
 * `report` at most every half second: enough for the page's heartbeat (which waits 10 s), few
 * enough messages while inflating a large file in slices.
 */
function throttled(report: () => void): () => void {
  let last = -Infinity;
  return () => {
    const now = performance.now();
    if (now - last < 500) return;
    last = now;
    void report();
  };
}

const asDatasets = (set: ImageSet): Datasets => ({
  train: set.train,
  test: set.test,
  record: { name: set.name, height: set.height, width: set.width, classNames: set.classNames },
});

async function loadData(onProgress: (progress: DownloadProgress) => void, datasetId: string): Promise<Datasets> {
  if (datasetId === MNIST_DATASET) return loadMnistSplits(onProgress);
  return asDatasets(await loadImageSet(datasetId));
}

/** Both splits at once, their download progress added up. */
async function loadMnistSplits(onProgress: (progress: DownloadProgress) => void): Promise<Datasets> {
  const parts = { train: { received: 0, total: null as number | null }, test: { received: 0, total: null as number | null } };
  const report = (split: keyof typeof parts) => (progress: { received: number; total: number | null }) => {
    parts[split] = progress;
    onProgress({
      loadedBytes: parts.train.received + parts.test.received,
      totalBytes: parts.train.total !== null && parts.test.total !== null ? parts.train.total + parts.test.total : null,
    });
  };
  // When one split fails the other is cancelled rather than left downloading.
  const both = new AbortController();
  try {
    const [train, test] = await Promise.all([
      loadMnist('train', { onProgress: report('train'), signal: both.signal }),
      loadMnist('test', { onProgress: report('test'), signal: both.signal }),
    ]);
    return { train, test };
  } catch (error) {
    both.abort();
    throw error;
  }
}

/**
 * The second worker, started when first asked for. A run only blocks on it once a message
 * sent to it has come back: until then the browser may hold messages for it and deliver them
 * from this worker's event loop, which a blocked trainer never returns to.
 */
let shardWorker: Promise<Worker> | null = null;
let readyShardWorker: Worker | null = null;
/** The run the shard worker serves: closed when the next one opens, so it takes that one. */
let sharedRun: SharedPeer | null = null;
/** The test set in shared memory, copied once per set: each run's message carries the same buffer. */
let sharedTest: TestSetShare | null = null;
/** The training set in shared memory, likewise; a run on its first samples (a validation split's) reads the same copy. */
let sharedTrain: TrainSetShare | null = null;

function startShardWorker(): Promise<Worker> {
  shardWorker ??= new Promise<Worker>((resolve, reject) => {
    const worker = new Worker(new URL('./shard.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<string>) => {
      if (event.data === 'ready') worker.postMessage('ping');
      else if (event.data === 'pong') resolve(worker);
    };
    worker.onerror = (event) => reject(new Error(`The second training worker did not start: ${event.message}`));
  }).then((worker) => (readyShardWorker = worker));
  return shardWorker;
}

const busyMessage: BusyMessage = { busy: true };

const session = new TrainingSession({
  busy: throttled(() => self.postMessage(busyMessage)),
  loadData,
  yieldToEvents,
  now: () => performance.now(),
  secondWorker: twoWorkersAvailable(self)
    ? (network, batchSize, test, train) => {
        if (!readyShardWorker) return null;
        const worker = readyShardWorker;
        sharedRun?.close();
        if (sharedTest?.data !== test) sharedTest = shareTestSet(test);
        if (!shareHolds(sharedTrain, train)) sharedTrain = shareTrainSet(train);
        sharedRun = openSharedPeer(network, batchSize, (message) => worker.postMessage(message), sharedTest, sharedTrain ?? undefined);
        return sharedRun;
      }
    : undefined,
});

const api: TrainingWorkerApi = {
  ping: async () => true,
  subscribe: (listener) => session.subscribe(listener),
  loadData: (onProgress, datasetId, fresh) => session.loadData(onProgress, datasetId, fresh),
  createDrawnDataset: async (name, classNames) => {
    const info = await createDrawnDataset(crypto.randomUUID(), name, classNames, Date.now());
    session.useData(info.id, asDatasets(await loadImageSet(info.id)));
    return info;
  },
  addDataset: async (source, onBusy) => {
    const set = await readDatasetSource(source, decodeInBrowser, throttled(onBusy));
    const info = infoOf(set, crypto.randomUUID(), Date.now());
    // Storing clones the pixels once, for a moment; the parsed ones then become the set training uses.
    await saveImageSet(set, info);
    session.useData(info.id, asDatasets(set));
    return info;
  },
  listDatasets,
  deleteDataset,
  exportDataset: async (id) => {
    const files = writeIdxSet(await loadImageSet(id));
    return Comlink.transfer(files, files.map((file) => file.bytes.buffer));
  },
  useBothCores: async (on) => {
    if (on && twoWorkersAvailable(self)) {
      try {
        await startShardWorker();
      } catch (error) {
        // Both halves then run in this worker: the same weights, one core.
        console.error(error);
      }
    }
    return session.useBothCores(on) === 2 && readyShardWorker ? 2 : 1;
  },
  train: (config) => session.train(config),
  resume: () => session.resume(),
  stepEpoch: (config) => session.stepEpoch(config),
  pause: () => session.pause(),
  stop: () => session.stop(),
  reset: () => session.reset(),
  evaluate: () => session.evaluate(),
  predict: async (pixels) => {
    const probabilities = session.predict(pixels);
    return probabilities && Comlink.transfer(probabilities, [probabilities.buffer]);
  },
  firstLayerWeights: async () => {
    const found = session.firstLayerWeights();
    return found && Comlink.transfer(found, [found.weights.buffer]);
  },
  convFilters: async () => {
    const found = session.convFilters();
    return found && Comlink.transfer(found, [found.weights.buffer]);
  },
  featureMaps: async (pixels) => {
    const maps = session.featureMaps(pixels);
    return maps && Comlink.transfer(maps, maps.map((map) => map.values.buffer));
  },
  hiddenActivations: async (pixels) => {
    const outputs = session.hiddenActivations(pixels);
    return outputs && Comlink.transfer(outputs, outputs.map((output) => output.buffer));
  },
  exportModel: async () => session.exportModel(),
  importModel: async (text, active) => session.importModel(text, active),
  prepareFineTune: (mine) => session.prepareFineTune(mine),
  undoFineTune: async () => session.undoFineTune(),
  scoreOn: async (data) => session.scoreOn(data),
  confidences: async (data) => {
    const found = session.confidences(data);
    return found && Comlink.transfer(found, [found.buffer]);
  },
  importModelFile: async (name, file, active, onBusy) => {
    if (file.size > MAX_MODEL_FILE_BYTES) {
      throw new Error(`the file holds ${formatSize(file.size)}, more than the ${formatSize(MAX_MODEL_FILE_BYTES)} a model file may hold`);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    onBusy();
    // ONNX's reader is loaded only by those who open an ONNX file.
    const { text, note } = (await import('../export/onnx-import.ts')).readModelBytes(name, bytes);
    onBusy();
    const summary = session.importModel(text, active);
    return { summary: note ? { ...summary, description: `${summary.description} (${note})` } : summary, text };
  },
  getTestImages: async (actual, predicted, offset, limit) => {
    const found = await session.getTestImages(actual, predicted, offset, limit);
    return Comlink.transfer(found, [found.images.buffer, found.probabilities.buffer, found.indices.buffer]);
  },
  saliency: async (pixels) => {
    const gradient = session.saliency(pixels);
    return gradient && Comlink.transfer(gradient, [gradient.buffer]);
  },
  gradCam: async (pixels) => {
    const cam = session.gradCam(pixels);
    return cam && Comlink.transfer(cam, [cam.values.buffer, cam.weights.buffer, cam.elementwise.buffer]);
  },
  watchEmbedding: (on) => session.watchEmbedding(on),
  embedding: async () => {
    const map = session.embedding();
    return map && Comlink.transfer(map, [map.points.buffer, map.outputs.buffer, map.labels.buffer, map.images.buffer]);
  },
  findLearningRate: async (config, onProgress) => session.findLearningRate(config, onProgress),
  getMistakes: async (offset, limit) => {
    const found = await session.getMistakes(offset, limit);
    return Comlink.transfer(found, [found.images.buffer, found.probabilities.buffer, found.indices.buffer, found.labels.buffer]);
  },
};

Comlink.expose(api);
