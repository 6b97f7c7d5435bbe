/**
 * JSON text of values read from files and sockets, whatever their depth. `JSON.parse` reads
 * 100,000 levels of nesting without complaint, but `JSON.stringify` recurses and throws
 * `RangeError: Maximum call stack size exceeded` on the way back: a capture with such a value
 * could be opened and then not exported, shown raw or searched. These helpers never recurse.
 */

type Task = string | { readonly value: unknown; readonly key: string; readonly inArray: boolean };

function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** `JSON.stringify(value)` written with an explicit stack instead of recursion. */
function stringifyIteratively(root: unknown): string | undefined {
  const out: string[] = [];
  const tasks: Task[] = [{ value: root, key: '', inArray: false }];
  for (let task = tasks.pop(); task !== undefined; task = tasks.pop()) {
    if (typeof task === 'string') {
      out.push(task);
      continue;
    }
    let value = task.value;
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ) {
      value = (value as { toJSON: (key: string) => unknown }).toJSON(task.key);
    }
    if (value === null) {
      out.push('null');
      continue;
    }
    switch (typeof value) {
      case 'string':
        out.push(JSON.stringify(value));
        continue;
      case 'number':
        out.push(Number.isFinite(value) ? JSON.stringify(value) : 'null');
        continue;
      case 'boolean':
        out.push(value ? 'true' : 'false');
        continue;
      case 'bigint':
        throw new TypeError('Do not know how to serialize a BigInt');
      case 'undefined':
      case 'function':
      case 'symbol':
        if (task.inArray) out.push('null');
        else if (out.length === 0 && tasks.length === 0) return undefined;
        continue;
      default:
        break;
    }
    if (Array.isArray(value)) {
      const items = value as readonly unknown[];
      if (items.length === 0) {
        out.push('[]');
        continue;
      }
      tasks.push(']');
      for (let k = items.length - 1; k >= 0; k--) {
        tasks.push({ value: items[k], key: String(k), inArray: true });
        tasks.push(k === 0 ? '[' : ',');
      }
      continue;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => !omitted(record[k]));
    if (keys.length === 0) {
      out.push('{}');
      continue;
    }
    tasks.push('}');
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k] as string;
      tasks.push({ value: record[key], key, inArray: false });
      tasks.push(`${k === 0 ? '{' : ','}${JSON.stringify(key)}:`);
    }
  }
  return out.join('');
}

/**
 * `JSON.stringify(value, null, space)` that does not overflow the stack on deeply nested
 * values: those (where `JSON.stringify` gives up) come back compact, without indentation.
 * Like `JSON.stringify` it gives undefined for undefined, a function or a symbol, and throws
 * a TypeError for a cycle or a BigInt.
 *
 * @example
 * let deep: unknown = 1;
 * for (let k = 0; k < 100_000; k++) deep = [deep];
 * stringifyJson(deep)?.length; // 200,001
 */
export function stringifyJson(value: unknown, space?: number): string | undefined {
  try {
    return JSON.stringify(value, null, space);
  } catch (error) {
    // A cycle or a BigInt (TypeError) is the caller's; anything else is the engine's stack
    // (V8: RangeError "Maximum call stack size exceeded"; Firefox: InternalError).
    if (error instanceof TypeError) throw error;
  }
  return stringifyIteratively(value);
}
