/**
 * The `aws`, `sql`, `service` and `origin` parts of a segment, after the Collector's awsxrayexporter
 * (`internal/translator/aws.go`, `sql.go`, `service.go`, and `determineAwsOrigin` in `segment.go`):
 * resource attributes describe where the service runs (EC2, ECS, EKS, Beanstalk, CloudWatch log
 * groups, the SDK); span attributes `aws.*` / `rpc.method` describe an AWS call; `db.*` of an SQL
 * database become the `sql` block. Consumed span attributes are not repeated as annotations/metadata.
 */
import { asString, asStringList, type Attributes } from './attribute-values.js';

type Json = Record<string, unknown>;

/** Removes undefined and empty-string fields, and returns undefined for an empty object (Go's omitempty). */
export function compact<T extends Json>(o: T): T | undefined {
  const out: Json = {};
  let any = false;
  for (const k in o) {
    const v = o[k];
    if (v !== undefined && v !== '' && v !== null) [out[k], any] = [v, true];
  }
  return any ? (out as T) : undefined;
}

const SPAN_AWS_KEYS: Record<string, string> = {
  'aws.account_id': 'account_id',
  'aws.region': 'region',
  'aws.request_id': 'request_id',
  'aws.requestId': 'request_id',
  'aws.queue_url': 'queue_url',
  'aws.queue.url': 'queue_url',
  'aws.table_name': 'table_name',
  'aws.table.name': 'table_name',
};

export function makeAws(attributes: Attributes, resource: Attributes): { rest: Attributes; aws: Json | undefined } {
  const r = (key: string) => asString(resource.get(key));
  const rest: Attributes = new Map();
  const call: Record<string, string> = {};
  for (const [key, value] of attributes) {
    if (key === 'aws.operation' || key === 'rpc.method') continue;
    const field = SPAN_AWS_KEYS[key];
    if (field) call[field] = asString(value);
    else rest.set(key, value);
  }
  const operation = attributes.has('aws.operation') ? asString(attributes.get('aws.operation')) : asString(attributes.get('rpc.method'));
  if (attributes.has('rpc.method') && attributes.has('aws.operation')) rest.delete('rpc.method');
  const cloud = r('cloud.provider');
  if (cloud !== '' && cloud !== 'aws') return { rest, aws: undefined };
  const platform = r('cloud.platform');
  let tableName = call.table_name;
  let tableNames: string[] | undefined;
  const dynamoTables = asStringList(attributes.get('aws.dynamodb.table_names'));
  if (dynamoTables.length === 1) tableName = dynamoTables[0];
  else if (dynamoTables.length > 1) [tableName, tableNames] = ['', dynamoTables];
  const zone = r('cloud.availability_zone');
  const aws = compact({
    account_id: call.account_id || r('cloud.account.id'),
    operation,
    remote_region: call.region,
    request_id: call.request_id,
    queue_url: asString(attributes.get('messaging.url')) || call.queue_url,
    table_name: tableName,
    table_names: tableNames,
    ec2:
      platform === 'aws_ec2' || r('host.id')
        ? compact({ instance_id: r('host.id'), availability_zone: zone, instance_size: r('host.type'), ami_id: r('host.image.id') })
        : undefined,
    ecs:
      platform === 'aws_ecs'
        ? compact({
            container: r('container.name'),
            container_id: r('container.id'),
            availability_zone: zone,
            container_arn: r('aws.ecs.container.arn'),
            cluster_arn: r('aws.ecs.cluster.arn'),
            task_arn: r('aws.ecs.task.arn'),
            task_family: r('aws.ecs.task.family'),
            launch_type: r('aws.ecs.launchtype'),
          })
        : undefined,
    elastic_beanstalk:
      platform === 'aws_elastic_beanstalk' && r('service.instance.id')
        ? compact({ environment_name: r('service.namespace'), deployment_id: Number.parseInt(r('service.instance.id'), 10) || 0, version_label: r('service.version') })
        : undefined,
    eks: platform === 'aws_eks' || r('k8s.cluster.name') ? compact({ cluster_name: r('k8s.cluster.name'), pod: r('k8s.pod.name'), container_id: r('container.id') }) : undefined,
    cloudwatch_logs: logGroups(resource),
    xray: compact({ sdk: sdkName(r('telemetry.sdk.name'), r('telemetry.sdk.language')), sdk_version: r('telemetry.sdk.version'), auto_instrumentation: r('telemetry.auto.version') !== '' }),
  });
  return { rest, aws };
}

/** `opentelemetry` + ` for nodejs`, like the X-Ray SDKs' "X-Ray for Go". */
function sdkName(name: string, language: string): string {
  if (!name || !language || name.toLowerCase().endsWith(` for ${language}`.toLowerCase())) return name;
  return `${name} for ${language}`;
}

function logGroups(resource: Attributes): Json[] | undefined {
  const arns = asStringList(resource.get('aws.log.group.arns'));
  if (arns.length) return arns.map((arn) => ({ log_group: arn.split(':')[6] ?? arn, arn }));
  const names = asStringList(resource.get('aws.log.group.names'));
  return names.length ? names.map((log_group) => ({ log_group })) : undefined;
}

const SQL_SYSTEMS = new Set(['db2', 'derby', 'hive', 'mariadb', 'mssql', 'mysql', 'oracle', 'postgresql', 'sqlite', 'teradata', 'other_sql']);
const SQL_KEYS = ['db.connection_string', 'db.system', 'db.name', 'db.statement', 'db.user'];

/** sql.go: only for SQL databases; `url` is the span name, `connection_string` gets `/<db.name>`. */
export function makeSql(spanName: string, attributes: Attributes): { rest: Attributes; sql: Json | undefined } {
  const system = asString(attributes.get('db.system'));
  if (!SQL_SYSTEMS.has(system)) return { rest: attributes, sql: undefined };
  const rest = new Map(attributes);
  for (const k of SQL_KEYS) rest.delete(k);
  const a = (k: string) => asString(attributes.get(k));
  const sql = compact({
    url: spanName,
    connection_string: `${a('db.connection_string') || 'localhost'}/${a('db.name')}`,
    database_type: system,
    user: a('db.user'),
    sanitized_query: a('db.statement'),
  });
  return { rest, sql };
}

/** service.go: the service version, or the container image tag. */
export function makeService(resource: Attributes): { version: string } | undefined {
  const version = asString(resource.get('service.version')) || asString(resource.get('container.image.tag'));
  return version ? { version } : undefined;
}

const ORIGINS: Record<string, string> = {
  aws_app_runner: 'AWS::AppRunner::Service',
  aws_eks: 'AWS::EKS::Container',
  aws_elastic_beanstalk: 'AWS::ElasticBeanstalk::Environment',
  aws_ec2: 'AWS::EC2::Instance',
};

/** segment.go `determineAwsOrigin`: from `cloud.platform` (and the ECS launch type). */
export function determineOrigin(resource: Attributes): string | undefined {
  const provider = asString(resource.get('cloud.provider'));
  if (provider !== '' && provider !== 'aws') return undefined;
  const platform = asString(resource.get('cloud.platform'));
  if (platform === 'aws_ecs') {
    const launch = asString(resource.get('aws.ecs.launchtype'));
    return launch === 'ec2' ? 'AWS::ECS::EC2' : launch === 'fargate' ? 'AWS::ECS::Fargate' : 'AWS::ECS::Container';
  }
  return ORIGINS[platform];
}
