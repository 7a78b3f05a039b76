import type net from 'node:net';
import { bindSockets } from '@tornado-ts/tcpserver';

/** What {@link bindUnusedPort} returns: a listening server on a port nobody else holds. */
export interface UnusedPort {
  /** The listening socket; hand it to `TCPServer.addSockets`/`HTTPServer.addSocket`, or `close()` it. */
  readonly server: net.Server;
  /** The port the system picked. */
  readonly port: number;
}

/**
 * Binds a listening socket to a free port of `host` (default `127.0.0.1`, never resolving
 * `localhost`), as Tornado's `bind_unused_port`: the port stays held until the server is closed,
 * so, unlike "find a free port, then bind it", no other test can take it in between.
 */
export async function bindUnusedPort(host = '127.0.0.1'): Promise<UnusedPort> {
  const [server, ...others] = await bindSockets(0, host);
  // A host name with several addresses binds one socket per address; the first is enough here.
  for (const other of others) other.close();
  const address = server.address() as net.AddressInfo;
  return { server, port: address.port };
}
