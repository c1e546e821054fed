/** Short explanations shown beside the editor's fields: what each does and values to try. */
import type { Activation, Init, Optimizer } from '../../engine/config';

export const ACTIVATION_HELP: Record<Activation, string> = {
  Sigmoid: '1/(1+e^−x), squashes to 0…1. The seed post’s choice; learns slowly in deep nets as its slope vanishes.',
  ReLU: 'max(0, x). Fast and the usual default for hidden layers; pair with He init.',
  LeakyReLU: 'x, or 0.01·x below 0: a ReLU whose units cannot go silent for good.',
  Tanh: 'Squashes to −1…1, centred on 0; a smoother alternative to Sigmoid.',
  Linear: 'No squashing: a stack of Linear layers is one linear map. Useful to compare against.',
  Softmax: 'Turns the outputs into probabilities that sum to 1; output layer only.',
};

export const OPTIMIZER_HELP: Record<Optimizer, string> = {
  sgd: 'Plain gradient descent: w −= rate·gradient. Try rate 0.05–0.1.',
  momentum: 'Keeps a running direction, smoothing noisy steps. Momentum 0.9 with rate 0.01 is the seed post’s.',
  adam: 'Scales each weight’s step by its recent gradients; forgiving. Try rate 0.001.',
};

export const INIT_HELP: Record<Init, string> = {
  uniform: 'The seed program’s small uniform weights.',
  xavier: 'Scaled for Sigmoid and Tanh so signals keep their size through layers.',
  he: 'Scaled for ReLU, which zeroes half its inputs.',
};

/**
 * Why the output layer's gradient is so simple with Softmax: for cross-entropy
 * L = −Σ t_k·log y_k with y = softmax(z), ∂L/∂z_k = y_k − t_k.
 */
export const SOFTMAX_NOTE =
  'With Softmax the loss is cross-entropy, −log(probability of the right digit). Differentiating it through ' +
  'softmax, the exponentials cancel and the error at each output is simply output − target: e.g. 0.7 − 1 for the ' +
  'right digit, 0.1 − 0 for a wrong one. Other output activations train with squared error, whose gradient also ' +
  'carries the activation’s slope and learns slower when outputs saturate.';
