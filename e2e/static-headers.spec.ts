import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

/** Headers that set the page's policy; whatever else a server sends (type, length, date) is its own business. */
const POLICY = /^(cross-origin-|content-security-policy|permissions-policy|referrer-policy|x-frame-options|x-content-type-options|strict-transport-security)/;

interface Rule {
  pattern: RegExp;
  headers: Record<string, string>;
}

/** dist/_headers as Netlify and Cloudflare Pages read it: a path line, then its indented `Name: value` lines. */
function readHeadersFile(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      const pattern = new RegExp(`^${line.trim().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      rules.push({ pattern, headers: {} });
      continue;
    }
    const rule = rules.at(-1);
    const colon = line.indexOf(':');
    if (!rule || colon < 0) throw new Error(`dist/_headers: "${line.trim()}" is not a header under a path`);
    rule.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return rules;
}

function headersFor(rules: Rule[], path: string): Record<string, string> {
  return Object.assign({}, ...rules.filter((rule) => rule.pattern.test(path)).map((rule) => rule.headers));
}

test('dist/_headers asks a static host for the same policy headers the preview server sends', async ({ request }) => {
  expect(existsSync('dist/_headers'), 'dist/_headers is missing: run npm run build').toBe(true);
  const rules = readHeadersFile(readFileSync('dist/_headers', 'utf8'));
  const worker = readdirSync('dist/assets').find((name) => /^training\.worker-.*\.js$/.test(name));
  expect(worker, 'the build has a training worker').toBeDefined();

  for (const path of ['/', `/assets/${worker}`, '/data/t10k-labels-idx1-ubyte.gz']) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    const sent = Object.fromEntries(Object.entries(response.headers()).filter(([name]) => POLICY.test(name)));
    const asked = headersFor(rules, path);
    expect(Object.keys(asked), path).toEqual(expect.arrayContaining(['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'content-security-policy']));
    expect(sent, path).toEqual(asked);
  }
});
