/**
 * A seeded pseudo-random generator. Every random choice of a run (initial weights,
 * shuffling, dropout) draws from one of these, so the same seed replays the run.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** Standard normal, N(0, 1). */
  normal(): number;
}

/**
 * mulberry32: 32-bit state, integer arithmetic only (Math.imul and shifts), so the
 * stream is identical in every JavaScript engine.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  return {
    next,
    nextInt: (n) => Math.floor(next() * n),
    // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}

/** Fisher–Yates shuffle in place: every permutation equally likely. */
export function shuffle(array: Uint32Array | Int32Array, rng: Rng): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
}
