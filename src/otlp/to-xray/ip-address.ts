/**
 * IP address checks without node:net: this translation also runs in the browser (the console opens OTLP
 * files with it). IPv4 in dotted-decimal form only (as node's isIP); IPv6 as the WHATWG URL parser
 * accepts it between brackets, which both Node and browsers implement.
 */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function ipVersion(text: string): 0 | 4 | 6 {
  if (IPV4.test(text)) return 4;
  if (!text.includes(':') || /[[\]/?#@\s%]/.test(text)) return 0;
  try {
    new URL(`http://[${text}]/`);
    return 6;
  } catch {
    return 0;
  }
}
