import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { XrayUploader, putInThread } from '../../src/upload/xray-uploader.js';
import type { XrayClient } from '../../src/xray/xray-client.js';
import { silentLogger } from '../../src/log/logger.js';

/** An XrayClient stand-in that records the bodies it is asked to post and answers 200. */
function recordingClient(): { client: XrayClient; bodies: string[] } {
  const bodies: string[] = [];
  const client = {
    post: async (_path: string, body: Buffer | string) => {
      bodies.push(body.toString());
      return { statusCode: 200, headers: {}, body: '{"UnprocessedTraceSegments":[]}' };
    },
  } as unknown as XrayClient;
  return { client, bodies };
}

test('PutTraceSegments body: each document as a JSON string, unchanged after a round trip', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { minLength: 1, maxLength: 50 }), async (documents) => {
      const { client, bodies } = recordingClient();
      await new XrayUploader(putInThread(client), silentLogger).send(documents);
      const parsed = JSON.parse(bodies[0]) as { TraceSegmentDocuments: string[] };
      assert.deepEqual(Object.keys(parsed), ['TraceSegmentDocuments']);
      assert.deepEqual(parsed.TraceSegmentDocuments, documents);
      // the exact bytes the per-document encoding produced before the batch was stringified at once
      assert.equal(bodies[0], `{"TraceSegmentDocuments":[${documents.map((d) => JSON.stringify(d)).join(',')}]}`);
    }),
  );
});

test('PutTraceSegments body from datagram bytes: the same bytes as encoding each document text, invalid UTF-8 replaced as before', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }).map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a))), { minLength: 1, maxLength: 50 }),
      async (documents) => {
        const { client, bodies } = recordingClient();
        await new XrayUploader(putInThread(client), silentLogger).send(documents);
        // what the daemon sent when it decoded each datagram to a string on arrival
        assert.equal(bodies[0], `{"TraceSegmentDocuments":[${documents.map((d) => JSON.stringify(d.toString('utf8'))).join(',')}]}`);
      },
    ),
  );
});

test('PutTraceSegments body: quotes, backslashes, control characters and non-ASCII are escaped as JSON', async () => {
  const { client, bodies } = recordingClient();
  const documents = ['{"name":"a\\"b","x":"\\\\"}', 'tab\there\u0001', 'ü€😀', ''];
  await new XrayUploader(putInThread(client), silentLogger).send(documents);
  assert.equal(bodies[0], '{"TraceSegmentDocuments":["{\\"name\\":\\"a\\\\\\"b\\",\\"x\\":\\"\\\\\\\\\\"}","tab\\there\\u0001","ü€😀",""]}');
  assert.deepEqual(JSON.parse(bodies[0]).TraceSegmentDocuments, documents);
});
