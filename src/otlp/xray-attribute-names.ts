/**
 * The attribute names the X-Ray → OTLP translation writes for X-Ray fields that have no OpenTelemetry
 * semantic convention. Those shared with the Collector's awsxrayreceiver/awsxrayexporter keep their
 * names (`aws.xray.metadata.`, `aws.xray.annotations`, `aws.xray.inprogress`, the exception ones), so
 * AWS's OTLP → X-Ray translator and ours (src/otlp/otlp-to-xray.ts) read them back.
 */
export const XRAY_ATTR = {
  /** string[]: which span attributes were X-Ray annotations (read by awsxrayexporter). */
  annotations: 'aws.xray.annotations',
  /** An annotation whose key an X-Ray field already uses, under this prefix. */
  annotationPrefix: 'aws.xray.annotation.',
  /** Prefix + metadata namespace -> the namespace's object as JSON text (awsxrayreceiver's form). */
  metadataPrefix: 'aws.xray.metadata.',
  error: 'aws.xray.error',
  fault: 'aws.xray.fault',
  throttle: 'aws.xray.throttle',
  origin: 'aws.xray.origin',
  /** The subsegment's namespace, verbatim (`aws`, `remote`, or anything an SDK sent). */
  namespace: 'aws.xray.namespace',
  /** true on spans from documents of `type: "subsegment"` sent on their own. */
  independentSubsegment: 'aws.xray.independent_subsegment',
  inProgress: 'aws.xray.inprogress',
  traced: 'aws.xray.traced',
  xForwardedFor: 'aws.xray.x_forwarded_for',
  retries: 'aws.xray.retries',
  resourceArn: 'aws.xray.resource_arn',
  /** A cause given as the id of an exception recorded in another (sub)segment. */
  causeId: 'aws.xray.cause.id',
  causeWorkingDirectory: 'aws.xray.cause.working_directory',
  causePaths: 'aws.xray.cause.paths',
  exceptionId: 'aws.xray.exception.id',
  exceptionRemote: 'aws.xray.exception.remote',
  exceptionTruncated: 'aws.xray.exception.truncated',
  exceptionSkipped: 'aws.xray.exception.skipped',
  exceptionCause: 'aws.xray.exception.cause',
  /** Set (true) on the span links made from `precursor_ids`. */
  precursor: 'aws.xray.precursor',
  /** Prefix for other X-Ray SQL fields (`driver_version`, `database_version`, `preparation`). */
  sqlPrefix: 'aws.xray.sql.',
} as const;
