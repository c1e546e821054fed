/**
 * The project's layout as an ESLint rule: which folder may import which. Imports are
 * resolved against the importing file, so `../other/x` and `../../features/other/x` are the
 * same import. Flow runs one way (engine ← worker ← bridge ← store ← components/features ←
 * app); features are composed only in src/app; Node-only and test-only code stays out of
 * what the browser loads.
 */
import { dirname, join, relative, sep } from 'node:path';

const ROOT = dirname(import.meta.dirname);

/** Folders whose code runs in the browser (tests beside it excepted). */
const BROWSER = ['src/app', 'src/features', 'src/components', 'src/store', 'src/bridge', 'src/worker', 'src/engine', 'src/data', 'src/formats', 'src/presets', 'src/export'];

/**
 * Each rule: files under `in` may not import `what` (folders of the project, or bare
 * package names such as `node:*`); `why` is the message.
 */
export const BOUNDARIES = [
  {
    in: ['src/features/*'],
    what: ['src/features/*'],
    allowOwn: true,
    why: 'a feature never imports another feature; compose them in src/app',
  },
  {
    in: ['src/components'],
    what: ['src/features', 'src/store', 'src/bridge', 'src/app'],
    why: 'shared components only render what they are given; they never import features, the store or the bridge',
  },
  {
    in: ['src/store'],
    what: ['src/bridge', 'src/features', 'src/components', 'src/app', 'src/worker/*.worker.ts'],
    why: 'the store never imports the bridge or the UI; the bridge calls store actions, not the other way',
  },
  {
    in: ['src/engine'],
    what: ['src/worker', 'src/bridge', 'src/store', 'src/features', 'src/components', 'src/app', 'src/data', 'src/formats', 'src/cli', 'react', 'react-dom', 'zustand', 'comlink', 'zod'],
    exceptTests: true,
    why: 'the engine is framework-free and imports nothing outside itself',
  },
  {
    in: BROWSER,
    exceptTests: true,
    what: ['node:*', 'fast-check', 'src/testing', 'src/cli', 'src/bench', 'scripts'],
    why: 'browser code never imports Node-only or test-only code (keep it in src/testing, src/cli, src/bench or scripts)',
  },
];

const toPosix = (path) => path.split(sep).join('/');

/** Whether the project path `path` lies in `pattern` ("src/features/*" matches any one feature folder). */
function inFolder(path, pattern) {
  if (pattern.endsWith('*.worker.ts')) return path.startsWith(pattern.slice(0, -'*.worker.ts'.length)) && path.endsWith('.worker.ts');
  const base = pattern.endsWith('/*') ? pattern.slice(0, -2) : pattern;
  return path === base || path.startsWith(`${base}/`);
}

/** "src/features/runs/x.ts" → "src/features/runs" for a pattern "src/features/*". */
function ownFolder(path, pattern) {
  const base = pattern.slice(0, -2);
  const rest = path.slice(base.length + 1).split('/');
  return `${base}/${rest[0]}`;
}

function isTest(path) {
  return /\.(test|spec)\.tsx?$/.test(path);
}

/** The import as a project path, or the package it names. */
function target(source, file) {
  if (source.startsWith('.')) return { path: toPosix(relative(ROOT, join(dirname(file), source))) };
  return { pkg: source };
}

function matchesPackage(pkg, pattern) {
  if (pattern.endsWith('*')) return pkg.startsWith(pattern.slice(0, -1));
  return pkg === pattern || pkg.startsWith(`${pattern}/`);
}

function violation(file, source) {
  const path = toPosix(relative(ROOT, file));
  const to = target(source, file);
  for (const rule of BOUNDARIES) {
    const scope = rule.in.find((pattern) => inFolder(path, pattern));
    if (!scope || (rule.exceptTests && isTest(path))) continue;
    for (const what of rule.what) {
      const isFolder = what.startsWith('src/') || what === 'scripts';
      if (isFolder && to.path && inFolder(to.path, what)) {
        if (rule.allowOwn && inFolder(to.path, ownFolder(path, scope))) continue;
        return rule.why;
      }
      if (!isFolder && to.pkg && matchesPackage(to.pkg, what)) return rule.why;
    }
  }
  return null;
}

export default {
  rules: {
    boundaries: {
      meta: { type: 'problem', schema: [], docs: { description: 'keeps imports within the project layout' } },
      create(context) {
        const check = (node) => {
          if (!node.source || typeof node.source.value !== 'string') return;
          const why = violation(context.filename, node.source.value);
          if (why) context.report({ node: node.source, message: `${node.source.value}: ${why}.` });
        };
        return {
          ImportDeclaration: check,
          ExportNamedDeclaration: check,
          ExportAllDeclaration: check,
          ImportExpression: check,
        };
      },
    },
  },
};
