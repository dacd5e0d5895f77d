/**
 * An HTTP/1.1 response read from a socket's chunks, for the X-Ray transport (socket-transport.ts):
 * status line, headers, and a body delimited by Content-Length, chunked encoding or the end of the
 * connection. Informational (1xx) answers are skipped. Bodies over `maxBodyBytes` and malformed
 * answers throw.
 */
export interface ReadResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The connection can carry the next request. */
  keepAlive: boolean;
}

export interface ResponseReader {
  /** Feeds a chunk; returns the response once it is complete. */
  push(chunk: Buffer): ReadResponse | undefined;
  /** The connection ended: the response, if the end is what delimits its body. */
  end(): ReadResponse | undefined;
}

const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

const malformed = (what: string) => Object.assign(new Error(`malformed HTTP response: ${what}`), { code: 'HPE_INVALID_RESPONSE' });

export function readResponse(maxBodyBytes: number, tooLarge: () => Error): ResponseReader {
  let buf: Buffer = Buffer.alloc(0);
  let head: { statusCode: number; headers: Record<string, string | string[] | undefined>; keepAlive: boolean; length?: number; chunked: boolean } | undefined;
  const body: Buffer[] = [];
  let bodyBytes = 0;
  let done = false;

  const addBody = (b: Buffer) => {
    bodyBytes += b.length;
    if (bodyBytes > maxBodyBytes) throw tooLarge();
    body.push(b);
  };
  const result = (keepAlive: boolean): ReadResponse => {
    done = true;
    return { statusCode: head!.statusCode, headers: head!.headers, body: Buffer.concat(body), keepAlive };
  };

  /** Parses what `buf` holds; returns the response when complete. */
  const parse = (): ReadResponse | undefined => {
    while (!head) {
      const end = buf.indexOf(HEAD_END);
      if (end < 0) {
        if (buf.length > MAX_HEAD_BYTES) throw malformed('head too large');
        return undefined;
      }
      const lines = buf.toString('latin1', 0, end).split('\r\n');
      buf = buf.subarray(end + 4);
      const status = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
      if (!status) throw malformed(`status line "${lines[0].slice(0, 40)}"`);
      const statusCode = Number(status[2]);
      if (statusCode >= 100 && statusCode < 200) continue; // 100 Continue and friends: the real answer follows
      const headers: Record<string, string | string[] | undefined> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw malformed('header line');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        const prev = headers[name];
        headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : name === 'set-cookie' ? [prev, value] : `${prev}, ${value}`;
      }
      const connection = String(headers.connection ?? '').toLowerCase();
      const chunked = /\bchunked\b/i.test(String(headers['transfer-encoding'] ?? ''));
      const lengthText = headers['content-length'];
      const length = !chunked && lengthText !== undefined ? Number(lengthText) : undefined;
      if (length !== undefined && !(Number.isInteger(length) && length >= 0)) throw malformed('content-length');
      if (length !== undefined && length > maxBodyBytes) throw tooLarge();
      const noBody = statusCode === 204 || statusCode === 304;
      head = { statusCode, headers, chunked, length: noBody ? 0 : length, keepAlive: status[1] === '1' ? connection !== 'close' : connection === 'keep-alive' };
    }
    if (head.length !== undefined) {
      const need = head.length - bodyBytes;
      if (buf.length < need) {
        addBody(buf);
        buf = Buffer.alloc(0);
        return undefined;
      }
      addBody(buf.subarray(0, need));
      const extra = buf.length > need; // nothing may follow an answer we did not pipeline
      buf = Buffer.alloc(0);
      return result(head.keepAlive && !extra);
    }
    if (head.chunked) {
      for (;;) {
        const lineEnd = buf.indexOf(CRLF);
        if (lineEnd < 0) return undefined;
        const size = parseInt(buf.toString('latin1', 0, lineEnd), 16);
        if (!Number.isFinite(size) || size < 0) throw malformed('chunk size');
        if (size === 0) {
          // last chunk, then optional trailers, then an empty line
          const trailerEnd = buf.indexOf(HEAD_END, lineEnd);
          const bare = buf.length >= lineEnd + 4 && buf[lineEnd + 2] === 0x0d && buf[lineEnd + 3] === 0x0a;
          if (!bare && trailerEnd < 0) return undefined;
          return result(head.keepAlive);
        }
        if (buf.length < lineEnd + 2 + size + 2) return undefined;
        addBody(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        buf = buf.subarray(lineEnd + 2 + size + 2);
      }
    }
    // delimited by the end of the connection
    addBody(buf);
    buf = Buffer.alloc(0);
    return undefined;
  };

  return {
    push(chunk) {
      if (done) return undefined;
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      return parse();
    },
    end() {
      if (done || !head || head.length !== undefined || head.chunked) return undefined;
      return result(false);
    },
  };
}
