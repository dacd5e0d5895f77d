/**
 * Pure parsing of one UDP datagram: `{header}\n{document}`. Only the header is checked, exactly as
 * the reference daemon does (XRAY-FACTS §1); the document is passed on unparsed.
 */
export type DatagramResult = { ok: true; body: Buffer } | { ok: false; reason: RejectReason };
/** `truncated`: larger than the receive buffer (only the native path can tell; nothing larger than 64 KiB fits UDP). */
export type RejectReason = 'empty' | 'no-newline' | 'empty-body' | 'bad-header' | 'truncated';

const NEWLINE = 0x0a;
// The headers SDKs actually send: compared byte-wise, so the common case never touches JSON.parse.
const FAST_HEADERS = [Buffer.from('{"format":"json","version":1}'), Buffer.from('{"format": "json", "version": 1}')];

export function parseDatagram(datagram: Buffer): DatagramResult {
  return parseDatagramAt(datagram, 0, datagram.length);
}

/**
 * The datagram at `bytes[start, end)` (the native receiver's batch Buffer holds many): the body is the
 * only Buffer object made for it.
 */
export function parseDatagramAt(bytes: Buffer, start: number, end: number): DatagramResult {
  if (end === start) return { ok: false, reason: 'empty' };
  const nl = bytes.indexOf(NEWLINE, start);
  if (nl < 0 || nl >= end) return { ok: false, reason: 'no-newline' };
  if (nl === end - 1) return { ok: false, reason: 'empty-body' };
  if (!isFastHeader(bytes, start, nl) && !isValidHeader(bytes.toString('utf8', start, nl))) {
    return { ok: false, reason: 'bad-header' };
  }
  return { ok: true, body: bytes.subarray(nl + 1, end) };
}

function isFastHeader(bytes: Buffer, start: number, nl: number): boolean {
  for (const h of FAST_HEADERS) {
    if (nl - start === h.length && bytes.compare(h, 0, h.length, start, nl) === 0) return true;
  }
  return false;
}

/**
 * The slow path, as Go's `encoding/json` reads the header into `{Format string; Version int}`: keys
 * match case-insensitively (the last one wins), extra keys and whitespace are fine, `format` must be
 * a string equal to "json" ignoring case, and `version` the integer literal 1 (`1.0`, `"1"`, `2` fail).
 */
export function isValidHeader(text: string): boolean {
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    return false;
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return false;
  let format: unknown;
  let version: unknown;
  for (const [key, value] of Object.entries(header)) {
    const k = key.toLowerCase();
    if (k === 'format') format = value;
    else if (k === 'version') version = value;
  }
  if (typeof format !== 'string' || format.toLowerCase() !== 'json') return false;
  return version === 1 && versionLiteralIsInteger(text);
}

/** JSON.parse reads `1.0` and `1e0` as 1, but Go's int decoding rejects them: check the literal. */
function versionLiteralIsInteger(text: string): boolean {
  const literals = [...text.matchAll(/"version"\s*:\s*([-+0-9.eE]+)/gi)];
  const last = literals.at(-1);
  return last !== undefined && last[1] === '1';
}
