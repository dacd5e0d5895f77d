/**
 * The console's small dealings with filter expression text: quoting a service name into a
 * filter, and finding the position an API syntax error points at.
 */

/** `service("name")`, with quotes and backslashes in the name escaped. */
export function serviceFilter(name: string): string {
  return `service("${name.replace(/["\\]/g, (c) => `\\${c}`)}")`;
}

/**
 * Reads "position 12" (also "column 12", "offset 12", "at 12", "character 12") from an error
 * message: a 0-based offset into the expression, as the local API reports it. Undefined when
 * there is none or it lies outside the expression.
 */
export function errorPosition(message: string, length: number): number | undefined {
  const match = /\b(?:position|column|offset|at|char(?:acter)?)\s*:?\s*(\d+)/i.exec(message);
  if (match?.[1] === undefined) return undefined;
  const n = Number(match[1]);
  return Number.isInteger(n) && n >= 0 && n <= length ? n : undefined;
}

/** `edge("from", "to")`: the traces with a call from one service to the other. */
export function edgeFilter(from: string, to: string): string {
  const quote = (name: string) => `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  return `edge(${quote(from)}, ${quote(to)})`;
}

/**
 * `annotation.key = value` for one annotation: strings quoted, numbers and booleans bare.
 * Undefined for keys the grammar cannot name (annotation keys are letters, digits and `_`).
 */
export function annotationFilter(key: string, value: unknown): string | undefined {
  if (!/^[A-Za-z0-9_]+$/.test(key)) return undefined;
  if (typeof value === 'string') return `annotation.${key} = "${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return `annotation.${key} = ${String(value)}`;
  return undefined;
}
