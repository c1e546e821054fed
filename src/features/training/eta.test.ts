import { describe, expect, it } from 'vitest';
import type { LiveProgress } from '../../worker/api';
import { timeLeft } from './eta';

const progress = (epoch: number, samplesDone: number): LiveProgress => ({
  epoch,
  epochs: 10,
  samplesDone,
  samplesTotal: 1000,
  samplesPerSecond: 100,
  runningLoss: 1,
  runningAccuracy: 0.5,
});

describe('timeLeft', () => {
  it('says nothing before 3% of the run, however steady the rate', () => {
    expect(timeLeft(progress(1, 290), [100, 100, 100, 100], 4)).toBeNull();
  });

  it('says nothing while the last readings disagree, as they do while the first slow slices weigh on the average', () => {
    expect(timeLeft(progress(1, 500), [20, 60, 90, 100], 4)).toBeNull();
    expect(timeLeft(progress(1, 500), [100, 100, 100], 4)).toBeNull();
  });

  it('counts the time left from the last reading once the run is 3% in and the readings agree', () => {
    expect(timeLeft(progress(1, 300), [20, 95, 98, 100, 100], 4)).toEqual({ epoch: 7, run: 97 });
  });

  it('counts the share of the run across epochs', () => {
    // Epoch 2's first samples: 1,050 of 10,000 done.
    expect(timeLeft(progress(2, 50), [50, 50, 50, 50], 4)).toEqual({ epoch: 19, run: 179 });
  });
});
