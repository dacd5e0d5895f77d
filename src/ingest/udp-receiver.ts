import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { HostPort, UdpReceiverKind } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { EpisodeWarning } from '../log/episode-warning.js';
import { parseDatagramAt, type DatagramResult, type RejectReason } from './datagram.js';
import type { FaultHandle } from '../health/background-faults.js';
import { loadNativeUdp, NativeUdpSocket } from './native-udp-socket.js';

export interface UdpReceiverOptions {
  address: HostPort;
  /** Which receive path to use (default `auto`). */
  kind?: UdpReceiverKind;
  /** SO_RCVBUF to ask for; the kernel may grant less (logged). 0 = leave the OS default. */
  receiveBufferBytes: number;
  logger: Logger;
  /** A datagram with a valid header: its document body (not parsed). */
  onDocument(body: Buffer): void;
  /** Every non-empty datagram (the reference's "received"). */
  onReceived(): void;
  /** A malformed datagram (with its bytes, for the trace ledger and the intake view). */
  onRejected(reason: RejectReason, datagram: Buffer): void;
  /** Socket errors after bind (logged once per episode, counted, shown in /healthz). */
  faults?: FaultHandle;
}

/**
 * The receive buffer a socket really has, from SO_RCVBUF as read back: Linux doubles the value set
 * (the extra half is its bookkeeping overhead) and reports the doubled value, capped at twice
 * net.core.rmem_max; other systems report what was set.
 */
export function usableReceiveBuffer(reported: number, platform: NodeJS.Platform = process.platform): number {
  return platform === 'linux' ? Math.floor(reported / 2) : reported;
}

const EMPTY = Buffer.alloc(0);
const TRUNCATED: DatagramResult = { ok: false, reason: 'truncated' };

/**
 * The UDP listener. Checks only the header line; the body goes on unparsed. Nothing a sender
 * does can throw out of here: every datagram is accepted or counted as rejected. Datagrams are read
 * by the native recvmmsg thread (native-udp-socket.ts) or by node:dgram; both feed `onDatagram`.
 */
export class UdpReceiver {
  private socket: dgram.Socket | NativeUdpSocket | undefined;
  private closing: Promise<void> | undefined;
  private readonly rejectWarning: EpisodeWarning;
  /** The receive path in use once started. */
  kind: 'native' | 'dgram' | undefined;

  constructor(private readonly opts: UdpReceiverOptions) {
    this.rejectWarning = new EpisodeWarning(opts.logger, 'rejected malformed datagrams');
  }

  /** The bound address (useful with port 0). */
  get address(): HostPort | undefined {
    const s = this.socket;
    if (s instanceof NativeUdpSocket) return s.address;
    const a = s?.address();
    return a ? { host: a.address, port: a.port } : undefined;
  }

  get bound(): boolean {
    return this.socket !== undefined && this.closing === undefined;
  }

  async start(): Promise<void> {
    const { receiveBufferBytes, logger } = this.opts;
    const wanted = this.opts.kind ?? 'auto';
    const native = wanted === 'dgram' ? undefined : loadNativeUdp();
    if (native && 'reason' in native) {
      if (wanted === 'native') throw new Error(`--udp-receiver (Socket.UDPReceiver) is native, but ${native.reason}`);
      logger.info({ reason: native.reason }, 'receiving UDP with node:dgram: the native receiver is not available');
    }
    let reported: number;
    if (native && 'addon' in native) {
      const socket = await NativeUdpSocket.open(native.addon, {
        address: this.opts.address,
        receiveBufferBytes,
        onDatagram: (batch, start, end) => this.onDatagram(batch, start, end),
        onTruncated: () => this.onDatagram(EMPTY, 0, 0, TRUNCATED),
        onError: (err) => this.onSocketError(err),
      });
      this.socket = socket;
      this.kind = 'native';
      reported = socket.receiveBufferBytes;
    } else {
      const socket = await this.bindDgram();
      this.socket = socket;
      this.kind = 'dgram';
      reported = receiveBufferBytes > 0 ? socket.getRecvBufferSize() : 0;
    }
    if (receiveBufferBytes > 0) {
      const granted = usableReceiveBuffer(reported);
      // less than asked means the kernel capped it (net.core.rmem_max on Linux)
      if (granted < receiveBufferBytes) {
        logger.warn({ asked: receiveBufferBytes, granted }, 'kernel granted a smaller UDP receive buffer (raise net.core.rmem_max to absorb bursts)');
      }
    }
    logger.info({ address: this.address, receiver: this.kind }, 'listening for segments on UDP');
  }

  private async bindDgram(): Promise<dgram.Socket> {
    const { address, receiveBufferBytes } = this.opts;
    const socket = dgram.createSocket({
      type: isIPv6(address.host) ? 'udp6' : 'udp4',
      recvBufferSize: receiveBufferBytes > 0 ? receiveBufferBytes : undefined,
    });
    socket.on('message', (msg) => this.onDatagram(msg, 0, msg.length));
    // an error never closes the socket for us: it keeps receiving, so note it and go on
    socket.on('error', (err) => this.onSocketError(err));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(address.port, address.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return socket;
  }

  private onSocketError(err: Error): void {
    if (this.opts.faults) this.opts.faults.failed(err);
    else this.opts.logger.error({ err }, 'UDP socket error');
  }

  /**
   * Every datagram, from either path: the one at `bytes[start, end)`. `outcome` is given for a datagram that
   * did not fit the receive buffer (its bytes are gone).
   */
  private onDatagram(bytes: Buffer, start: number, end: number, outcome?: DatagramResult): void {
    if (this.opts.faults?.failing) this.opts.faults.recovered(); // receiving again
    if (end === start && !outcome) return; // not "received" in the reference's sense either
    this.opts.onReceived();
    const result = outcome ?? parseDatagramAt(bytes, start, end);
    if (result.ok) {
      this.opts.onDocument(result.body);
      return;
    }
    const msg = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
    this.opts.onRejected(result.reason, msg);
    this.opts.logger.debug({ reason: result.reason, bytes: msg.length }, 'rejected datagram');
    this.rejectWarning.add(1, { lastReason: result.reason });
  }

  /** Stops intake. Idempotent; safe before start. */
  shutdown(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.rejectWarning.flush();
      const socket = this.socket;
      if (!socket) return resolve();
      if (socket instanceof NativeUdpSocket) {
        socket.close();
        return resolve();
      }
      socket.close(() => resolve());
    });
    return this.closing;
  }
}
