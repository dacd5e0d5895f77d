/**
 * The real OpenTelemetry JS SDK, set up as an application would for the daemon: a tracer provider
 * with a service name, the X-Ray id generator (or the SDK's default W3C ids), and an exporter; and
 * ADOT's UDP datagram format built exactly as ADOT's `OTLPUdpSpanExporter` builds it (the header
 * line, `T1S`/`T1U`, base64 of `ProtobufTraceSerializer.serializeRequest(spans)`), since the ADOT
 * package itself pulls in the whole auto-instrumentation tree.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** An OTLP/HTTP exporter of the given protocol to `url` (`…/v1/traces`), optionally gzip. */
export function otlpExporter(protocol: OtlpProtocol, url: string, gzip = false): SpanExporter {
  const config = { url, compression: gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE };
  return protocol === 'http/protobuf' ? new ProtoExporter(config) : new JsonExporter(config);
}

/** A provider exporting each span as it ends. `xrayIds`: AWSXRayIdGenerator, else the SDK's random W3C ids. */
export function tracerProvider(serviceName: string, exporter: SpanExporter, xrayIds = true, resource: Record<string, string> = {}): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, ...resource }),
    ...(xrayIds ? { idGenerator: new AWSXRayIdGenerator() } : {}),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

/** Finished spans kept in memory (for building ADOT datagrams). */
export function memoryProvider(serviceName: string): { provider: BasicTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  return { provider: tracerProvider(serviceName, exporter), exporter };
}

export const JAVA_HEADER = '{"format": "json", "version": 1}\n';
export const NODE_HEADER = '{"format":"json","version":1}\n';

/** One ADOT UDP datagram carrying `spans`. */
export function adotDatagram(spans: ReadableSpan[], opts: { sampled: boolean; header?: string }): Buffer {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans)!;
  return Buffer.from(`${opts.header ?? NODE_HEADER}${opts.sampled ? 'T1S' : 'T1U'}${Buffer.from(bytes).toString('base64')}`, 'utf8');
}

/** The hex trace id as X-Ray writes it. */
export function xrayTraceId(otelTraceId: string): string {
  return `1-${otelTraceId.slice(0, 8)}-${otelTraceId.slice(8)}`;
}
