import { createServer, type Server } from 'node:http';
import { connect, type Socket, type AddressInfo } from 'node:net';

/** A forward proxy that only tunnels (HTTP CONNECT), recording each tunnel's target. */
export class ConnectProxy {
  readonly tunnels: string[] = [];
  readonly plainRequests: string[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      // absolute-form forwarding is not what we expect undici to use: make it visible
      this.plainRequests.push(`${req.method} ${req.url}`);
      res.writeHead(502).end();
    });
    this.server.on('connect', (req, client: Socket, head: Buffer) => {
      this.tunnels.push(req.url ?? '');
      this.sockets.add(client);
      const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      this.sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}
