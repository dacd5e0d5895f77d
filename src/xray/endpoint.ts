/** The X-Ray endpoint for a region: `.amazonaws.com.cn` in the China partition, `.amazonaws.com` elsewhere. */
export function xrayEndpointFor(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://xray.${region}.${suffix}`;
}
