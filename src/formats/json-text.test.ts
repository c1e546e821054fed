import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonTextError, locateJsonError, parseJsonText } from './json-text.ts';

function errorOf(text: string): JsonTextError {
  try {
    parseJsonText(text);
  } catch (error) {
    if (error instanceof JsonTextError) return error;
    throw error;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseJsonText', () => {
  it('parses valid JSON, with or without a byte-order mark', () => {
    expect(parseJsonText('{"a": [1, 2]}')).toEqual({ a: [1, 2] });
    expect(parseJsonText('\uFEFF[true]')).toEqual([true]);
  });

  it.each([
    ['{"a": 1,}', 1, 9, "trailing comma before '}'"],
    ['[1, 2,\n]', 2, 1, "trailing comma before ']'"],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "unexpected '\"'; expected ',' or '}'"],
    ['{"a" 1}', 1, 6, "unexpected '1'; expected ':' after a property name"],
    ["{'a': 1}", 1, 2, `unexpected "'"; expected a double-quoted property name`],
    ['{"a": 1', 1, 8, 'unexpected end of input'],
    ['', 1, 1, 'unexpected end of input'],
    ['{"a": "b\n"}', 1, 9, 'control character inside a string (use an escape such as \\n)'],
    ['{"a": "b', 1, 7, 'unterminated string'],
    ['[1] x', 1, 5, "unexpected 'x' after the end of the JSON value"],
    ['[-]', 1, 2, 'invalid number'],
    ['{"a": tru}', 1, 7, "unexpected 't'; expected a value"],
    ['["\\x"]', 1, 3, 'bad escape in a string'],
  ])('locates the error in %j at line %i, column %i', (text, line, column, problem) => {
    const error = errorOf(text);
    expect([error.line, error.column, error.problem]).toEqual([line, column, problem]);
    expect(error.message).toBe(`line ${line}, column ${column}: ${problem}`);
  });

  it('locates an error after deep nesting without overflowing the stack', () => {
    const text = '['.repeat(200_000) + ']'.repeat(199_999) + '}';
    expect(errorOf(text).column).toBe(400_000);
  });

  it('agrees with JSON.parse on which texts are valid', () => {
    const valid = fc.json();
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', '{', '[', 'x', '\n', '\\', '-', '.'), fc.nat(3))
      .map(([text, at, insert, drop]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + drop);
      });
    fc.assert(
      fc.property(fc.oneof(valid, mutated, fc.string()), (text) => {
        let parsed = true;
        try {
          JSON.parse(text);
        } catch {
          parsed = false;
        }
        expect(locateJsonError(text) === null).toBe(parsed);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseJsonText with onProgress', () => {
  const longList = (count: number, value: (i: number) => string) => `[${Array.from({ length: count }, (_, i) => value(i)).join(',')}]`;

  it('reports progress at least every 4,096 numbers of a long list, even of the shortest numbers', () => {
    const count = 100_000;
    const text = `{"weights": ${longList(count, () => '0')}, "biases": ${longList(count, (i) => String(-i / 7))}}`;
    let calls = 0;
    const parsed = parseJsonText(text, () => calls++);
    expect(parsed).toEqual(JSON.parse(text));
    expect(calls).toBeGreaterThanOrEqual(2 * Math.ceil(count / 4096));
  });

  it.each([
    ['a long list inside a string', `{"note": "${longList(20_000, String)}", "list": ${longList(20_000, String)}}`],
    ['lists of lists and of mixed values', `[${longList(20_000, String)}, [${longList(20_000, String)}], ${longList(20_000, (i) => (i === 19_999 ? '"x"' : String(i)))}]`],
    ['a string holding the escape the lists are marked with', `{"a": "\\u0000 0", "b": ${longList(20_000, String)}}`],
    ['numbers spaced and written every way', `{"w": [ ${longList(20_000, (i) => ` -${i}.5e-3 `).slice(1, -1)} ]}`],
  ])('reads %s as JSON.parse does', (_, text) => {
    let calls = 0;
    expect(parseJsonText(text, () => calls++)).toEqual(JSON.parse(text));
  });

  it.each([
    ['a comma too many', `[${longList(20_000, String).slice(1, -1)}, ]`],
    ['a missing comma', `[${longList(20_000, String).slice(1, -1)} 5]`],
    ['a list never closed', `{"w": ${longList(20_000, String).slice(0, -1)}`],
    ['text after the end', `${longList(20_000, String)} x`],
  ])('names the same problem as without progress for %s', (_, text) => {
    expect(() => parseJsonText(text, () => {})).toThrow(errorOf(text).message);
  });
});
