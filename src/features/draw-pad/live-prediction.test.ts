import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_VIEW, livePrediction, type PredictionView, type Timers } from './live-prediction';

const timers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A predict function whose replies the test releases by hand, in any order. */
function controlledPredict() {
  const calls: { pixels: Float32Array; reply: (p: Float32Array | null) => void; fail: (e: Error) => void }[] = [];
  const predict = (pixels: Float32Array) =>
    new Promise<Float32Array | null>((resolve, reject) => calls.push({ pixels, reply: resolve, fail: reject }));
  return { predict, calls };
}

const image = (value: number) => new Float32Array(784).fill(value);
const probabilities = (digit: number) => new Float32Array(10).map((_, i) => (i === digit ? 1 : 0));

describe('live prediction', () => {
  let views: PredictionView[];
  const show = (view: PredictionView) => views.push(view);

  beforeEach(() => {
    vi.useFakeTimers();
    views = [];
  });
  afterEach(() => vi.useRealTimers());

  it('asks at most once per interval while drawing, and once more when the interval is up', async () => {
    const { predict, calls } = controlledPredict();
    const live = livePrediction(() => image(0.5), predict, show, 50, timers);
    live.soon();
    for (let t = 0; t < 40; t += 5) {
      vi.advanceTimersByTime(5);
      live.soon();
    }
    expect(calls).toHaveLength(1);
    vi.advanceTimersByTime(10);
    expect(calls).toHaveLength(2);
  });

  it('asks at once when the pen lifts, even inside the interval', () => {
    const { predict, calls } = controlledPredict();
    const live = livePrediction(() => image(0.5), predict, show, 50, timers);
    live.soon();
    live.now();
    expect(calls).toHaveLength(2);
    vi.advanceTimersByTime(100);
    expect(calls).toHaveLength(2);
  });

  it('shows only the newest reply; an older one arriving late is dropped', async () => {
    const { predict, calls } = controlledPredict();
    let drawing = image(0.2);
    const live = livePrediction(() => drawing, predict, show, 50, timers);
    live.now();
    drawing = image(0.9);
    live.now();
    calls[1].reply(probabilities(7));
    calls[0].reply(probabilities(1));
    await vi.runAllTimersAsync();
    expect(views).toHaveLength(1);
    expect(views[0].probabilities).toEqual(probabilities(7));
    expect(views[0].image).toEqual(image(0.9));
  });

  it('drops what is in flight and pending when the pad is cleared', async () => {
    const { predict, calls } = controlledPredict();
    const live = livePrediction(() => image(0.5), predict, show, 50, timers);
    live.now();
    live.soon();
    live.clear();
    vi.advanceTimersByTime(100);
    calls[0].reply(probabilities(3));
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
    expect(views).toEqual([EMPTY_VIEW]);
  });

  it('does not ask the network about an empty pad', () => {
    const { predict, calls } = controlledPredict();
    const live = livePrediction(() => null, predict, show, 50, timers);
    live.now();
    expect(calls).toHaveLength(0);
    expect(views).toEqual([EMPTY_VIEW]);
  });

  it('shows the image without probabilities when there is no model, and says why a request failed', async () => {
    const { predict, calls } = controlledPredict();
    const live = livePrediction(() => image(0.5), predict, show, 50, timers);
    live.now();
    calls[0].reply(null);
    await vi.runAllTimersAsync();
    live.now();
    calls[1].fail(new Error('worker stopped'));
    await vi.runAllTimersAsync();
    expect(views).toEqual([
      { image: image(0.5), probabilities: null, error: null },
      { image: image(0.5), probabilities: null, error: 'worker stopped' },
    ]);
  });

  it('sends a copy, so a worker that takes the buffer cannot empty the shown image', () => {
    const { predict, calls } = controlledPredict();
    const drawing = image(0.5);
    livePrediction(() => drawing, predict, show, 50, timers).now();
    expect(calls[0].pixels).toEqual(drawing);
    expect(calls[0].pixels).not.toBe(drawing);
  });
});
