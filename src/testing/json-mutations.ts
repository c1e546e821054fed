/**
 * Random damage to valid JSON values and texts, for the property tests of the parsers:
 * the kind of file a user might hand-edit, truncate or mix up.
 */
import fc from 'fast-check';

type Json = unknown;

interface Mutation {
  /** Child picks on the way down; the walk stops early at a leaf. */
  path: number[];
  op: 'delete' | 'replace' | 'insert';
  value: Json;
}

/** Values that sit on the edges of what the parsers accept. */
const edgeValue = fc.constantFrom<Json>(
  0, -0, -1, 1, 0.5, 1.5, 2, 9, 10, 11, 783, 784, 785, 1e-300, 1e300, 3.5e38, 1e39, 2 ** 32, -(2 ** 31), Number.MAX_SAFE_INTEGER,
  '', 'Sigmoid', 'softmax', 'Softmax', 'ReLU', 'L1', 'L2', 'adam', 'he', '784', 'mnist-playground-model',
  null, true, false, [], {}, [784, 10], [784, 200, 10], { nodes: 784 }, { rows: 10, cols: 785, data: [] },
);

export const jsonValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), edgeValue);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 5 }),
  op: fc.constantFrom('delete', 'replace', 'replace', 'insert'),
  value: jsonValue,
});

function apply(root: Json, mutation: Mutation): Json {
  const { path, op } = mutation;
  // A fresh copy: fast-check hands out the same constant objects, and a later mutation may walk into this one.
  const value = structuredClone(mutation.value);
  let parent: Record<string, Json> | Json[] | null = null;
  let key: string | number = '';
  let node = root;
  for (const step of path) {
    if (Array.isArray(node) && node.length > 0) {
      parent = node;
      key = step % node.length;
    } else if (typeof node === 'object' && node !== null && Object.keys(node).length > 0) {
      const keys = Object.keys(node);
      parent = node as Record<string, Json>;
      key = keys[step % keys.length];
    } else {
      break;
    }
    node = (parent as Record<string | number, Json>)[key];
  }
  if (parent === null) return op === 'replace' ? value : root;
  if (Array.isArray(parent)) {
    const index = key as number;
    if (op === 'delete') parent.splice(index, 1);
    else if (op === 'insert') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (op === 'delete') {
    delete parent[key];
  } else {
    parent[op === 'insert' ? `extra${path.length}` : key] = value;
  }
  return root;
}

/** `base` (cloned) with one to three structural mutations. */
export function mutatedJson(base: Json): fc.Arbitrary<Json> {
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => mutations.reduce(apply, structuredClone(base)));
}

/** `text` with a few characters inserted, deleted or replaced, or cut short. */
export function mutatedText(text: string): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('', ',', '}', ']', '"', ':', '0', '-', 'e', '[', '{', 'null'));
  const cut = fc.nat().map((at) => text.slice(0, at % (text.length + 1)));
  const edited = fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) =>
    edits.reduce((current, [at, drop, insert]) => {
      const i = at % (current.length + 1);
      return current.slice(0, i) + insert + current.slice(i + drop);
    }, text),
  );
  return fc.oneof(cut, edited);
}
