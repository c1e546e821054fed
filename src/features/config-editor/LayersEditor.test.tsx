// @vitest-environment jsdom
/**
 * The layers editor builds a convolutional network field by field, with the same rules as
 * a file; a dense network stays a dense config (and so keeps the dense path).
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LAYER_FIELDS } from '../../formats/config-fields';
import { configToJson, parseConfig } from '../../formats/config-format';
import { loadConfig } from '../../store/actions';
import { resetStore, useAppStore } from '../../store/store';
import { ConfigForm } from './ConfigForm';
import { editableLayers, layersPatch, withType } from './layer-edit';

afterEach(() => {
  cleanup();
  resetStore();
});

const config = () => useAppStore.getState().config;
const select = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label, { selector: 'select' }), { target: { value } });
const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label, { selector: 'input' }), { target: { value } });

describe('the layers editor', () => {
  it('turns a dense row into a convolution and a pooling layer, showing each row’s output shape and parameters', () => {
    render(<ConfigForm />);
    expect(config().stack).toBeUndefined();
    const activation = config().activations[0];
    select('Hidden layer 1 Type', 'conv2d');
    // Every field of the type, from the field table, labelled with its layer.
    for (const spec of Object.values(LAYER_FIELDS.conv2d)) expect(screen.getByLabelText(`Hidden layer 1 ${spec.label}`)).toBeTruthy();
    type('Hidden layer 1 Filters', '4');
    type('Hidden layer 1 Kernel size', '5');
    fireEvent.click(screen.getByRole('button', { name: 'Add hidden layer' }));
    select('Hidden layer 2 Type', 'maxpool2d');
    expect(configToJson(config()).layers).toEqual([
      { type: 'input', shape: [28, 28, 1] },
      { type: 'conv2d', filters: 4, kernel_size: 5, stride: 1, padding: 'same', activation },
      { type: 'maxpool2d', pool_size: 2, stride: 2 },
      { type: 'dense', units: 10, activation: 'Softmax' },
    ]);
    const rows = screen.getAllByRole('listitem').map((item) => item.textContent ?? '');
    expect(rows.find((text) => text.startsWith('Hidden 1'))).toContain('→ 28×28×4 · 104 parameters');
    expect(rows.find((text) => text.startsWith('Hidden 2'))).toContain('→ 14×14×4 · 0 parameters');
    expect(rows.find((text) => text.startsWith('Output'))).toContain('→ 10 · 7,850 parameters');
    expect(screen.getByText(/^7,954 parameters; training takes about \d+ MB of memory at batch size \d+\./)).toBeTruthy();
  });

  it('shows a refused edit at its field, naming the layer and field, and keeps the last valid network', () => {
    loadConfig(convnet());
    render(<ConfigForm />);
    const before = config();
    // The second pool (layer 4) reads a 14×14 map; a kernel of 15 in layer 3 does not fit it.
    type('Hidden layer 3 Kernel size', '15');
    const field = screen.getByLabelText('Hidden layer 3 Kernel size', { selector: 'input' });
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('layers[3].kernel_size: 15 is larger than its 14×14 input');
    expect(config()).toBe(before);
  });

  it('removing every non-dense row gives a dense config again', () => {
    loadConfig(convnet());
    render(<ConfigForm />);
    for (let i = 4; i >= 1; i--) fireEvent.click(screen.getByRole('button', { name: `Remove hidden layer ${i}` }));
    expect(config().stack).toBeUndefined();
    expect(config().layers).toEqual([784, 10]);
    expect(config().activations).toEqual(['Softmax']);
  });
});

const convnetLayers = [
  { type: 'input', shape: [28, 28, 1] },
  { type: 'conv2d', filters: 8, kernel_size: 5, padding: 'same', activation: 'ReLU' },
  { type: 'maxpool2d', pool_size: 2 },
  { type: 'conv2d', filters: 16, kernel_size: 5, padding: 'same', activation: 'ReLU' },
  { type: 'maxpool2d', pool_size: 3 },
  { type: 'dense', units: 10, activation: 'Softmax' },
];

const convnet = () => parseConfig(JSON.stringify({ layers: convnetLayers, optimizer: 'adam', learning_rate: 0.001, batch_size: 32, epochs: 1 }));

describe('layer-edit', () => {
  it('a new type fits the map that reaches it, keeping the activation', () => {
    expect(withType({ type: 'dense', units: 32, activation: 'Tanh' }, 'conv2d', [2, 2, 8])).toEqual({
      type: 'conv2d',
      filters: 8,
      kernel_size: 2,
      stride: 1,
      padding: 'same',
      activation: 'Tanh',
    });
    expect(withType({ type: 'conv2d', activation: 'ReLU' }, 'maxpool2d', [1, 1, 8])).toEqual({ type: 'maxpool2d', pool_size: 1, stride: 1 });
  });

  it('a dense network round-trips through the rows unchanged', () => {
    const dense = config();
    expect({ ...dense, ...layersPatch(dense, editableLayers(dense)) }).toEqual(dense);
  });
});
