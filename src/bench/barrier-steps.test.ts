import { describe, expect, it } from 'vitest';
import { summary } from './barrier-steps.ts';

describe('bench:barrier summary', () => {
  it('counts what the steps took beyond the median step as lost, against the run\'s whole time', () => {
    // Nine steps of 1 ms and one stalled for 11: the median is 1 ms, 10 ms of the 20 are lost.
    const times = Float64Array.from([1, 1, 1, 1, 11, 1, 1, 1, 1, 1]);
    expect(summary(times)).toEqual({ rate: 500, median: 1, lost: 0.5 });
  });
});
