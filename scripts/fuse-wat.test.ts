import { describe, expect, it } from 'vitest';
import { fuseMultiplyAdds } from './fuse-wat.mjs';

describe('fuseMultiplyAdds', () => {
  it('turns each running sum of a product into one relaxed multiply-add, operands in order', () => {
    const source = [
      '(local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $u0))))',
      '(local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $w)))))',
      '(local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul',
      '  (v128.load (local.get $d))',
      '  (local.get $x))))',
    ].join('\n');
    const { text, count } = fuseMultiplyAdds(source);
    expect(count).toBe(3);
    expect(text).toBe(
      [
        '(local.set $a0 (f32x4.relaxed_madd (local.get $v) (local.get $u0) (local.get $a0)))',
        '(local.set $a1 (f32x4.relaxed_madd (local.get $v) (v128.load offset=16 (local.get $w)) (local.get $a1)))',
        '(local.set $a2 (f32x4.relaxed_madd (v128.load (local.get $d)) (local.get $x) (local.get $a2)))',
      ].join('\n'),
    );
  });

  it('leaves other arithmetic alone', () => {
    const source = '(f32x4.add (f32x4.mul (local.get $a) (local.get $b)) (local.get $c)) (f32x4.mul (local.get $a) (local.get $b))';
    expect(fuseMultiplyAdds(source)).toEqual({ text: source, count: 0 });
  });

  it('refuses a sum it cannot rewrite rather than changing its meaning', () => {
    expect(() => fuseMultiplyAdds('(f32x4.add (local.get $a) (f32x4.mul (local.get $b) (local.get $c)) (local.get $d))')).toThrow(/line 1/);
  });
});
