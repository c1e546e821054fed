/**
 * The config in a URL hash, so a link opens the same setup:
 * `#layers=784,200,10&activations=Sigmoid,Softmax&learning_rate=0.01&…&augment=2,10`.
 * Scalar fields are written under their JSON key, as the field table says (config-fields.ts);
 * the three structured fields have codecs of their own below. Parsing reverses it and then
 * goes through configFromJson, so a hand-edited link gets the same checks and messages as
 * a config file.
 */
import type { Config } from '../engine/config.ts';
import { MAX_CLASSES } from '../data/image-set.ts';
import { FIELDS, LAYER_FIELDS, LAYER_TYPES, MAX_SIDE, SCALAR_KEYS, type LayerType } from './config-fields.ts';
import { configFromJson, configToJson, type ConfigJson, type DatasetRecord, type IoShape, type LayerJson } from './config-format.ts';

interface Codec {
  write(value: unknown): string;
  read(text: string): unknown;
}

/** A number that is not one stays text, so the config's checks name the field and what it got. */
const toNumber = (text: string): unknown => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

const number: Codec = { write: String, read: toNumber };
const text: Codec = { write: String, read: (value) => value };

/**
 * Dense sizes ("784,200,10"), or typed layers, each its type and its fields' values in
 * the field table's order joined by "_": "input_28_28_1,conv2d_8_5_1_same_ReLU,maxpool2d_2_2,dense_10_Softmax".
 */
const layers: Codec = {
  write: (value) => {
    const list = value as number[] | LayerJson[];
    return list.map((layer) => (typeof layer === 'number' ? String(layer) : layerText(layer))).join(',');
  },
  read: (value) => {
    const items = value.split(',');
    const typed = items.some((item) => (LAYER_TYPES as readonly string[]).includes(item.split('_')[0]));
    return typed ? items.map(layerFromText) : items.map(toNumber);
  },
};

function layerText(layer: LayerJson): string {
  const values = layer.type === 'input' ? (layer.shape as number[]) : Object.keys(LAYER_FIELDS[layer.type]).map((key) => layer[key]);
  return [layer.type, ...values].join('_');
}

/** A layer's text back as JSON; what does not fit is left for the config's checks to name. */
function layerFromText(item: string): unknown {
  const [type, ...values] = item.split('_');
  if (type === 'input') return { type, shape: values.map(toNumber) };
  if (!Object.hasOwn(LAYER_FIELDS, type)) return { type };
  const keys = Object.keys(LAYER_FIELDS[type as LayerType]);
  return { type, ...Object.fromEntries(values.map((text, i) => [keys[i] ?? `field ${i + 1}`, toNumber(text)])) };
}
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
const CODECS: { [K in keyof ConfigJson]-?: Codec } = {
  layers,
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

/**
 * The key of the marker a link made on a dataset kept in someone's browser carries: its name and
 * shape (`dataset=Fashion-MNIST_28_28_10`), for the page that opens the link to say so.
 */
export const DATASET_KEY = 'dataset';

/** A link's hash: the config, and on a set other than MNIST (`dataset` null) the set's marker. The address bar and "Copy link" share it. */
export function shareHash(config: Config, dataset: DatasetRecord | null): string {
  const marker = dataset ? `&${DATASET_KEY}=${encodeURIComponent([dataset.name, dataset.height, dataset.width, dataset.classNames.length].join('_'))}` : '';
  return `#${configToHash(config)}${marker}`;
}

/** A link's dataset marker read back: the set's name, and its shape when the marker holds a valid one, else what is wrong with it. */
export interface DatasetMarker {
  name: string;
  shape: { height: number; width: number; classes: number } | null;
  problem: string | null;
}

/**
 * The marker in a hash's `dataset` value; null when the hash has none. A link is untrusted, so
 * each number is checked against what a dataset can hold before anything is sized by it.
 */
export function readDatasetMarker(value: string | null): DatasetMarker | null {
  if (value === null) return null;
  // The shape is the last three fields, so a name may hold underscores.
  const parts = value.split('_');
  if (parts.length < 4) return { name: value, shape: null, problem: 'it has no shape (name_height_width_classes)' };
  const [height, width, classes] = parts.splice(-3, 3);
  const name = parts.join('_');
  const problem =
    boundProblem('image height', height, 1, MAX_SIDE) ?? boundProblem('image width', width, 1, MAX_SIDE) ?? boundProblem('class count', classes, 2, MAX_CLASSES);
  if (problem) return { name, shape: null, problem };
  return { name, shape: { height: Number(height), width: Number(width), classes: Number(classes) }, problem: null };
}

function boundProblem(what: string, text: string, min: number, max: number): string | null {
  const n = Number(text);
  return Number.isInteger(n) && n >= min && n <= max ? null : `its ${what} must be an integer from ${min} to ${max}, got ${text}`;
}

/** The hash's config (with or without the leading '#'); null when it holds none; throws ConfigError when it is wrong. */
export function configFromHash(hash: string, io?: IoShape): Config | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if ([...params.keys()].length === 0) return null;
  const json: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const codec = Object.hasOwn(CODECS, key) ? CODECS[key as keyof ConfigJson] : text;
    json[key] = codec.read(value);
  }
  return configFromJson(json, io);
}
