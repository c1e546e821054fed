/**
 * A chart series that never grows past a cap: when full it keeps every other point and
 * from then on accepts only every other new point, so a 200-epoch run holds as few points
 * as a 2-epoch one, spread evenly over the whole run.
 */
export interface DecimatedSeries<T> {
  points: T[];
  /** Keep one new point out of `stride`. */
  stride: number;
  /** New points seen since the last one kept. */
  skipped: number;
}

export function emptySeries<T>(): DecimatedSeries<T> {
  return { points: [], stride: 1, skipped: 0 };
}

/** Returns a new series with `point` added (or counted as skipped); `cap` must be at least 2. */
export function appendPoint<T>(series: DecimatedSeries<T>, point: T, cap: number): DecimatedSeries<T> {
  if (series.skipped + 1 < series.stride) return { ...series, skipped: series.skipped + 1 };
  const points = [...series.points, point];
  if (points.length <= cap) return { points, stride: series.stride, skipped: 0 };
  // When the newest point falls on an odd index it is dropped, and counts as skipped for the doubled stride.
  const droppedNewest = (points.length - 1) % 2 === 1;
  return {
    points: points.filter((_, i) => i % 2 === 0),
    stride: series.stride * 2,
    skipped: droppedNewest ? series.stride : 0,
  };
}

export function appendPoints<T>(series: DecimatedSeries<T>, points: readonly T[], cap: number): DecimatedSeries<T> {
  let result = series;
  for (const point of points) result = appendPoint(result, point, cap);
  return result;
}
