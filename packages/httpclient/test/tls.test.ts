// https: verification (validateCert, ca), client certificates, and pooling per TLS identity
// (Tornado 6.5.7: pooled connections never carry one request's credentials to another).
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { HTTPHeaders } from '@tornado-ts/httputil';
import { HTTPServer } from '@tornado-ts/httpserver';
import { SSLHandshakeError } from '@tornado-ts/iostream';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTPClientError } from '../src/index';
import { certificate, closeAll, newClient, privateKey, track } from './helpers';

afterEach(closeAll);

async function ourHttpsServer() {
  const server = track(
    new HTTPServer(
      async (request) => {
        const body = Buffer.from(`secure ${request.protocol}`);
        await request.connection?.writeHeaders({ version: 'HTTP/1.1', code: 200, reason: 'OK' }, new HTTPHeaders({ 'Content-Length': String(body.length) }), body);
        await request.connection?.finish();
      },
      { tls: { key: privateKey, cert: certificate } },
    ),
  );
  await server.listen(0, '127.0.0.1');
  return `https://127.0.0.1:${server.port}/`;
}

/** A node:https server that asks for a client certificate (not required) and tells what it saw. */
async function certEchoServer() {
  let connections = 0;
  const server = https.createServer({ key: privateKey, cert: certificate, ca: certificate, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const body = peer && peer.subject ? `cert ${peer.subject.CN}` : 'no cert';
    res.writeHead(200, { 'Content-Length': String(body.length) });
    res.end(body);
  });
  server.on('secureConnection', () => connections++);
  track({ close: () => void (server.closeAllConnections(), server.close()) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://localhost:${(server.address() as AddressInfo).port}/`, connections: () => connections };
}

describe('TLS', () => {
  it('fetches over https with the test CA, by IP and by name', async () => {
    const url = await ourHttpsServer();
    const client = newClient();
    expect((await client.fetch(url, { ca: certificate })).text()).toBe('secure https');
    expect((await client.fetch(url.replace('127.0.0.1', 'localhost'), { ca: certificate })).text()).toBe('secure https');
  });

  it('refuses an unverified certificate by default, as a 599 with the handshake error as cause', async () => {
    const url = await ourHttpsServer();
    const error = await newClient().fetch(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPClientError);
    expect((error as HTTPClientError).status).toBe(599);
    expect((error as Error & { cause: unknown }).cause).toBeInstanceOf(SSLHandshakeError);
  });

  it('accepts any certificate with validateCert false, also as a client default', async () => {
    const url = await ourHttpsServer();
    expect((await newClient().fetch(url, { validateCert: false })).text()).toBe('secure https');
    expect((await newClient({ defaults: { validateCert: false } }).fetch(url)).text()).toBe('secure https');
  });

  it('passes further Node TLS options through `tls`', async () => {
    const url = await ourHttpsServer();
    expect((await newClient().fetch(url, { tls: { rejectUnauthorized: false } })).text()).toBe('secure https');
  });

  it('presents a client certificate, and never reuses that connection for a request without it', async () => {
    const server = await certEchoServer();
    const client = newClient();
    const plain = { ca: certificate };
    const withCert = { ca: certificate, clientCert: certificate, clientKey: privateKey };
    expect((await client.fetch(server.url, plain)).text()).toBe('no cert');
    expect((await client.fetch(server.url, withCert)).text()).toBe('cert localhost');
    expect((await client.fetch(server.url, plain)).text()).toBe('no cert');
    expect((await client.fetch(server.url, withCert)).text()).toBe('cert localhost');
    // One connection per identity, each reused.
    expect(server.connections()).toBe(2);
  });
});
