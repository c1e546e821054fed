/**
 * The config in a URL hash, so a link opens the same setup:
 * `#layers=784,200,10&activations=Sigmoid,Softmax&learning_rate=0.01&…&augment=2,10`.
 * Scalar fields are written under their JSON key, as the field table says (config-fields.ts);
 * the three structured fields have codecs of their own below. Parsing reverses it and then
 * goes through configFromJson, so a hand-edited link gets the same checks and messages as
 * a config file.
 */
import type { Config } from '../engine/config.ts';
import { FIELDS, SCALAR_KEYS } from './config-fields.ts';
import { configFromJson, configToJson, type ConfigJson } from './config-format.ts';

interface Codec {
  write(value: unknown): string;
  read(text: string): unknown;
}

/** A number that is not one stays text, so the config's checks name the field and what it got. */
const toNumber = (text: string): unknown => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

const number: Codec = { write: String, read: toNumber };
const text: Codec = { write: String, read: (value) => value };
const numbers: Codec = { write: (value) => (value as number[]).join(','), read: (value) => value.split(',').map(toNumber) };
const texts: Codec = { write: (value) => (value as string[]).join(','), read: (value) => value.split(',') };
/** "false", or "shift,rotate". */
const augment: Codec = {
  write: (value) => {
    if (value === false) return 'false';
    const { shift, rotate } = value as { shift: number; rotate: number };
    return `${shift},${rotate}`;
  },
  read: (value) => {
    if (value === 'false' || value === 'true') return value === 'true';
    const [shift, rotate, ...rest] = value.split(',').map(toNumber);
    return rest.length > 0 ? value : { shift, rotate };
  },
};

/** Every field of our dialect: the structured ones by hand, the scalar ones by their kind in the field table. */
const CODECS: { [K in keyof ConfigJson]: Codec } = {
  layers: numbers,
  activations: texts,
  augment,
  ...(Object.fromEntries(SCALAR_KEYS.map((key) => [FIELDS[key].json, FIELDS[key].kind === 'number' ? number : text])) as Record<
    Exclude<keyof ConfigJson, 'layers' | 'activations' | 'augment'>,
    Codec
  >),
};

export function configToHash(config: Config): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(configToJson(config))) params.set(key, CODECS[key as keyof ConfigJson].write(value));
  // Commas are safe in a fragment; keeping them readable keeps links readable.
  return params.toString().replaceAll('%2C', ',');
}

/** The hash's config (with or without the leading '#'); null when it holds none; throws ConfigError when it is wrong. */
export function configFromHash(hash: string): Config | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if ([...params.keys()].length === 0) return null;
  const json: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const codec = Object.hasOwn(CODECS, key) ? CODECS[key as keyof ConfigJson] : text;
    json[key] = codec.read(value);
  }
  return configFromJson(json);
}
