/** The summary and graph builders of src/local/reads/, as the API route's `reads`. */
import { toApiTrace } from '../reads/api-trace.js';
import { buildServiceGraph } from '../reads/service-graph.js';
import { summarizeTrace } from '../reads/trace-summary.js';
import type { XrayReads } from './xray-reads.js';

export const defaultReads: XrayReads = { summarizeTrace, buildServiceGraph, toApiTrace };
