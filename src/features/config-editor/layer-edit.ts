/**
 * The layers editor's model: a network as the rows the form shows (every layer after the
 * input, as files write it) and each edit of a row as a config patch. A network of dense
 * layers only is written as `layers` and `activations`, so it keeps the dense path (and its
 * results); one with any other layer type becomes a typed stack.
 */
import type { Activation, Config, LayerStack } from '../../engine/config';
import type { LayerType, Shape } from '../../engine/layer';
import { kindOf, layerToJson, outputShapeAfter } from '../../engine/layer-kinds';
import { LAYER_FIELDS } from '../../formats/config-fields';
import { layerFromJson, stackToJson, type LayerJson } from '../../formats/config-format';
import { DEFAULT_HIDDEN } from './options';

/** The types a row can take: every kind of the engine (the input is fixed). */
export type RowType = LayerType;

/** The input's [height, width, channels]; a dense network's input is a square image of one channel. */
export function inputShapeOf(config: Config): Shape {
  if (config.stack) return config.stack.input;
  const side = Math.round(Math.sqrt(config.layers[0]));
  return side * side === config.layers[0] ? [side, side, 1] : [1, 1, config.layers[0]];
}

/** Every layer after the input, in order; the last is the output. */
export function editableLayers(config: Config): LayerJson[] {
  if (config.stack) return stackToJson(config.stack).slice(1);
  return config.layers.slice(1).map((units, i) => ({ type: 'dense', units, activation: config.activations[i] }));
}

/** The network as a stack, whichever way the config writes it: what the rows' shapes and parameter counts follow. */
export function stackOf(config: Config): LayerStack {
  return config.stack ?? { input: inputShapeOf(config), layers: editableLayers(config).map(layerFromJson) };
}

/** The shape reaching each row: shapesBefore(config)[i] is the input of editableLayers(config)[i]. */
export function shapesBefore(config: Config): Shape[] {
  const stack = stackOf(config);
  const shapes: Shape[] = [];
  let shape = stack.input;
  for (const layer of stack.layers) {
    shapes.push(shape);
    shape = outputShapeAfter(shape, layer);
  }
  return shapes;
}

/** The config with these rows after its input: dense rows only as sizes and activations, anything else as a stack. */
export function layersPatch(config: Config, layers: LayerJson[]): Partial<Config> {
  if (layers.every((layer) => layer.type === 'dense')) {
    return {
      layers: [config.layers[0], ...layers.map((layer) => layer.units as number)],
      activations: layers.map((layer) => layer.activation as Activation),
      stack: undefined,
    };
  }
  return { stack: { input: inputShapeOf(config), layers: layers.map(layerFromJson) } };
}

/**
 * A row turned into another type, with values that fit the shape reaching it (a 3×3 kernel
 * does not fit a 2×2 map) and its activation kept where both types have one.
 */
export function withType(layer: LayerJson, type: RowType, before: Shape): LayerJson {
  const activation = typeof layer.activation === 'string' && layer.activation !== 'Softmax' ? (layer.activation as Activation) : DEFAULT_HIDDEN.activation;
  return layerToJson(kindOf(type).initial(before, activation));
}

/** The fields a row of this type shows, in the field table's order. */
export function rowFields(type: RowType): [string, (typeof LAYER_FIELDS)[RowType][string]][] {
  return Object.entries(LAYER_FIELDS[type]);
}
