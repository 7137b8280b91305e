/** One step of a JSON path: an object key or an array index. */
export type JsonPathStep = string | number;

const STEP =
  /^(?:\.([A-Za-z_$][\w$-]*)|\[\s*(\d+)\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\])/;

/**
 * The steps of a KDA-style JSON path (`$.page.url`, `$.items[0].id`, `$["user id"]`), or a
 * message saying what is wrong with it.
 */
export function parseJsonPath(path: string): readonly JsonPathStep[] | { readonly error: string } {
  if (!path.startsWith('$')) return { error: `a JSON path starts with "$", got "${path}"` };
  const steps: JsonPathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const match = STEP.exec(rest);
    if (match === null) {
      return {
        error: `cannot read JSON path "${path}" at "${rest}"; write steps as .name, [0] or ["name"]`,
      };
    }
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else steps.push((match[3] ?? match[4] ?? '').replace(/\\(.)/g, '$1'));
    rest = rest.slice(match[0].length);
  }
  return steps;
}

/** The value at `steps` inside `value`, or `undefined` when the path leads nowhere. */
export function readJsonPath(value: unknown, steps: readonly JsonPathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = ownValue(current, step);
  }
  return current;
}

/**
 * `object[key]` when the object has the key itself: a record without a `constructor` or
 * `toString` field must not read `Object.prototype`'s functions as that column's value.
 */
export function ownValue(object: object, key: string | number): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string | number, unknown>)[key] : undefined;
}

/** Whether every object has `key` through its prototype (`constructor`, `toString`, ...). */
export function isInheritedKey(key: string | number): boolean {
  return key in Object.prototype;
}
