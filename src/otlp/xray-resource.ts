/**
 * The resource of a segment document (shared by its embedded subsegments): the service, the host
 * blocks of `aws` (ec2, ecs, eks, elastic_beanstalk), the X-Ray SDK and the origin, in the resource
 * semantic conventions, as the Collector's awsxrayreceiver does (aws.go, sdk.go).
 */
import type { OtlpKeyValue } from './proto/otlp-trace-codec.js';
import { AttributeList, field, isObject } from './otlp-values.js';
import { XRAY_ATTR } from './xray-attribute-names.js';

/** X-Ray origins and the `cloud.platform` value of each. */
const PLATFORM_BY_ORIGIN: Record<string, string> = {
  'AWS::EC2::Instance': 'aws_ec2',
  'AWS::ECS::Container': 'aws_ecs',
  'AWS::ECS::Fargate': 'aws_ecs',
  'AWS::EKS::Container': 'aws_eks',
  'AWS::ElasticBeanstalk::Environment': 'aws_elastic_beanstalk',
  'AWS::Lambda::Function': 'aws_lambda',
  'AWS::AppRunner::Service': 'aws_app_runner',
};

/** Host fields of the `aws` block: [block, field, resource attribute] (awsxrayreceiver's aws.go, plus the ECS ARNs). */
const HOST_FIELDS: [string, string, string][] = [
  ['ec2', 'availability_zone', 'cloud.availability_zone'],
  ['ec2', 'instance_id', 'host.id'],
  ['ec2', 'instance_size', 'host.type'],
  ['ec2', 'ami_id', 'host.image.id'],
  ['ecs', 'container', 'container.name'],
  ['ecs', 'container_id', 'container.id'],
  ['ecs', 'availability_zone', 'cloud.availability_zone'],
  ['ecs', 'task_arn', 'aws.ecs.task.arn'],
  ['ecs', 'container_arn', 'aws.ecs.container.arn'],
  ['ecs', 'cluster_arn', 'aws.ecs.cluster.arn'],
  ['eks', 'cluster_name', 'k8s.cluster.name'],
  ['eks', 'pod', 'k8s.pod.name'],
  ['eks', 'container_id', 'container.id'],
];

/** `X-Ray for Node.js` -> `nodejs`: the telemetry.sdk.language values of the SDKs AWS ships. */
function sdkLanguage(sdk: string): string | undefined {
  const i = sdk.indexOf('for ');
  if (i < 0) return undefined;
  const lang = sdk.slice(i + 4).trim().toLowerCase();
  return ({ 'node.js': 'nodejs', '.net': 'dotnet', 'c#': 'dotnet' } as Record<string, string>)[lang] ?? lang;
}

export function resourceAttributes(doc: Record<string, unknown>): OtlpKeyValue[] {
  const attrs = new AttributeList();
  attrs.putString('service.name', doc.name);
  attrs.putString('service.version', field(doc.service, 'version'));
  const aws = doc.aws;
  const origin = typeof doc.origin === 'string' ? doc.origin : undefined;
  if (isObject(aws) || origin?.startsWith('AWS::')) attrs.putString('cloud.provider', 'aws');
  if (origin) attrs.putString('cloud.platform', PLATFORM_BY_ORIGIN[origin]);
  attrs.putString('cloud.resource_id', doc.resource_arn);
  attrs.putString(XRAY_ATTR.resourceArn, doc.resource_arn);
  if (!isObject(aws)) return attrs.list;
  attrs.putString('cloud.account.id', aws.account_id);
  for (const [block, key, name] of HOST_FIELDS) attrs.putString(name, field(aws[block], key));
  const beanstalk = aws.elastic_beanstalk;
  attrs.putString('service.namespace', field(beanstalk, 'environment_name'));
  const deployment = field(beanstalk, 'deployment_id');
  if (typeof deployment === 'number' || typeof deployment === 'string') attrs.putString('service.instance.id', String(deployment));
  attrs.putString('service.version', field(beanstalk, 'version_label'));
  const sdk = field(aws.xray, 'sdk');
  attrs.putString('telemetry.sdk.version', field(aws.xray, 'sdk_version'));
  if (typeof sdk === 'string') {
    attrs.putString('telemetry.sdk.name', sdk);
    attrs.putString('telemetry.sdk.language', sdkLanguage(sdk));
  }
  return attrs.list;
}
