/**
 * X-Ray filter expressions (GetTraceSummaries `FilterExpression`) for the local backend.
 * Grammar: parser.ts; what each keyword means for a stored trace: trace-facts.ts (top level)
 * and service-graph.ts (inside service()/edge()).
 */
export { FilterSyntaxError, FilterUnsupportedError } from './errors.js';
export { compileFilter } from './compile.js';
