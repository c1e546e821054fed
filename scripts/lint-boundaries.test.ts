/**
 * Each layout rule fails on a deliberate violation and lets the allowed import through,
 * checked with ESLint's own API on the project's real config: a rule that stopped firing
 * would let the layout drift without anyone noticing.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** The boundaries messages ESLint reports for `code` as if it were the file at `path`. */
async function boundaryMessages(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return result.messages.filter((message) => message.ruleId === 'local/boundaries').map((message) => message.message);
}

const VIOLATIONS: { rule: string; path: string; code: string; message: RegExp }[] = [
  {
    rule: 'features never import features',
    path: 'src/features/runs/Fixture.tsx',
    code: "import { DrawPad } from '../draw-pad/DrawPad';\nexport const x = DrawPad;\n",
    message: /a feature never imports another feature/,
  },
  {
    rule: 'features never import features (by the long way round)',
    path: 'src/features/runs/Fixture.tsx',
    code: "import { DrawPad } from '../../features/draw-pad/DrawPad';\nexport const x = DrawPad;\n",
    message: /a feature never imports another feature/,
  },
  {
    rule: 'components never import features',
    path: 'src/components/Fixture.tsx',
    code: "import { RunsPanel } from '../features/runs/RunsPanel';\nexport const x = RunsPanel;\n",
    message: /shared components only render/,
  },
  {
    rule: 'components never import the store',
    path: 'src/components/Fixture.tsx',
    code: "import { useAppStore } from '../store/store';\nexport const x = useAppStore;\n",
    message: /shared components only render/,
  },
  {
    rule: 'the store never imports the bridge',
    path: 'src/store/fixture.ts',
    code: "import { train } from '../bridge/training-bridge';\nexport const x = train;\n",
    message: /the store never imports the bridge/,
  },
  {
    rule: 'the engine imports nothing outside itself',
    path: 'src/engine/fixture.ts',
    code: "import { z } from 'zod';\nexport const x = z;\n",
    message: /the engine is framework-free/,
  },
  {
    rule: 'browser code never imports Node-only code',
    path: 'src/data/fixture.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    message: /browser code never imports Node-only or test-only code/,
  },
  {
    rule: 'browser code never imports test-only code',
    path: 'src/formats/fixture.ts',
    code: "import { jsonValue } from '../testing/json-mutations.ts';\nexport const x = jsonValue;\n",
    message: /browser code never imports Node-only or test-only code/,
  },
  {
    rule: 'browser code never imports fast-check',
    path: 'src/features/draw-pad/fixture.ts',
    code: "import fc from 'fast-check';\nexport const x = fc;\n",
    message: /browser code never imports Node-only or test-only code/,
  },
];

const ALLOWED: { why: string; path: string; code: string }[] = [
  { why: 'a feature imports its own files', path: 'src/features/runs/Fixture.tsx', code: "import { RunsPanel } from './RunsPanel';\nexport const x = RunsPanel;\n" },
  { why: 'a feature imports the store and shared components', path: 'src/features/runs/Fixture.tsx', code: "import { useAppStore } from '../../store/store';\nimport { Alert } from '../../components/Alert';\nexport const x = [useAppStore, Alert];\n" },
  { why: 'the app composes features', path: 'src/app/Fixture.tsx', code: "import { RunsPanel } from '../features/runs/RunsPanel';\nexport const x = RunsPanel;\n" },
  { why: 'a test beside browser code uses test helpers', path: 'src/data/fixture.test.ts', code: "import { idxImages } from '../testing/idx-fixtures.ts';\nexport const x = idxImages;\n" },
  { why: 'the CLI reads files', path: 'src/cli/fixture.ts', code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n" },
];

describe('layout rules', () => {
  for (const violation of VIOLATIONS) {
    it(`fails on a violation: ${violation.rule}`, async () => {
      const messages = await boundaryMessages(violation.path, violation.code);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(violation.message);
    });
  }
  for (const allowed of ALLOWED) {
    it(`lets it through: ${allowed.why}`, async () => {
      expect(await boundaryMessages(allowed.path, allowed.code)).toEqual([]);
    });
  }
});
