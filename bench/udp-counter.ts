import dgram from 'node:dgram';
import { loadNativeUdp, NativeUdpSocket } from '../src/ingest/native-udp-socket.js';

/**
 * The physical limit: a bare UDP socket, in its own process, that only counts datagrams, read the way the daemon
 * reads them (argv[2]: native, dgram or auto = native when the addon loads; the bench prints which). It asks for
 * the same receive buffer as the daemon does by default (8 MB; the kernel caps it at net.core.rmem_max), so the
 * comparison is socket-for-socket.
 */
const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;
const wanted = process.argv[2] ?? 'auto';
const native = wanted === 'dgram' ? undefined : loadNativeUdp();
let count = 0;

if (native && 'addon' in native) {
  const socket = await NativeUdpSocket.open(native.addon, {
    address: { host: '127.0.0.1', port: 0 },
    receiveBufferBytes: RECEIVE_BUFFER_BYTES,
    onDatagram: () => count++,
    onTruncated: () => count++,
    onError: (err) => console.error('bare native socket:', err.message),
  });
  process.send!({ cmd: 'ready', port: socket.address.port, recvBufferBytes: socket.receiveBufferBytes, receiver: 'native' });
} else {
  if (wanted === 'native') throw new Error(`bare socket: the native receiver is not available (${native && 'reason' in native ? native.reason : ''})`);
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: RECEIVE_BUFFER_BYTES });
  socket.on('message', () => count++);
  socket.bind(0, '127.0.0.1', () => {
    process.send!({ cmd: 'ready', port: socket.address().port, recvBufferBytes: socket.getRecvBufferSize(), receiver: 'dgram' });
  });
}
process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'reset') {
    count = 0;
    process.send!({ cmd: 'reset-done' });
  } else if (msg.cmd === 'count') process.send!({ cmd: 'count', count });
  else if (msg.cmd === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
