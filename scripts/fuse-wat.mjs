/**
 * The fused twin of a kernel source: every running sum written
 *   (f32x4.add (local.get $sum) (f32x4.mul A B))
 * becomes
 *   (f32x4.relaxed_madd A B (local.get $sum))
 * which relaxed SIMD lets the engine compile to one fused multiply-add (a single rounding)
 * where the CPU has one, and to the same multiply and add elsewhere. Each kernel is thus
 * written once and both builds keep its order of sums. Returns the text and how many sums
 * it rewrote.
 */
export function fuseMultiplyAdds(text) {
  const head = /\(f32x4\.add (\(local\.get \$[\w.]+\)) \(f32x4\.mul\s+/g;
  let fused = '';
  let copied = 0;
  let count = 0;
  for (let match = head.exec(text); match; match = head.exec(text)) {
    let at = head.lastIndex;
    const factors = [];
    while (factors.length < 2) {
      at = skipSpace(text, at);
      const start = at;
      at = expressionEnd(text, at);
      factors.push(text.slice(start, at));
    }
    at = skipSpace(text, at);
    if (text.slice(at, at + 2) !== '))') {
      throw new Error(`fuse-wat: a multiply with more than two operands at line ${text.slice(0, at).split('\n').length}`);
    }
    fused += `${text.slice(copied, match.index)}(f32x4.relaxed_madd ${factors[0]} ${factors[1]} ${match[1]})`;
    copied = at + 2;
    head.lastIndex = copied;
    count++;
  }
  return { text: fused + text.slice(copied), count };
}

function skipSpace(text, at) {
  while (/\s/.test(text[at] ?? '')) at++;
  return at;
}

/** Where the S-expression (or the single token) starting at `at` ends. */
function expressionEnd(text, at) {
  if (text[at] !== '(') {
    while (at < text.length && !/[\s()]/.test(text[at])) at++;
    return at;
  }
  let depth = 0;
  do {
    if (at >= text.length) throw new Error('fuse-wat: unbalanced parentheses');
    if (text[at] === '(') depth++;
    else if (text[at] === ')') depth--;
    at++;
  } while (depth > 0);
  return at;
}
