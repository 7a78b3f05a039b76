// proxyHost/proxyPort: http URLs in absolute form through a forward proxy, https URLs through a
// CONNECT tunnel (what Tornado's simple client lacks); proxy credentials; refusals.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTPClientError } from '../src/index';
import { certificate, closeAll, newClient, privateKey, track } from './helpers';

afterEach(closeAll);

const credentials = `Basic ${Buffer.from('proxyuser:proxypass').toString('base64')}`;

/** A small proxy: absolute-form requests are forwarded, CONNECT opens a tunnel; `auth` requires credentials. */
async function startProxy(options: { auth?: boolean; refuseConnect?: boolean } = {}) {
  const seen: { method: string; target: string; authorization: string | null }[] = [];
  let connections = 0;
  const proxy = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', target: req.url ?? '', authorization: req.headers['proxy-authorization'] ?? null });
    if (options.auth && req.headers['proxy-authorization'] !== credentials) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic', 'Content-Length': '0' });
      res.end();
      return;
    }
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  proxy.on('connection', () => connections++);
  proxy.on('connect', (req, socket, head) => {
    seen.push({ method: 'CONNECT', target: req.url ?? '', authorization: req.headers['proxy-authorization'] ?? null });
    socket.on('error', () => {});
    if (options.refuseConnect || (options.auth && req.headers['proxy-authorization'] !== credentials)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
  });
  track({ close: () => void (proxy.closeAllConnections(), proxy.close()) });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { port: (proxy.address() as net.AddressInfo).port, seen, connections: () => connections };
}

async function origin(secure: boolean) {
  const handler: http.RequestListener = (req, res) => {
    const body = JSON.stringify({ path: req.url, host: req.headers.host, proxyAuthorization: req.headers['proxy-authorization'] ?? null });
    res.writeHead(200, { 'Content-Length': String(body.length) });
    res.end(body);
  };
  const server = secure ? https.createServer({ key: privateKey, cert: certificate }, handler) : http.createServer(handler);
  track({ close: () => void (server.closeAllConnections(), server.close()) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('proxies', () => {
  it('sends http requests to the proxy in absolute form, reusing the proxy connection', async () => {
    const proxy = await startProxy();
    const port = await origin(false);
    const client = newClient({ defaults: { proxyHost: '127.0.0.1', proxyPort: proxy.port } });
    for (let i = 0; i < 3; i++) {
      const response = await client.fetch(`http://127.0.0.1:${port}/via?i=${i}`);
      expect(response.json()).toEqual({ path: `/via?i=${i}`, host: `127.0.0.1:${port}`, proxyAuthorization: null });
    }
    expect(proxy.seen.map((s) => s.target)).toEqual([0, 1, 2].map((i) => `http://127.0.0.1:${port}/via?i=${i}`));
    expect(proxy.connections()).toBe(1);
  });

  it('sends proxy credentials to the proxy only', async () => {
    const proxy = await startProxy({ auth: true });
    const port = await origin(false);
    const client = newClient();
    const settings = { proxyHost: '127.0.0.1', proxyPort: proxy.port, proxyUsername: 'proxyuser', proxyPassword: 'proxypass' };
    const response = await client.fetch(`http://127.0.0.1:${port}/`, settings);
    expect(response.json()).toMatchObject({ proxyAuthorization: null });
    expect(proxy.seen[0].authorization).toBe(credentials);
    const refused = await client.fetch(`http://127.0.0.1:${port}/`, { ...settings, proxyPassword: 'wrong', raiseError: false });
    expect(refused.code).toBe(407);
  });

  it('tunnels https through CONNECT, verifying the origin inside the tunnel', async () => {
    const proxy = await startProxy({ auth: true });
    const port = await origin(true);
    const client = newClient();
    const settings = { proxyHost: '127.0.0.1', proxyPort: proxy.port, proxyUsername: 'proxyuser', proxyPassword: 'proxypass', ca: certificate };
    for (let i = 0; i < 2; i++) {
      const response = await client.fetch(`https://localhost:${port}/secret`, settings);
      expect(response.json()).toEqual({ path: '/secret', host: `localhost:${port}`, proxyAuthorization: null });
    }
    expect(proxy.seen).toEqual([{ method: 'CONNECT', target: `localhost:${port}`, authorization: credentials }]);
    expect(proxy.connections()).toBe(1);
    // Another proxy user gets a tunnel of its own, never the first one's.
    await expect(client.fetch(`https://localhost:${port}/secret`, { ...settings, proxyPassword: 'other' })).rejects.toThrow(/Proxy refused the tunnel/);
    expect(proxy.connections()).toBe(2);
  });

  it('reports a refused tunnel as a 599', async () => {
    const proxy = await startProxy({ refuseConnect: true });
    const error = await newClient().fetch('https://localhost:1/', { proxyHost: '127.0.0.1', proxyPort: proxy.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPClientError);
    expect((error as HTTPClientError).status).toBe(599);
    expect((error as Error).message).toMatch(/Proxy refused the tunnel to localhost:1: 403 Forbidden/);
  });
});
