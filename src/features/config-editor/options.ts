/** The editor's choices, with words a beginner can read. */
import { ACTIVATIONS, type Activation } from '../../engine/config';
import { FIELDS, LAYER_TYPES, type LayerType } from '../../formats/config-fields';

export const OPTIMIZER_OPTIONS = FIELDS.optimizer.choices.map((value) => ({ value, label: FIELDS.optimizer.choiceLabels[value] }));
export const INIT_OPTIONS = FIELDS.init.choices.map((value) => ({ value, label: FIELDS.init.choiceLabels[value] }));
/** Softmax turns a layer into probabilities, which only makes sense for the output layer. */
export const HIDDEN_ACTIVATION_OPTIONS = ACTIVATIONS.filter((a) => a !== 'Softmax').map((value) => ({ value, label: value }));
export const OUTPUT_ACTIVATION_OPTIONS = ACTIVATIONS.map((value) => ({ value, label: value }));

export const DEFAULT_HIDDEN: { size: number; activation: Activation } = { size: 64, activation: 'ReLU' };

/** What each layer type is called on screen. */
export const LAYER_TYPE_LABELS: Record<Exclude<LayerType, 'input'>, string> = {
  dense: 'Dense',
  conv2d: 'Convolution',
  maxpool2d: 'Max pooling',
  flatten: 'Flatten',
};

/** Every type a layer after the input can take, from the layer field table. */
export const LAYER_TYPE_OPTIONS = LAYER_TYPES.filter((type) => type !== 'input').map((value) => ({ value, label: LAYER_TYPE_LABELS[value] }));
