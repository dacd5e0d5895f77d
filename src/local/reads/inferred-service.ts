/**
 * Naming of the downstream services X-Ray infers from `aws` and `remote` subsegments, and the
 * service identity of a segment.
 */
import type { SegmentDocument } from '../trace-view.js';
import type { ServiceId } from './api-types.js';

/** Canonical spellings of AWS service names; the Go SDK names subsegments in lower case. */
const AWS_SERVICE_NAMES: Record<string, string> = {
  dynamodb: 'DynamoDB',
  s3: 'S3',
  sqs: 'SQS',
  sns: 'SNS',
  lambda: 'Lambda',
  sts: 'STS',
  kinesis: 'Kinesis',
  firehose: 'Firehose',
  ec2: 'EC2',
  ecs: 'ECS',
  ssm: 'SSM',
  secretsmanager: 'SecretsManager',
  kms: 'KMS',
  eventbridge: 'EventBridge',
  stepfunctions: 'StepFunctions',
  sfn: 'StepFunctions',
  cloudwatch: 'CloudWatch',
  logs: 'Logs',
};

/** A node's identity: the graph key plus what the API shows of it. */
export interface ServiceRef {
  key: string;
  id: ServiceId & { Name: string };
  inferred: boolean;
}

function keyOf(name: string, type: string | undefined): string {
  return `${name}\u0000${type ?? ''}`;
}

/** The service a segment reports: its `name`, with `origin` as the type and `aws.account_id`. */
export function segmentService(segment: SegmentDocument): ServiceRef {
  const name = String(segment.name);
  const type = typeof segment.origin === 'string' && segment.origin !== '' ? segment.origin : undefined;
  const account = segment.aws?.['account_id'];
  const id: ServiceRef['id'] = { Name: name, Names: [name] };
  if (typeof account === 'string' && account !== '') id.AccountId = account;
  if (type !== undefined) id.Type = type;
  return { key: keyOf(name, type), id, inferred: false };
}

/**
 * The inferred service called by an `aws`/`remote` subsegment: DynamoDB calls name the table
 * (`AWS::DynamoDB::Table`), other AWS calls are `AWS::<Service>` named by the subsegment, remote
 * HTTP calls are type `remote` named by the subsegment (the host). Undefined for other subsegments.
 */
export function inferredService(sub: SegmentDocument): ServiceRef | undefined {
  const name = typeof sub.name === 'string' ? sub.name : '';
  if (name === '') return undefined;
  if (sub.namespace === 'remote') return inferred(name, 'remote');
  if (sub.namespace !== 'aws') return undefined;
  const service = AWS_SERVICE_NAMES[name.toLowerCase()] ?? name;
  const table = sub.aws?.['table_name'];
  if (service === 'DynamoDB' && typeof table === 'string' && table !== '') {
    return inferred(table, 'AWS::DynamoDB::Table');
  }
  return inferred(name, `AWS::${service}`);
}

function inferred(name: string, type: string): ServiceRef {
  return { key: keyOf(name, type), id: { Name: name, Names: [name], Type: type }, inferred: true };
}

/** The graph's client node, upstream of every entry segment. */
export const CLIENT_SERVICE: ServiceRef = {
  key: keyOf('client', 'client'),
  id: { Name: 'client', Names: ['client'], Type: 'client' },
  inferred: true,
};
