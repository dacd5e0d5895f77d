/**
 * The native UDP receive path (native/udp-recv.c, Linux): a thread reads datagrams with recvmmsg() and hands
 * JavaScript one Buffer per batch (lengths, then bytes) instead of one callback, Buffer and rinfo per datagram.
 * Each datagram reaches `onDatagram` as a range of its batch's Buffer (documents become subarrays of it).
 */
import { createRequire } from 'node:module';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { getSystemErrorName } from 'node:util';
import path from 'node:path';
import type { HostPort } from '../config/config.js';

interface Opened {
  handle: object;
  port: number;
  address: string;
  /** SO_RCVBUF as read back (see usableReceiveBuffer). */
  receiveBufferBytes: number;
}
interface Failed {
  errno: number;
  syscall: string;
}
interface Addon {
  open(host: string, port: number, ipv6: boolean, receiveBufferBytes: number, onBatch: (batch: Buffer | null, count: number, errno: number) => void): Opened | Failed;
  close(handle: object): void;
}

/** Where the build puts the addon, relative to this module (dist/src/ingest). */
const ADDON_PATH = '../../native/udp-recv.node';
/**
 * Where the .deb and .rpm install it for the single executable, relative to the executable's directory
 * (/usr/bin/xrayd -> /usr/lib/xrayd/udp-recv.node): a single executable cannot embed an addon.
 */
const PACKAGED_ADDON_PATH = '../lib/xrayd/udp-recv.node';
/** A length with this bit set: the datagram did not fit the receive slot (no bytes follow). */
const TRUNCATED = 0x80000000;

let loaded: { addon: Addon } | { reason: string } | undefined;

/** Loads the addon once; why not, when it cannot be used here. */
export function loadNativeUdp(): { addon: Addon } | { reason: string } {
  loaded ??= load();
  return loaded;
}

function load(): { addon: Addon } | { reason: string } {
  if (process.platform !== 'linux') return { reason: `the native receiver is Linux-only (this is ${process.platform})` };
  const here = import.meta.url as string | undefined; // undefined in the single executable's bundle
  if (!here) return loadBesideExecutable();
  try {
    const addonPath = ADDON_PATH; // a variable: the bundler must not try to follow it
    return { addon: createRequire(here)(addonPath) as Addon };
  } catch (err) {
    return { reason: `cannot load ${ADDON_PATH} (${(err as Error).message.split('\n')[0]})` };
  }
}

/** The single executable: the addon the packages install beside it, if there (process.dlopen works in a SEA). */
function loadBesideExecutable(): { addon: Addon } | { reason: string } {
  const file = path.resolve(path.dirname(process.execPath), PACKAGED_ADDON_PATH);
  try {
    const mod = { exports: {} as Addon };
    process.dlopen(mod, file);
    return { addon: mod.exports };
  } catch (err) {
    return { reason: `the single executable found no usable native receiver at ${file} (${(err as Error).message.split('\n')[0]})` };
  }
}

/** Only for tests: forget the loaded addon (or make the next load fail with `reason`). */
export function resetNativeUdpForTest(reason?: string): void {
  loaded = reason === undefined ? undefined : { reason };
}

export interface NativeUdpOptions {
  address: HostPort;
  receiveBufferBytes: number;
  /** The datagram at `batch[start, end)`. */
  onDatagram(batch: Buffer, start: number, end: number): void;
  /** A datagram larger than the receive slot (its bytes are not kept). */
  onTruncated(): void;
  /** The thread could not read (errno from recvmmsg/poll); it retries after a pause. */
  onError(err: Error): void;
}

/** A bound socket read by the native thread. */
export class NativeUdpSocket {
  private closed = false;

  private constructor(
    private readonly addon: Addon,
    private readonly opened: Opened,
  ) {}

  /** Binds (resolving a host name first, as dgram does); rejects with a dgram-like error (`bind EADDRINUSE 127.0.0.1:2000`). */
  static async open(addon: Addon, opts: NativeUdpOptions): Promise<NativeUdpSocket> {
    const { host, port } = opts.address;
    // a name resolves to IPv4, as the dgram path's udp4 socket does for anything but an IPv6 literal
    const ip = isIP(host) ? host : (await lookup(host, { family: 4 })).address;
    const ipv6 = isIP(ip) === 6;
    let socket: NativeUdpSocket | undefined;
    const onBatch = (batch: Buffer | null, count: number, errno: number): void => {
      if (socket?.closed) return; // queued before close
      if (batch === null) return opts.onError(systemError(errno, 'recvmmsg', ip, port));
      let offset = 4 * count;
      for (let i = 0; i < count; i++) {
        const length = batch.readUInt32LE(4 * i); // written in native order: little-endian on x64 and arm64
        if (length >= TRUNCATED) {
          opts.onTruncated(); // cannot happen with 64 KiB slots (UDP's limit), counted if it does
          continue;
        }
        opts.onDatagram(batch, offset, offset + length);
        offset += length;
      }
    };
    const result = addon.open(ip, port, ipv6, opts.receiveBufferBytes, onBatch);
    if ('errno' in result) throw systemError(result.errno, result.syscall, ip, port);
    socket = new NativeUdpSocket(addon, result);
    return socket;
  }

  get address(): HostPort {
    return { host: this.opened.address, port: this.opened.port };
  }

  /** SO_RCVBUF as the kernel reports it. */
  get receiveBufferBytes(): number {
    return this.opened.receiveBufferBytes;
  }

  /** Stops the thread and closes the socket; the port is free when this returns. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.addon.close(this.opened.handle);
  }
}

function systemError(errno: number, syscall: string, host: string, port: number): NodeJS.ErrnoException {
  let code: string;
  try {
    code = getSystemErrorName(-errno);
  } catch {
    code = `errno ${errno}`;
  }
  const err: NodeJS.ErrnoException = new Error(`${syscall} ${code} ${host}:${port}`);
  err.code = code;
  err.errno = -errno;
  err.syscall = syscall;
  return err;
}
