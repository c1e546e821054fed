/**
 * zod issues in the words our messages use: "field: must be …, got …", the field written
 * as a path (`layers[1].nodes`), the offending value shown briefly.
 */
import type { z } from 'zod';

/** How a value looks in a message: strings quoted, long values cut, containers named. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function pathName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)),
    '',
  );
}

const KINDS: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  tuple: 'a list',
};

/** Pass as `{ error: zodMessage }` to safeParse. */
export function zodMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${KINDS[issue.expected] ?? issue.expected}, ${got}`;
    case 'invalid_value':
      return `must be ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}, ${got}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must have at least ${issue.minimum} items, got ${Array.isArray(issue.input) ? issue.input.length : 0}`
        : `must be ≥ ${issue.minimum}, ${got}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `must have at most ${issue.maximum} items, got ${Array.isArray(issue.input) ? issue.input.length : 0}`
        : `must be ≤ ${issue.maximum}, ${got}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
    default:
      return undefined;
  }
}

/** Each issue as "path: message". */
export function issueTexts(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = pathName(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}
