import type { SegmentDocument } from '../trace-view.js';

export interface InferredNode {
  name: string;
  type: string;
}

/**
 * The node X-Ray infers for an `aws`/`remote` subsegment whose callee sent no segment:
 * a DynamoDB call (it carries `aws.table_name`) is the table (`AWS::DynamoDB::Table`);
 * another AWS call is `AWS::<subsegment name>` (the SDKs name them `S3`, `SQS`...);
 * a remote (HTTP) call is named after the subsegment (the host) with type `remote`.
 */
export function inferredNodeOf(sub: SegmentDocument): InferredNode {
  const name = typeof sub.name === 'string' ? sub.name : '';
  if (sub.namespace === 'aws') {
    const table = sub.aws?.table_name;
    if (typeof table === 'string' && table !== '') return { name: table, type: 'AWS::DynamoDB::Table' };
    return { name, type: `AWS::${name}` };
  }
  return { name, type: 'remote' };
}
