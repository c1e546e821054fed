/** The editor's choices, with words a beginner can read. */
import { ACTIVATIONS, type Activation } from '../../engine/config';
import { FIELDS } from '../../formats/config-fields';

export const OPTIMIZER_OPTIONS = FIELDS.optimizer.choices.map((value) => ({ value, label: FIELDS.optimizer.choiceLabels[value] }));
export const INIT_OPTIONS = FIELDS.init.choices.map((value) => ({ value, label: FIELDS.init.choiceLabels[value] }));
/** Softmax turns a layer into probabilities, which only makes sense for the output layer. */
export const HIDDEN_ACTIVATION_OPTIONS = ACTIVATIONS.filter((a) => a !== 'Softmax').map((value) => ({ value, label: value }));
export const OUTPUT_ACTIVATION_OPTIONS = ACTIVATIONS.map((value) => ({ value, label: value }));

export const DEFAULT_HIDDEN: { size: number; activation: Activation } = { size: 64, activation: 'ReLU' };
