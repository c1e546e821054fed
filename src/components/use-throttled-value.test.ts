// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useThrottledValue } from './use-throttled-value';

describe('useThrottledValue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes a change on after the delay, in a timer task of its own', () => {
    const { result, rerender } = renderHook(({ value }) => useThrottledValue(value, 500, 150), { initialProps: { value: 1 } });
    rerender({ value: 2 });
    expect(result.current).toBe(1);
    act(() => vi.advanceTimersByTime(149));
    expect(result.current).toBe(1);
    act(() => vi.advanceTimersByTime(1));
    expect(result.current).toBe(2);
  });

  it('passes on at most one value per interval, always the latest', () => {
    const { result, rerender } = renderHook(({ value }) => useThrottledValue(value, 500), { initialProps: { value: 0 } });
    rerender({ value: 1 });
    act(() => vi.advanceTimersByTime(0));
    expect(result.current).toBe(1);
    for (let value = 2; value <= 5; value++) {
      rerender({ value });
      act(() => vi.advanceTimersByTime(100));
    }
    // 400 ms after showing 1: still 1, then 5 at the 500 ms mark, skipping 2–4.
    expect(result.current).toBe(1);
    act(() => vi.advanceTimersByTime(100));
    expect(result.current).toBe(5);
  });
});
