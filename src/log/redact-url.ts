/**
 * Removes credentials from URLs in text: `http://user:secret@proxy:3128` -> `http://[redacted]@proxy:3128`.
 * Everything up to the last `@` of the URL goes, so a password that itself holds `@`, `/` or `:`
 * (written unencoded, as users do) never leaves a fragment behind. Used for every message or log
 * field that can carry a proxy URL.
 */
export function redactUrlCredentials(text: string): string {
  // a whole value without a scheme (`user:pass@proxy:3128`, which -p accepts)
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !/\s/.test(text) && text.includes('@')) return text.replace(/^.*@/, '[redacted]@');
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)\S*@/gi, '$1[redacted]@');
}
