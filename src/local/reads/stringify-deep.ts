/**
 * JSON.stringify that survives arbitrarily deep values. A 64 KB datagram can nest subsegments
 * thousands of levels deep; JSON.parse accepts that but the native JSON.stringify overflows the
 * stack (RangeError) somewhere around 2,000-3,000 levels. The native call is tried first (fast,
 * and right for every realistic document); only on RangeError does an iterative serializer with
 * the same output take over. Input is parsed JSON, so it has no cycles, toJSON or BigInt.
 */

type Frame = { arr: unknown[]; i: number } | { obj: Record<string, unknown>; keys: string[]; i: number; first: boolean };

function isSkipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** Exported for tests: same output as JSON.stringify, without recursion. */
export function iterativeStringify(root: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (v: unknown): void => {
    if (Array.isArray(v)) {
      out.push('[');
      stack.push({ arr: v, i: 0 });
    } else if (typeof v === 'object' && v !== null) {
      out.push('{');
      stack.push({ obj: v as Record<string, unknown>, keys: Object.keys(v), i: 0, first: true });
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  };
  open(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if ('arr' in top) {
      if (top.i >= top.arr.length) {
        out.push(']');
        stack.pop();
        continue;
      }
      if (top.i > 0) out.push(',');
      const v = top.arr[top.i++];
      open(isSkipped(v) ? null : v);
    } else {
      if (top.i >= top.keys.length) {
        out.push('}');
        stack.pop();
        continue;
      }
      const key = top.keys[top.i++];
      const v = top.obj[key];
      if (isSkipped(v)) continue;
      if (!top.first) out.push(',');
      top.first = false;
      out.push(JSON.stringify(key), ':');
      open(v);
    }
  }
  return out.join('');
}

export function stringifyDeep(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return iterativeStringify(value);
  }
}
