// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { predictDigit } from '../../bridge/training-bridge';
import { modelImported } from '../../store/actions';
import { resetStore } from '../../store/store';
import { DrawPad } from './DrawPad';
import { PAD_SIZE } from './ink';

vi.mock('../../bridge/training-bridge', () => ({
  predictDigit: vi.fn(),
  hiddenActivations: vi.fn(async () => [Float32Array.from([0, 0.5, 2])]),
  featureMaps: vi.fn(async () => null),
  saliencyOf: vi.fn(async () => null),
  gradCamOf: vi.fn(async () => null),
  exportModel: vi.fn(async () => null),
  importModel: vi.fn(),
  exampleConfidences: vi.fn(async () => null),
}));

/**
 * jsdom has no 2D canvas. This stand-in ignores painting and reads back a vertical bar of
 * ink once the test inks it: enough to drive the pad's real preprocessing.
 */
function fakeCanvas() {
  const pixels = new Uint8ClampedArray(PAD_SIZE * PAD_SIZE * 4);
  const context = new Proxy(
    {
      getImageData: () => ({ data: pixels, width: PAD_SIZE, height: PAD_SIZE }),
      createImageData: (width: number, height: number) => ({ data: new Uint8ClampedArray(width * height * 4), width, height }),
      fillRect: () => pixels.fill(0),
    },
    { get: (target, key) => (key in target ? target[key as keyof typeof target] : () => {}) },
  );
  // getContext is overloaded per context type; the proxy stands in for the 2D one.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation((() => context) as unknown as HTMLCanvasElement['getContext']);
  vi.spyOn(HTMLCanvasElement.prototype, 'getBoundingClientRect').mockReturnValue(new DOMRect(0, 0, PAD_SIZE, PAD_SIZE));
  HTMLCanvasElement.prototype.setPointerCapture = () => {};
  return {
    inkBar() {
      for (let y = 40; y < 240; y++) for (let x = 130; x < 152; x++) pixels[(y * PAD_SIZE + x) * 4] = 255;
    },
  };
}

const oneHot = (digit: number) => new Float32Array(10).map((_, i) => (i === digit ? 0.91 : 0.01));

function drawStroke(canvas: HTMLElement) {
  fireEvent.pointerDown(canvas, { pointerId: 1, pointerType: 'mouse', button: 0, clientX: 140, clientY: 40 });
  fireEvent.pointerMove(canvas, { pointerId: 1, pointerType: 'mouse', clientX: 140, clientY: 240 });
  fireEvent.pointerUp(canvas, { pointerId: 1, pointerType: 'mouse', clientX: 140, clientY: 240 });
}

describe('DrawPad', () => {
  let canvas: ReturnType<typeof fakeCanvas>;

  beforeEach(() => {
    resetStore();
    canvas = fakeCanvas();
  });
  afterEach(() => {
    cleanup();
    vi.clearAllMocks();
    vi.restoreAllMocks();
  });

  it('shows no prediction, only a hint, on an empty pad', () => {
    render(<DrawPad />);
    expect(screen.getByLabelText('Prediction').textContent).toBe('');
    expect(screen.getByText(/Draw a digit to see/)).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Clear' }).disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Undo' }).disabled).toBe(true);
  });

  it('sends the preprocessed drawing to the network and shows its reading with a bar per digit', async () => {
    vi.mocked(predictDigit).mockResolvedValue(oneHot(1));
    render(<DrawPad />);
    canvas.inkBar();
    drawStroke(screen.getByRole('img', { name: 'Drawing pad' }));
    await waitFor(() => expect(screen.getByLabelText('Prediction').textContent).toBe('1'));
    const sent = vi.mocked(predictDigit).mock.calls.at(-1)?.[0] as Float32Array;
    expect(sent).toHaveLength(784);
    expect(Math.max(...sent)).toBe(1);
    expect(screen.getAllByRole('meter')).toHaveLength(10);
    expect(screen.getByRole('meter', { name: 'Digit 1' }).getAttribute('value')).toBe(String(oneHot(1)[1]));
    expect(screen.getByRole('img', { name: 'What the network sees (28×28)' })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('group', { name: 'Hidden activations' }).textContent).toContain('Hidden layer 1: 2 of 3 units above zero'));
  });

  it('shows a hint, not an error, when there is no model yet', async () => {
    vi.mocked(predictDigit).mockResolvedValue(null);
    render(<DrawPad />);
    canvas.inkBar();
    drawStroke(screen.getByRole('img', { name: 'Drawing pad' }));
    await waitFor(() => expect(screen.getByText(/No model yet/)).toBeTruthy());
    expect(screen.getByLabelText('Prediction').textContent).toBe('');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('forgets the reading when cleared, and a late reply does not bring it back', async () => {
    let reply: (p: Float32Array) => void = () => {};
    vi.mocked(predictDigit).mockImplementation(() => new Promise((resolve) => (reply = resolve)));
    render(<DrawPad />);
    canvas.inkBar();
    drawStroke(screen.getByRole('img', { name: 'Drawing pad' }));
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await act(async () => reply(oneHot(7)));
    expect(screen.getByLabelText('Prediction').textContent).toBe('');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Clear' }).disabled).toBe(true);
  });

  it('reads the drawing again at once when a model is loaded', async () => {
    vi.mocked(predictDigit).mockResolvedValue(null);
    render(<DrawPad />);
    canvas.inkBar();
    drawStroke(screen.getByRole('img', { name: 'Drawing pad' }));
    await waitFor(() => expect(screen.getByText(/No model yet/)).toBeTruthy());
    vi.mocked(predictDigit).mockResolvedValue(oneHot(4));
    act(() => modelImported());
    await waitFor(() => expect(screen.getByLabelText('Prediction').textContent).toBe('4'));
  });
});
