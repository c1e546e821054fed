import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, runReset, setBothCores } from './actions';
import { PRESETS } from './presets';
import { resetStore, useAppStore } from './store';

/** A page's global scope: isolated or not, on a machine of `cores` cores. */
function stubPage(isolated: boolean, cores: number | undefined): void {
  vi.stubGlobal('crossOriginIsolated', isolated);
  vi.stubGlobal('navigator', cores === undefined ? {} : { hardwareConcurrency: cores });
}

afterEach(() => {
  vi.unstubAllGlobals();
  resetStore();
});

describe('"Use both cores" on a fresh page', () => {
  it('starts on where the page is cross-origin isolated and has two cores or more', () => {
    stubPage(true, 2);
    resetStore();
    expect(useAppStore.getState().bothCores).toBe(true);
    stubPage(true, 8);
    resetStore();
    expect(useAppStore.getState().bothCores).toBe(true);
  });

  it('starts off without isolation, on one core, or where the browser does not say how many', () => {
    for (const [isolated, cores] of [
      [false, 8],
      [true, 1],
      [true, undefined],
    ] as const) {
      stubPage(isolated, cores);
      resetStore();
      expect(useAppStore.getState().bothCores, `isolated ${isolated}, ${cores} cores`).toBe(false);
    }
  });

  it('keeps the choice made with the checkbox through new configs and a reset', () => {
    stubPage(true, 2);
    resetStore();
    setBothCores(false);
    loadConfig(PRESETS[PRESETS.length - 1].config);
    runReset();
    expect(useAppStore.getState().bothCores).toBe(false);
    stubPage(false, 1);
    resetStore();
    setBothCores(true);
    loadConfig(PRESETS[0].config);
    runReset();
    expect(useAppStore.getState().bothCores).toBe(true);
  });
});
