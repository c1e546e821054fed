/**
 * Exact Euclidean distance transform (Felzenszwalb & Huttenlocher, "Distance Transforms of
 * Sampled Functions"): for every pixel, the distance to the nearest pixel where `isSite`
 * holds. Two passes of a 1-D lower envelope of parabolas, linear in the pixel count.
 */
export function distanceTransform(width: number, height: number, isSite: (index: number) => boolean): Float32Array {
  const far = (width + height) ** 2;
  const squared = new Float64Array(width * height);
  for (let i = 0; i < squared.length; i++) squared[i] = isSite(i) ? 0 : far;

  const longest = Math.max(width, height);
  const line = new Float64Array(longest);
  const out = new Float64Array(longest);
  const hulls = new Int32Array(longest);
  const bounds = new Float64Array(longest + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) line[y] = squared[y * width + x];
    envelope(line, height, out, hulls, bounds);
    for (let y = 0; y < height; y++) squared[y * width + x] = out[y];
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) line[x] = squared[y * width + x];
    envelope(line, width, out, hulls, bounds);
    for (let x = 0; x < width; x++) squared[y * width + x] = out[x];
  }
  const distances = new Float32Array(squared.length);
  for (let i = 0; i < squared.length; i++) distances[i] = Math.sqrt(squared[i]);
  return distances;
}

/** out[q] = min over p of (q − p)² + f[p], for q in [0, n). */
function envelope(f: Float64Array, n: number, out: Float64Array, hulls: Int32Array, bounds: Float64Array): void {
  let k = 0;
  hulls[0] = 0;
  bounds[0] = -Infinity;
  bounds[1] = Infinity;
  for (let q = 1; q < n; q++) {
    // Where the parabola rooted at q crosses the rightmost one of the envelope, rooted at p < q.
    const fq = f[q] + q * q;
    let p = hulls[k];
    let s = (fq - (f[p] + p * p)) / (2 * (q - p));
    while (s <= bounds[k]) {
      k--;
      p = hulls[k];
      s = (fq - (f[p] + p * p)) / (2 * (q - p));
    }
    k++;
    hulls[k] = q;
    bounds[k] = s;
    bounds[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (bounds[k + 1] < q) k++;
    const p = hulls[k];
    out[q] = (q - p) * (q - p) + f[p];
  }
}
