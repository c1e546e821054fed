/** The editor's choices, with words a beginner can read. */
import { ACTIVATIONS, INITS, OPTIMIZERS, type Activation, type Init, type Optimizer } from '../../engine/config';

const OPTIMIZER_LABELS: Record<Optimizer, string> = {
  sgd: 'SGD',
  momentum: 'SGD with momentum',
  adam: 'Adam',
};

const INIT_LABELS: Record<Init, string> = {
  uniform: 'Uniform ±1/√fan-out (seed post)',
  xavier: 'Xavier / Glorot',
  he: 'He (for ReLU)',
};

export const OPTIMIZER_OPTIONS = OPTIMIZERS.map((value) => ({ value, label: OPTIMIZER_LABELS[value] }));
export const INIT_OPTIONS = INITS.map((value) => ({ value, label: INIT_LABELS[value] }));
/** Softmax turns a layer into probabilities, which only makes sense for the output layer. */
export const HIDDEN_ACTIVATION_OPTIONS = ACTIVATIONS.filter((a) => a !== 'Softmax').map((value) => ({ value, label: value }));
export const OUTPUT_ACTIVATION_OPTIONS = ACTIVATIONS.map((value) => ({ value, label: value }));

export const DEFAULT_HIDDEN: { size: number; activation: Activation } = { size: 64, activation: 'ReLU' };
