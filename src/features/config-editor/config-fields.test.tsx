// @vitest-environment jsdom
/**
 * The field table is the one description of each config field: a file's schema, the
 * form's input bounds and the URL hash all follow it. This walks every field and checks
 * that the three agree at and beyond each bound.
 */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_CONFIG, type Config } from '../../engine/config';
import { FIELDS, inputBounds, NUMBER_KEYS, CHOICE_KEYS, type NumberSpec } from '../../formats/config-fields';
import { checkConfig, configToJson, parseConfig } from '../../formats/config-format';
import { configFromHash, configToHash } from '../../formats/config-hash';
import { resetStore } from '../../store/store';
import { ConfigForm } from './ConfigForm';

afterEach(() => {
  cleanup();
  resetStore();
});

/** A config that every bound of every field can be tried on. */
const BASE: Config = { ...SEED_CONFIG, optimizer: 'momentum', validation: 1000, epochs: 2 };

/** The file path and the form path each accept or refuse the value, with the same message. */
function verdicts(key: keyof Config, value: unknown): { file: string | null; form: string | null } {
  const attempt = (run: () => unknown) => {
    try {
      run();
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };
  return {
    file: attempt(() => parseConfig(JSON.stringify({ ...configToJson(BASE), [FIELDS[key as 'seed'].json]: value }))),
    form: attempt(() => checkConfig({ ...BASE, [key]: value } as Config)),
  };
}

/** Values on and just past each bound, and whether the field's spec allows them. */
function boundaryCases(spec: NumberSpec): { value: number; allowed: boolean }[] {
  const step = spec.integer ? 1 : 1e-6;
  const cases = [
    { value: spec.min, allowed: !spec.minExclusive },
    { value: spec.min - step, allowed: false },
  ];
  if (Number.isFinite(spec.max)) {
    cases.push({ value: spec.max, allowed: !spec.maxExclusive }, { value: spec.max + step, allowed: false });
  }
  if (spec.integer) cases.push({ value: spec.min + 1.5, allowed: false });
  return cases;
}

describe('every number field', () => {
  for (const key of NUMBER_KEYS) {
    const spec = FIELDS[key];
    it(`${spec.json}: a file and the form accept and refuse the same values, with the same message`, () => {
      for (const { value, allowed } of boundaryCases(spec)) {
        const { file, form } = verdicts(key, value);
        expect(form, `${spec.json} = ${value}`).toBe(file);
        // A batch of 60,000 passes its own bound but needs more memory than training may take
        // on 28×28 images (about 0.9 GB for any layers): that refusal is the memory rule's, not the field's.
        if (allowed && file?.startsWith('layers: network too large')) expect(file).toContain(`batch size ${value} needs about`);
        else if (allowed) expect(file, `${spec.json} = ${value}`).toBeNull();
        else expect(file, `${spec.json} = ${value}`).toMatch(new RegExp(`^${spec.json}: must be `));
      }
    });

    it(`${spec.json}: the form's input carries the table's bounds`, () => {
      render(<ConfigForm />);
      const input = screen.getByLabelText(spec.label, { selector: 'input' });
      const bounds = inputBounds(spec);
      expect(input.getAttribute('min')).toBe(String(bounds.min));
      expect(input.getAttribute('max')).toBe(bounds.max === undefined ? null : String(bounds.max));
      expect(input.getAttribute('step')).toBe(String(bounds.step));
      expect(screen.getByText(spec.hint)).toBeTruthy();
    });

    it(`${spec.json}: a link carries the value there and back`, () => {
      const value = spec.integer ? spec.min + 1 : spec.min + 0.125;
      const config = { ...BASE, [key]: value } as Config;
      expect(configFromHash(configToHash(config))).toEqual(config);
      expect(configToHash(config)).toContain(`${spec.json}=${value}`);
    });
  }
});

describe('every choice field', () => {
  for (const key of CHOICE_KEYS) {
    const spec = FIELDS[key];
    it(`${spec.json}: each choice goes through a file, the form and a link; anything else is refused by both`, () => {
      for (const choice of spec.choices) {
        const config = { ...BASE, [key]: choice } as Config;
        expect(verdicts(key, choice)).toEqual({ file: null, form: null });
        expect(configFromHash(configToHash(config))).toEqual(config);
      }
      const { file, form } = verdicts(key, 'nonsense');
      expect(form).toBe(file);
      expect(file).toMatch(new RegExp(`^${spec.json}: unknown ${spec.json} "nonsense"`));
    });
  }
});
