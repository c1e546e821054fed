/**
 * JSON.parse with an error that says where: engines disagree on their messages (V8 gives
 * a character offset for some errors and none for others, Firefox a line and column), so
 * when JSON.parse fails we scan the text ourselves to find the first bad character.
 */
import { errorText } from './error-text';

export class JsonTextError extends Error {
  override name = 'JsonTextError';
  constructor(
    readonly problem: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${problem}`);
  }
}

/**
 * `onProgress`, when given, is called at least every VALUES_PER_PROGRESS numbers of a long
 * list (a model's weights), for a caller that must show it is alive: one JSON.parse of a
 * large model held the thread for many seconds.
 */
export function parseJsonText(text: string, onProgress?: () => void): unknown {
  // Editors on Windows may start a UTF-8 file with a byte-order mark, which JSON.parse refuses.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (onProgress) {
    const sliced = parseInSlices(text, onProgress);
    if (sliced.parsed) return sliced.value;
    onProgress();
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const found = locateJsonError(text) ?? { offset: 0, problem: errorText(error) };
    const { line, column } = lineAndColumn(text, found.offset);
    throw new JsonTextError(found.problem, line, column);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

interface Located {
  offset: number;
  problem: string;
}

type Expect = 'value' | 'first-value' | 'key' | 'first-key' | 'colon' | 'comma-or-close' | 'end';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

function shown(char: string): string {
  return char === "'" ? `"'"` : `'${char}'`;
}

/** End offset of the string starting at `start` (a '"'), or the problem found in it. */
function scanString(text: string, start: number): number | Located {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return i + 1;
    if (c.charCodeAt(0) < 0x20) return { offset: i, problem: 'control character inside a string (use an escape such as \\n)' };
    if (c === '\\') {
      const next = text[i + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, problem: 'bad \\u escape in a string' };
        i += 5;
      } else if (next !== undefined && ESCAPES.has(next)) {
        i++;
      } else {
        return { offset: i, problem: 'bad escape in a string' };
      }
    }
  }
  return { offset: start, problem: 'unterminated string' };
}

/**
 * The first syntax error in `text`, scanned without recursion so that deeply nested
 * input cannot overflow the stack. Null if the scanner finds none.
 */
export function locateJsonError(text: string): Located | null {
  const stack: ('object' | 'array')[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const afterValue = (): Expect => (stack.length > 0 ? 'comma-or-close' : 'end');
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
    if (i >= text.length) return expect === 'end' ? null : { offset: i, problem: 'unexpected end of input' };
    const c = text[i];
    // A container closed right after it opened ends like one closed after its last element.
    if ((expect === 'first-value' && c === ']') || (expect === 'first-key' && c === '}')) expect = 'comma-or-close';
    switch (expect) {
      case 'value':
      case 'first-value': {
        if (c === ']' && stack.at(-1) === 'array') {
          return { offset: i, problem: "trailing comma before ']'" };
        } else if (c === '{' || c === '[') {
          stack.push(c === '{' ? 'object' : 'array');
          i++;
          expect = c === '{' ? 'first-key' : 'first-value';
        } else if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          expect = afterValue();
        } else if (c === '-' || (c >= '0' && c <= '9')) {
          NUMBER.lastIndex = i;
          const match = NUMBER.exec(text);
          if (!match) return { offset: i, problem: 'invalid number' };
          i += match[0].length;
          expect = afterValue();
        } else {
          const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
          if (!literal) return { offset: i, problem: `unexpected ${shown(c)}; expected a value` };
          i += literal.length;
          expect = afterValue();
        }
        break;
      }
      case 'key':
      case 'first-key': {
        if (c === '}') {
          return { offset: i, problem: "trailing comma before '}'" };
        } else if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          expect = 'colon';
        } else {
          return { offset: i, problem: `unexpected ${shown(c)}; expected a double-quoted property name` };
        }
        break;
      }
      case 'colon':
        if (c !== ':') return { offset: i, problem: `unexpected ${shown(c)}; expected ':' after a property name` };
        i++;
        expect = 'value';
        break;
      case 'comma-or-close': {
        const close = stack.at(-1) === 'object' ? '}' : ']';
        if (c === ',') {
          i++;
          expect = stack.at(-1) === 'object' ? 'key' : 'value';
        } else if (c === close) {
          stack.pop();
          i++;
          expect = afterValue();
        } else {
          return { offset: i, problem: `unexpected ${shown(c)}; expected ',' or '${close}'` };
        }
        break;
      }
      case 'end':
        return { offset: i, problem: `unexpected ${shown(c)} after the end of the JSON value` };
    }
  }
}

/** Numbers parsed between two calls of `onProgress`; a number and its comma take at least two characters. */
export const VALUES_PER_PROGRESS = 1 << 12;
const SLICE_CHARS = 2 * VALUES_PER_PROGRESS;
/** Shorter lists are left to the one JSON.parse of the rest. */
const LONG_LIST_CHARS = 4 * SLICE_CHARS;
/** Stands in for a long list in the rest of the text; a file holding this escape is parsed whole. */
const MARK = '\\u0000';
const STRING_OR_LIST = /"[^"\\]*(?:\\.[^"\\]*)*"|\[/g;

/**
 * Long lists of numbers are cut out of the text and parsed a slice at a time, the rest (config,
 * metrics) in one JSON.parse with a mark in their place. Anything unexpected (invalid JSON, a
 * list that is not all numbers) gives `parsed: false`, and the caller parses the text whole,
 * which also names the problem.
 */
function parseInSlices(text: string, onProgress: () => void): { parsed: true; value: unknown } | { parsed: false } {
  if (text.length < LONG_LIST_CHARS || text.includes(MARK)) return { parsed: false };
  const lists: number[][] = [];
  const rest: string[] = [];
  let copied = 0;
  STRING_OR_LIST.lastIndex = 0;
  for (let match = STRING_OR_LIST.exec(text); match; match = STRING_OR_LIST.exec(text)) {
    if (match[0] !== '[') continue;
    const open = match.index;
    if (!/\s*-?\d/y.test(text.slice(open + 1, open + 64))) continue;
    const close = text.indexOf(']', open);
    if (close < 0 || close - open < LONG_LIST_CHARS) continue;
    const list = numbersBetween(text, open + 1, close, onProgress);
    if (!list) return { parsed: false };
    rest.push(text.slice(copied, open), `"${MARK}${lists.length}"`);
    lists.push(list);
    copied = close + 1;
    STRING_OR_LIST.lastIndex = copied;
  }
  rest.push(text.slice(copied));
  onProgress();
  let value: unknown;
  try {
    value = JSON.parse(rest.join(''));
  } catch {
    return { parsed: false };
  }
  onProgress();
  return { parsed: true, value: restoreLists(value, lists) };
}

/** The numbers of text[start, end) (a list's inside), or null if it is anything else. */
function numbersBetween(text: string, start: number, end: number, onProgress: () => void): number[] | null {
  const numbers: number[] = [];
  for (;;) {
    // Cut at a comma, so a slice holds whole numbers.
    const cut = end - start <= SLICE_CHARS ? end : text.lastIndexOf(',', start + SLICE_CHARS);
    if (cut <= start) return null;
    let slice: unknown[];
    try {
      slice = JSON.parse(`[${text.slice(start, cut)}]`) as unknown[];
    } catch {
      return null;
    }
    // An empty slice is a comma too many ("[1,]"), which one parse of the whole list refuses.
    if (slice.length === 0 || !slice.every((value) => typeof value === 'number')) return null;
    for (const value of slice as number[]) numbers.push(value);
    onProgress();
    if (cut === end) return numbers;
    start = cut + 1;
  }
}

function restoreLists(value: unknown, lists: number[][]): unknown {
  if (typeof value === 'string' && value.startsWith('\u0000')) return lists[Number(value.slice(1))];
  if (Array.isArray(value)) return value.map((item) => restoreLists(item, lists));
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const restored = restoreLists(record[key], lists);
      if (restored !== record[key]) record[key] = restored;
    }
  }
  return value;
}
