/** The parsed form of a filter expression (parser.ts builds it, compile.ts turns it into closures). */

export const BOOLEAN_KEYWORDS = ['ok', 'error', 'throttle', 'fault', 'partial', 'inferred', 'first', 'last', 'remote', 'root'] as const;
export const NUMBER_KEYWORDS = ['responsetime', 'duration', 'http.status', 'index', 'coverage'] as const;
export const STRING_KEYWORDS = [
  'http.url', 'http.method', 'http.useragent', 'http.clientip', 'user', 'name', 'type', 'message',
  'availabilityzone', 'instance.id', 'resource.arn',
] as const;

export type BooleanKeyword = (typeof BOOLEAN_KEYWORDS)[number];
export type NumberKeyword = (typeof NUMBER_KEYWORDS)[number];
export type StringKeyword = (typeof STRING_KEYWORDS)[number];

export type NumberOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type StringOp = '=' | '!=' | 'contains' | 'beginswith' | 'endswith';
export type BooleanOp = '=' | '!=';

export const NUMBER_OPS: readonly string[] = ['=', '!=', '<', '<=', '>', '>='];
export const STRING_OPS: readonly string[] = ['=', '!=', 'contains', 'beginswith', 'endswith'];

/** Picks service nodes: `"name"` is `{ name }`; `id(name: ..., type: ...)` sets either or both. */
export interface NodeSelector {
  name?: string;
  type?: string;
}

export type AnnotationLiteral = { type: 'string'; op: StringOp; value: string }
  | { type: 'number'; op: NumberOp; value: number }
  | { type: 'boolean'; op: BooleanOp; value: boolean };

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'boolean'; keyword: BooleanKeyword; expected: boolean }
  | { kind: 'number'; keyword: NumberKeyword; op: NumberOp; value: number }
  | { kind: 'string'; keyword: StringKeyword; op: StringOp; value: string }
  | { kind: 'annotation'; key: string; compare?: AnnotationLiteral }
  /** `target` undefined = any service (`service()`); `filter` undefined = the service is present. */
  | { kind: 'service'; target?: NodeSelector; filter?: FilterNode }
  | { kind: 'edge'; from: NodeSelector; to: NodeSelector; filter?: FilterNode };
