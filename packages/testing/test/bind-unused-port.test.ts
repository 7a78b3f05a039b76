// bindUnusedPort: Tornado's bind_unused_port (used by testing_test.py's AsyncHTTPTestCaseTest.setUp
// to bind a second server). Its `reuse_port` argument is left out: Node 20's net.Server cannot set
// SO_REUSEPORT.
import net from 'node:net';
import { HTTPServer } from '@tornado-ts/httpserver';
import { HTTPHeaders } from '@tornado-ts/httputil';
import { afterEach, describe, expect, it } from 'vitest';
import { bindUnusedPort, startTestServer } from '../src/index';

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function bound(host?: string) {
  const result = await bindUnusedPort(host);
  servers.push(result.server);
  return result;
}

function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('bindUnusedPort', () => {
  it('returns a listening server on 127.0.0.1 and the port the system picked', async () => {
    const { server, port } = await bound();
    expect(server.listening).toBe(true);
    expect(port).toBeGreaterThan(0);
    expect(server.address()).toMatchObject({ address: '127.0.0.1', port, family: 'IPv4' });
  });

  it('holds the port: the server accepts connections and a second call gets another port', async () => {
    const first = await bound();
    const accepted = new Promise<net.Socket>((resolve) => first.server.once('connection', resolve));
    const client = await connect(first.port);
    (await accepted).destroy();
    client.destroy();
    const second = await bound();
    expect(second.port).not.toBe(first.port);
  });

  it('binds the address it is given, without resolving localhost to another one', async (context) => {
    const v6 = await bindUnusedPort('::1').catch(() => null);
    if (v6 === null) {
      context.skip();
      return;
    }
    servers.push(v6.server);
    expect(v6.server.address()).toMatchObject({ address: '::1', port: v6.port, family: 'IPv6' });
  });

  it('rejects an address this host does not have', async () => {
    await expect(bindUnusedPort('192.0.2.1')).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
  });

  it('hands its socket to an HTTPServer (a second server beside a test server)', async () => {
    const { server: socket, port } = await bindUnusedPort();
    const second = new HTTPServer(async (request) => {
      const body = Buffer.from('second');
      await request.connection!.writeHeaders({ version: 'HTTP/1.1', code: 200, reason: 'OK' }, new HTTPHeaders({ 'Content-Length': '6' }), body);
      await request.connection!.finish();
    });
    second.addSocket(socket);
    const main = await startTestServer(second);
    try {
      const response = await main.fetch(`http://127.0.0.1:${port}/`);
      expect(response.text()).toBe('second');
    } finally {
      await main.close();
      await second.close({ timeout: 0 });
    }
    expect(socket.listening).toBe(false);
  });
});
