/**
 * Where OTLP/HTTP trace exports go, by the OpenTelemetry exporter specification's endpoint rules: a
 * base endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` style) gets `v1/traces` appended to its path, while a
 * URL that already names the traces path (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` style, path ending in
 * `/v1/traces`) is used as is, so both forms users copy from their SDK settings work.
 */
export function otlpTracesUrl(endpoint: string): URL {
  const url = new URL(endpoint);
  if (/\/v1\/traces\/?$/.test(url.pathname)) return url;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url;
}
