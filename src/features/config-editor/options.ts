/** The editor's choices, with words a beginner can read. */
import { ACTIVATIONS, type Activation } from '../../engine/config';
import { LAYER_TYPES, type LayerType } from '../../engine/layer';
import { LAYER_KINDS } from '../../engine/layer-kinds';
import { FIELDS } from '../../formats/config-fields';

export const OPTIMIZER_OPTIONS = FIELDS.optimizer.choices.map((value) => ({ value, label: FIELDS.optimizer.choiceLabels[value] }));
export const INIT_OPTIONS = FIELDS.init.choices.map((value) => ({ value, label: FIELDS.init.choiceLabels[value] }));
/** Softmax turns a layer into probabilities, which only makes sense for the output layer. */
export const HIDDEN_ACTIVATION_OPTIONS = ACTIVATIONS.filter((a) => a !== 'Softmax').map((value) => ({ value, label: value }));
export const OUTPUT_ACTIVATION_OPTIONS = ACTIVATIONS.map((value) => ({ value, label: value }));

export const DEFAULT_HIDDEN: { size: number; activation: Activation } = { size: LAYER_KINDS.dense.initial([1, 1, 1], 'ReLU').units, activation: 'ReLU' };

/** What each layer type is called on screen. */
export const layerTypeLabel = (type: LayerType): string => LAYER_KINDS[type].label;

/** Every type a layer after the input can take, from the engine's layer kinds. */
export const LAYER_TYPE_OPTIONS = LAYER_TYPES.map((value) => ({ value, label: layerTypeLabel(value) }));
