/**
 * Paces predictions while the user draws: at most one request per interval while the pen
 * moves, one at once when it lifts, and only the newest request's reply is shown — a reply
 * to an older drawing (or to one cleared since) is dropped.
 */
import { errorText } from '../../formats/error-text';

export interface PredictionView {
  /** The 28×28 input the network sees; null for an empty pad. */
  image: Float32Array | null;
  /** One probability per digit; null when there is nothing to read or no model to read it. */
  probabilities: Float32Array | null;
  /** Why the last request failed, if it did. */
  error: string | null;
}

export const EMPTY_VIEW: PredictionView = { image: null, probabilities: null, error: null };

export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface LivePrediction {
  /** While drawing: predict now if the last request is an interval old, otherwise when it is. */
  soon(): void;
  /** Pen lifted, stroke undone or the model changed: predict now. */
  now(): void;
  /** The pad was cleared: forget pending and in-flight requests and show nothing. */
  clear(): void;
}

export function livePrediction(
  read: () => Float32Array | null,
  predict: (pixels: Float32Array) => Promise<Float32Array | null>,
  show: (view: PredictionView) => void,
  intervalMs = 50,
  timers: Timers = browserTimers,
): LivePrediction {
  let latest = 0;
  let lastRequestAt = -Infinity;
  let pending: unknown = null;

  const cancelPending = () => {
    if (pending !== null) timers.clearTimeout(pending);
    pending = null;
  };

  const request = () => {
    cancelPending();
    lastRequestAt = timers.now();
    const id = ++latest;
    const image = read();
    if (!image) {
      show(EMPTY_VIEW);
      return;
    }
    // The worker may transfer the buffer it receives, so it gets a copy and the view keeps the original.
    predict(image.slice()).then(
      (probabilities) => {
        if (id === latest) show({ image, probabilities, error: null });
      },
      (error: unknown) => {
        if (id === latest) show({ image, probabilities: null, error: errorText(error) });
      },
    );
  };

  return {
    soon() {
      if (pending !== null) return;
      const wait = lastRequestAt + intervalMs - timers.now();
      if (wait <= 0) request();
      else pending = timers.setTimeout(request, wait);
    },
    now: request,
    clear() {
      cancelPending();
      latest++;
      show(EMPTY_VIEW);
    },
  };
}
