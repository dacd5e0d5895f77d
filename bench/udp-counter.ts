import dgram from 'node:dgram';

/**
 * The physical limit: a bare Node UDP socket, in its own process, that only counts datagrams.
 * It asks for the same receive buffer as the daemon does by default (8 MB; the kernel caps it at
 * net.core.rmem_max), so the comparison is socket-for-socket.
 */
const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
let count = 0;
socket.on('message', () => count++);
socket.bind(0, '127.0.0.1', () => {
  process.send!({ cmd: 'ready', port: socket.address().port, recvBufferBytes: socket.getRecvBufferSize() });
});
process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'reset') {
    count = 0;
    process.send!({ cmd: 'reset-done' });
  } else if (msg.cmd === 'count') process.send!({ cmd: 'count', count });
  else if (msg.cmd === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
