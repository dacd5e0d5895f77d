import type { SegmentDocument } from '../trace-view.js';
import { inferredService } from '../reads/inferred-service.js';

export interface InferredNode {
  name: string;
  type: string;
}

/**
 * The node X-Ray infers for an `aws`/`remote` subsegment whose callee sent no segment, named
 * exactly as the service map names it (reads/inferred-service.ts is the one rule: `AWS::S3` for a
 * Go SDK subsegment named `s3`, the table for a DynamoDB call, the host for a remote call), so a
 * filter written from what the map shows matches.
 */
export function inferredNodeOf(sub: SegmentDocument): InferredNode {
  const ref = inferredService(sub);
  if (ref) return { name: ref.id.Name, type: ref.id.Type ?? 'remote' };
  // no name: the map shows no node; filters still see a (nameless) call of this kind
  const name = typeof sub.name === 'string' ? sub.name : '';
  return { name, type: sub.namespace === 'aws' ? `AWS::${name}` : 'remote' };
}
