/**
 * `npm run bench:embedding [-- repeats]`: how long the worker takes to make the embedding map
 * (2,000 test images through the network, their last hidden layer's vectors projected by PCA)
 * and a saliency and Grad-CAM of one image, on the worker's own code path (TrainingSession),
 * for a dense network, the small CNN the end-to-end tests build, and the CNN Fast preset, each
 * trained for one epoch on 6,000 MNIST images first. The map is timed cold (the first of a
 * model) and warm (after another half epoch, as each epoch's end makes it). On a loaded machine
 * the wall time counts other processes' turns too; the CPU time this process spent is printed beside it.
 */
import { parseConfig } from '../formats/config-format.ts';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { errorText } from '../formats/error-text.ts';
import { TrainingSession } from '../worker/session.ts';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const NETWORKS: { name: string; config: Record<string, unknown> }[] = [
  { name: 'dense 784-128-64-10', config: { layers: [784, 128, 64, 10], activations: ['ReLU', 'ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.003, batch_size: 32, init: 'he' } },
  {
    name: 'CNN conv 8 5×5 same → maxpool 2 → dense 10 (the vectors: 1,568 values)',
    config: {
      layers: [
        { type: 'input', shape: [28, 28, 1] },
        { type: 'conv2d', filters: 8, kernel_size: 5, padding: 'same', activation: 'ReLU' },
        { type: 'maxpool2d', pool_size: 2 },
        { type: 'dense', units: 10, activation: 'Softmax' },
      ],
      optimizer: 'adam',
      learning_rate: 0.003,
      batch_size: 32,
      init: 'he',
    },
  },
  { name: 'CNN Fast preset (conv 8, conv 16, dense 128)', config: JSON.parse(readFileSync(new URL('../presets/cnn-fast.json', import.meta.url), 'utf8')) as Record<string, unknown> },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 5);
  const train = loadMnistNode('train');
  const test = loadMnistNode('test');
  console.log(`load average at start: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  for (const { name, config } of NETWORKS) {
    const session = new TrainingSession({ loadData: async () => ({ train, test }), yieldToEvents: () => Promise.resolve(), now: () => performance.now() });
    await session.loadData(() => {});
    const parsed = parseConfig(JSON.stringify({ ...config, epochs: 1, samples: 6000, seed: 1 }));
    await session.train(parsed);
    let cpu = 0;
    const timed = <T>(work: () => T): [number, T] => {
      const started = performance.now();
      const before = process.cpuUsage();
      const result = work();
      const used = process.cpuUsage(before);
      cpu = (used.user + used.system) / 1000;
      return [performance.now() - started, result];
    };
    const [cold, first] = timed(() => session.embedding());
    const coldCpu = cpu;
    const warm: number[] = [];
    const warmCpu: number[] = [];
    const iterations: number[] = [];
    for (let r = 0; r < repeats; r++) {
      await session.train({ ...parsed, samples: 3000, seed: 2 + r });
      const [ms, map] = timed(() => session.embedding());
      warm.push(ms);
      warmCpu.push(cpu);
      iterations.push(map?.iterations ?? 0);
    }
    const image = new Float32Array(784);
    test.images.subarray(0, 784).forEach((v, i) => (image[i] = v / 255));
    const saliency = Array.from({ length: 20 }, () => timed(() => session.saliency(image))[0]);
    const cam = Array.from({ length: 20 }, () => timed(() => session.gradCam(image))[0]);
    console.log(
      `${name}: map cold ${cold.toFixed(0)} ms wall, ${coldCpu.toFixed(0)} ms CPU (${first?.iterations} PCA iterations); ` +
        `warm median ${median(warm).toFixed(0)} ms wall (max ${Math.max(...warm).toFixed(0)}), ${median(warmCpu).toFixed(0)} ms CPU (max ${Math.max(...warmCpu).toFixed(0)}), PCA iterations ${iterations.join('/')}; ` +
        `saliency median ${median(saliency).toFixed(1)} ms, Grad-CAM median ${median(cam).toFixed(1)} ms; variance explained ${first?.explained.map((v) => (100 * v).toFixed(0)).join('% + ')}%`,
    );
  }
  console.log(`load average at end: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
