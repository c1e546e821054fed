/**
 * A small CNN as the page's JSON and the CLI's config file take it, with just enough work in
 * half a batch of 15 (5.4 million multiply-adds, engine/worker-gain.ts) for "Use both cores" and
 * `--workers 2` to split it: batch normalisation per channel, max and average pooling, Adam,
 * seed 3. Each test sets its own samples and epochs.
 */
export const TWO_WORKER_CNN = {
  layers: [
    { type: 'input', shape: [28, 28, 1] },
    { type: 'conv2d', filters: 16, kernel_size: 5, padding: 'same', activation: 'ReLU' },
    { type: 'maxpool2d', pool_size: 2 },
    { type: 'batchnorm' },
    { type: 'conv2d', filters: 16, kernel_size: 3, padding: 'same', activation: 'ReLU' },
    { type: 'avgpool2d', pool_size: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 10, activation: 'Softmax' },
  ],
  optimizer: 'adam',
  learning_rate: 0.003,
  batch_size: 15,
  seed: 3,
  init: 'he',
};
