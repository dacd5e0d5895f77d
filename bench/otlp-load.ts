import { randomBytes } from 'node:crypto';
import { encodeTraceRequest, fromBigInt, SpanKind, type OtlpSpan } from '../src/otlp/proto/otlp-trace-codec.js';

/**
 * The OTLP/HTTP load generator, its own process (so its CPU is not the daemon's): POSTs
 * ExportTraceServiceRequests of `spansPerRequest` spans (one trace per request: a SERVER root and
 * CLIENT children, X-Ray trace ids, typical HTTP attributes) with `concurrency` requests in flight,
 * as an OTel SDK's batch exporter does, until `spans` spans were sent.
 */
interface Offer {
  url: string;
  spans: number;
  spansPerRequest: number;
  concurrency: number;
}

function request(spansPerRequest: number): Uint8Array {
  const now = BigInt(Date.now()) * 1_000_000n;
  const traceId = Buffer.concat([Buffer.from(Math.floor(Date.now() / 1000).toString(16), 'hex'), randomBytes(12)]);
  const rootId = randomBytes(8);
  const spans: OtlpSpan[] = [];
  for (let i = 0; i < spansPerRequest; i++) {
    const root = i === 0;
    spans.push({
      traceId,
      spanId: root ? rootId : randomBytes(8),
      parentSpanId: root ? undefined : rootId,
      name: root ? 'GET /checkout' : `GET /dep-${i % 5}`,
      kind: root ? SpanKind.SERVER : SpanKind.CLIENT,
      startTimeUnixNano: fromBigInt(now),
      endTimeUnixNano: fromBigInt(now + 2_000_000n),
      attributes: [
        { key: 'http.request.method', value: { stringValue: 'GET' } },
        { key: 'url.full', value: { stringValue: `http://svc-${i % 5}.local/items?page=${i}` } },
        { key: 'http.response.status_code', value: { intValue: i % 50 === 7 ? 500 : 200 } },
        { key: 'server.address', value: { stringValue: `svc-${i % 5}` } },
        { key: 'customer', value: { stringValue: `c-${i % 100}` } },
      ],
    });
  }
  return encodeTraceRequest({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench-otel' } }] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }],
  });
}

async function offer(o: Offer): Promise<{ sent: number; requests: number; failures: number; elapsedMs: number }> {
  let sent = 0;
  let requests = 0;
  let failures = 0;
  const started = performance.now();
  const worker = async () => {
    while (sent < o.spans) {
      const n = Math.min(o.spansPerRequest, o.spans - sent);
      sent += n;
      const res = await fetch(o.url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: request(n) }).catch(() => undefined);
      requests++;
      if (!res || res.status !== 200) failures++;
      await res?.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return { sent, requests, failures, elapsedMs: performance.now() - started };
}

process.on('message', (msg: { cmd: string } & Partial<Offer>) => {
  if (msg.cmd === 'exit') process.exit(0);
  if (msg.cmd === 'offer') void offer(msg as Offer).then((r) => process.send!({ cmd: 'offered', ...r }));
});
process.send!({ cmd: 'ready' });
