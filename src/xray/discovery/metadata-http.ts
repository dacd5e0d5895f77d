import { request } from 'node:http';

export interface MetadataAnswer {
  status: number;
  body: string;
}

/** Metadata answers are a few hundred bytes; anything bigger is not what we asked for. */
const MAX_METADATA_BYTES = 64 * 1024;

/**
 * One plain-HTTP call to a link-local metadata service (EC2 IMDS, ECS task metadata). Uses
 * node:http directly, never the outbound dispatcher: metadata must not go through HTTPS_PROXY.
 * No keep-alive (one or two calls at startup). Rejects on network errors, abort and oversize.
 */
export function metadataRequest(
  url: string,
  opts: { method?: 'GET' | 'PUT'; headers?: Record<string, string>; signal: AbortSignal },
): Promise<MetadataAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, signal: opts.signal, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_METADATA_BYTES) {
          res.destroy(new Error(`metadata answer from ${url} exceeds ${MAX_METADATA_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error(`metadata answer from ${url} was cut off`)));
    });
    req.on('error', reject);
    req.end();
  });
}
