// Reports the JavaScript a first visit loads before the page can run — the entry script and
// the modules index.html preloads — gzipped as a server would send it, and fails the build
// above the budget (issue 13: at most 150 kB). Panels, charts and exporters load on demand
// and do not count. Reads dist/, so it runs after `vite build`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 150;
const dist = join(import.meta.dirname, '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map((match) => match[1]);
if (files.length === 0) throw new Error('initial-js: dist/index.html names no script');

let total = 0;
for (const file of files) {
  const size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += size;
  console.log(`initial-js: ${(size / 1000).toFixed(1).padStart(6)} kB gzip  ${file}`);
}
const kB = total / 1000;
console.log(`initial-js: ${kB.toFixed(1)} kB gzip in ${files.length} files (budget ${BUDGET_KB} kB)`);
if (kB > BUDGET_KB) {
  console.error(`initial-js: over budget by ${(kB - BUDGET_KB).toFixed(1)} kB: load the new code on demand (React.lazy or import()).`);
  process.exit(1);
}
