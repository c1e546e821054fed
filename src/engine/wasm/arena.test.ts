import { describe, expect, it } from 'vitest';
import { allFinite, WasmArena } from './arena.ts';

describe('WasmArena.allFinite', () => {
  for (const shared of [false, true]) {
    it(`finds a NaN or infinity at any place of views of any length${shared ? ', on a shared memory' : ''}`, () => {
      const arena = new WasmArena(1 << 16, shared);
      // Views after one of odd length: the kernel must start wherever a view starts and stop at its end.
      arena.floats(3).fill(Number.NaN);
      for (const length of [0, 1, 3, 4, 5, 8, 17, 1001]) {
        const view = arena.floats(length);
        // The slack after the view holds a NaN the check must not read.
        new Float32Array(arena.memory.buffer, view.byteOffset + 4 * length, 4).fill(Number.NaN);
        for (let i = 0; i < length; i++) view[i] = (i % 7) * 1e30 - 3e30;
        expect(arena.allFinite(view)).toBe(true);
        for (const bad of [Number.NaN, Infinity, -Infinity]) {
          for (const at of new Set([0, length >> 1, length - 2, length - 1].filter((i) => i >= 0 && i < length))) {
            const kept = view[at];
            view[at] = bad;
            expect(arena.allFinite(view), `${bad} at ${at} of ${length}`).toBe(false);
            expect(allFinite(view)).toBe(false);
            view[at] = kept;
          }
        }
      }
    });
  }

  it('refuses a view of another memory', () => {
    expect(() => new WasmArena(1 << 16).allFinite(new Float32Array(4))).toThrow(/not in this memory/);
  });
});
