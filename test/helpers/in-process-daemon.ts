import { Daemon } from '../../src/daemon.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { DaemonConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { testAwsEnv } from './sigv4-verify.js';
import { UdpSender, HEADER, makeSegment } from './daemon-process.js';

/**
 * A Daemon in this process, on port 0, pointed at a stand-in endpoint; the test process's env gets
 * the test credentials (the default chain reads process.env).
 */
export async function startInProcess(overrides: Partial<DaemonConfig>): Promise<{ daemon: Daemon; udp: UdpSender }> {
  Object.assign(process.env, testAwsEnv());
  const config: DaemonConfig = {
    ...DEFAULTS,
    region: 'us-east-1',
    udpAddress: { host: '127.0.0.1', port: 0 },
    tcpAddress: { host: '127.0.0.1', port: 0 },
    otlpAddress: { host: '127.0.0.1', port: 0 },
    flushIntervalMs: 50,
    summaryIntervalMs: 0,
    telemetryIntervalMs: 0,
    retryBaseDelayMs: 50,
    retryMaxDelayMs: 400,
    ...overrides,
  };
  const daemon = await Daemon.create(config, { logger: silentLogger, env: process.env });
  await daemon.start();
  return { daemon, udp: new UdpSender(daemon.udp.address!.port) };
}

/** Sends `n` fresh segments; returns their texts. */
export async function sendSegments(udp: UdpSender, n: number, name = 'fault-test'): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = makeSegment({ name });
    texts.push(s.text);
    await udp.send(HEADER + s.text);
  }
  return texts;
}
