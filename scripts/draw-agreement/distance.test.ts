import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceTransform } from './distance';

describe('distanceTransform', () => {
  it('matches the brute-force nearest-site distance on random grids', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.boolean(), { minLength: 144, maxLength: 144 }),
        (width, height, bits) => {
          const isSite = (i: number) => bits[i];
          const sites = [...Array(width * height).keys()].filter(isSite);
          fc.pre(sites.length > 0);
          const distances = distanceTransform(width, height, isSite);
          for (let i = 0; i < width * height; i++) {
            const nearest = Math.min(
              ...sites.map((s) => Math.hypot((s % width) - (i % width), Math.floor(s / width) - Math.floor(i / width))),
            );
            expect(distances[i]).toBeCloseTo(nearest, 4);
          }
        },
      ),
    );
  });
});
