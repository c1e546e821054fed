/**
 * The README stays a front door, the docs speak of the product rather than of how the work
 * was organised, and every relative link leads somewhere: checked on README.md and docs/*.md
 * as they are on disk.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = dirname(import.meta.dirname);
const README_MAX_LINES = 200;

const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const read = (page: string) => readFileSync(join(ROOT, page), 'utf8');

const NUMBER = String.raw`(\d+|[ivx]+\b|one|two|three|four|five|six|seven|eight|nine|ten)`;

/** Phrases that tell how the work was organised; figures carry a date and a commit instead. */
const WORK_TALK: { what: string; pattern: RegExp }[] = [
  { what: 'an issue or pull request number', pattern: /\b(issues?|tickets?|PRs?|pull requests?)\s*#?\d+/i },
  { what: 'a #number', pattern: /(^|[\s([,;])#\d+\b/m },
  { what: 'a numbered session', pattern: new RegExp(String.raw`\bsessions?\s+${NUMBER}`, 'i') },
  { what: 'a numbered round', pattern: new RegExp(String.raw`\brounds?\s+${NUMBER}`, 'i') },
  { what: 'a work period', pattern: new RegExp(String.raw`\b(work(ing)?\s+periods?|periods?\s+${NUMBER}|sprints?\s*\d+|iterations?\s+\d+)`, 'i') },
  { what: 'the issue', pattern: /\b(the|this|that|an|our)\s+issue('s)?\b/i },
  { what: 'who did the work', pattern: /(?<!user[\s-])\bagents?\b|\bhelpers'/i },
];

function workTalk(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    for (const { what, pattern } of WORK_TALK) {
      const match = pattern.exec(line);
      if (match) found.push(`line ${index + 1}: ${what} ("${match[0].trim()}")`);
    }
  });
  return found;
}

/** The text with code blocks and code spans blanked, so a `[x](y)` inside code is not taken for a link. */
function withoutCode(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Link targets of markdown links and images and of HTML src/href attributes. */
function linkTargets(text: string): string[] {
  const prose = withoutCode(text);
  const markdown = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]);
  const html = [...prose.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
  return [...markdown, ...html];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens; repeats get -1, -2… */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, heading] of withoutCode(text.replace(/`([^`\n]*)`/g, '$1')).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return found;
}

/** Relative links of `page` that lead to no file, or to a heading its markdown file does not have. */
function brokenLinks(page: string, text: string): string[] {
  const broken: string[] = [];
  for (const target of linkTargets(text)) {
    if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(target)) continue;
    const [pathPart, anchor] = target.split('#', 2);
    const path = decodeURIComponent(pathPart.split('?')[0]);
    const file = path === '' ? join(ROOT, page) : path.startsWith('/') ? join(ROOT, path) : join(ROOT, dirname(page), path);
    if (!existsSync(file)) {
      broken.push(`${target}: no file ${relative(ROOT, file)}`);
    } else if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) {
      broken.push(`${target}: ${relative(ROOT, file)} has no heading #${anchor}`);
    }
  }
  return broken;
}

describe('README and docs', () => {
  it(`keeps README.md to at most ${README_MAX_LINES} lines`, () => {
    const text = read('README.md');
    expect(text.split('\n').length - (text.endsWith('\n') ? 1 : 0)).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it.each(PAGES)('%s names no issue numbers, sessions, rounds or work periods', (page) => {
    expect(workTalk(read(page))).toEqual([]);
  });

  it.each(PAGES)('every relative link in %s leads to a file (and heading) that exists', (page) => {
    expect(brokenLinks(page, read(page))).toEqual([]);
  });

  it('the checks catch what they look for, and let the product’s own words through', () => {
    const bad = [
      'Beside native PyTorch (issue 14)',
      'fixed in #14.',
      "as session 6's bench showed",
      'The issue\'s targets, one full run',
      'in round 2 we tried',
      'numbered work periods',
      'while three helpers\' jobs shared the cores',
      'under load (other agents on the same two cores)',
    ];
    for (const line of bad) expect(workTalk(line), line).not.toEqual([]);
    const good = ['TrainingSession owns the run', 'float rounding moves the last digit', 'see [the table](#speed)', 'browser user agents', 'a period of 2 epochs'];
    for (const line of good) expect(workTalk(line), line).toEqual([]);

    expect(brokenLinks('docs/x.md', '[a](missing.md) ![b](../docs/nope.png) <img src="gone.png"> [c](https://example.org/x)')).toEqual([
      'missing.md: no file docs/missing.md',
      '../docs/nope.png: no file docs/nope.png',
      'gone.png: no file docs/gone.png',
    ]);
    expect(brokenLinks('README.md', '[d](docs/benchmarks.md#no-such-heading) `[e](in-code.md)`')).toEqual([
      'docs/benchmarks.md#no-such-heading: docs/benchmarks.md has no heading #no-such-heading',
    ]);
  });
});
