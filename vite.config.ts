import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Content-Security-Policy: nothing from another origin, no eval. WebAssembly needs
 * 'wasm-unsafe-eval', which allows compiling wasm and nothing else. Inline styles stay
 * allowed because React and recharts set style attributes.
 */
function contentSecurityPolicy(mode: 'dev' | 'build'): string {
  return [
    "default-src 'self'",
    // The dev server's React refresh preamble is an inline script; the built page has none.
    mode === 'dev' ? "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'" : "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

// Cross-origin isolation lets the page use SharedArrayBuffer; dev, preview and dist/_headers send the same headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** What every response of the built site carries: the preview server sends it and dist/_headers asks static hosts to. */
const builtSiteHeaders = { ...isolation, 'Content-Security-Policy': contentSecurityPolicy('build') };

/** The built page carries its CSP in a meta tag, so any static host serves it with the policy. */
function cspMeta(): Plugin {
  return {
    name: 'csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy('build') }, injectTo: 'head-prepend' },
    ],
  };
}

/**
 * `_headers`, the file Netlify and Cloudflare Pages read: the built site's headers for every
 * path, so a static host serves dist/ as the preview server does (e2e/static-headers.spec.ts).
 */
function staticHostHeaders(): Plugin {
  return {
    name: 'static-host-headers',
    apply: 'build',
    generateBundle() {
      const lines = Object.entries(builtSiteHeaders).map(([name, value]) => `  ${name}: ${value}`);
      this.emitFile({ type: 'asset', fileName: '_headers', source: ['/*', ...lines, ''].join('\n') });
    },
  };
}

/**
 * The page's own script sizes networks (config checks, engine/network.ts) but never runs one:
 * training, evaluation and prediction run in the workers. So its build takes the kernels'
 * modules without their bytes, some 13 kB of the first load: compileKernels answers null there,
 * and a layer built on WebAssembly kernels would throw. The feature probes keep theirs, for
 * bestKernels. Worker bundles, which `plugins` do not reach in a build, keep everything.
 */
function pageWithoutKernels(): Plugin {
  return {
    name: 'page-without-kernels',
    apply: 'build',
    load(id) {
      if (!/\/src\/engine\/wasm\/[\w-]+\.generated\.ts$/.test(id) || /-probe\.generated\.ts$/.test(id)) return null;
      return readFileSync(id, 'utf8').replace(/'[A-Za-z0-9+/=]+'/g, "''");
    },
  };
}

export default defineConfig({
  plugins: [react(), cspMeta(), staticHostHeaders(), pageWithoutKernels()],
  server: { headers: { ...isolation, 'Content-Security-Policy': contentSecurityPolicy('dev') } },
  preview: { headers: builtSiteHeaders },
  // onnx-proto's generated code runs on protobufjs's minimal runtime; version 8's has no eval
  // (version 6's, which onnx-proto depends on, probes for `require` with one).
  resolve: { alias: { 'protobufjs/minimal': fileURLToPath(new URL('node_modules/protobufjs/minimal.js', import.meta.url)) } },
  worker: { format: 'es' },
  build: { target: 'es2022' },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    environment: 'node',
    // Vitest's default leaves a core idle on a 2-core machine (cores − 1); many tests wait on
    // Python or Node child processes, so both are worth using.
    maxWorkers: 2,
    testTimeout: 120_000,
  },
});
