// nginx (Debian's nginx-light) as a reverse proxy in front of an xheaders HTTPServer: the client's
// address and scheme arrive through X-Real-IP / X-Forwarded-For / X-Scheme, and what a client
// forges is not believed beyond trustedDownstream. nginx runs in the foreground with its own
// prefix and config in a temporary directory and is stopped by its PID.
import http from 'node:http';
import https from 'node:https';
import type { HTTPServerRequest } from '@tornado-ts/httputil';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificate, certificatePath, closeAll, jsonCallback, privateKeyPath, serve } from './helpers';
import { freePort, Nginx } from './peers';
import { fileURLToPath } from 'node:url';

interface Seen {
  remoteIp: string | null;
  protocol: string;
  realIp?: string;
  forwardedFor?: string;
  scheme?: string;
  bodySize: number;
}

const seenConnections: unknown[] = [];
const app = jsonCallback((request: HTTPServerRequest): Seen => {
  seenConnections.push(request.serverConnection);
  return {
    remoteIp: request.remoteIp,
    protocol: request.protocol,
    realIp: request.headers.get('X-Real-Ip'),
    forwardedFor: request.headers.get('X-Forwarded-For'),
    scheme: request.headers.get('X-Scheme'),
    bodySize: request.body.length,
  };
});

const nginx = new Nginx();
let plainPort = 0;
let tlsPort = 0;

beforeAll(async () => {
  // A proxy we do not run: listed as trusted, so that forging it must not help a client.
  const server = await serve(app, { xheaders: true, trustedDownstream: ['10.9.9.9'] });
  plainPort = await freePort();
  tlsPort = await freePort();
  const proxy = `
      proxy_pass http://tornado;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;`;
  await nginx.start(
    () => `
  upstream tornado {
    server 127.0.0.1:${server.port};
    keepalive 4;
  }
  server {
    listen 127.0.0.1:${plainPort};
    location / {${proxy}
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Scheme $scheme;
    }
    # Only X-Forwarded-For, as some proxies send: the server must walk it from the right.
    location /xff/ {${proxy}
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Scheme $scheme;
    }
  }
  server {
    listen 127.0.0.1:${tlsPort} ssl;
    ssl_certificate ${fileURLToPath(certificatePath)};
    ssl_certificate_key ${fileURLToPath(privateKeyPath)};
    location / {${proxy}
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Scheme $scheme;
    }
  }`,
    plainPort,
  );
}, 20_000);

afterAll(async () => {
  await nginx.stop();
  await closeAll();
});

interface Ask {
  path?: string;
  headers?: Record<string, string>;
  localAddress?: string;
  tls?: boolean;
  body?: Buffer;
}

/** One request through nginx; resolves with what the server behind it saw. */
function ask(options: Ask = {}): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const requestOptions = {
      host: '127.0.0.1',
      port: options.tls === true ? tlsPort : plainPort,
      path: options.path ?? '/',
      method: options.body === undefined ? 'GET' : 'POST',
      headers: options.headers,
      localAddress: options.localAddress,
      agent: false,
      ca: certificate,
    };
    const request = (options.tls === true ? https : http).request(requestOptions, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`nginx answered ${response.statusCode}: ${body}\n${nginx.stderr}`));
        else resolve(JSON.parse(body) as Seen);
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

describe('HTTPServer behind nginx', () => {
  it('gets the client address and scheme from nginx', async () => {
    const seen = await ask();
    expect(seen).toMatchObject({ remoteIp: '127.0.0.1', protocol: 'http', realIp: '127.0.0.1', forwardedFor: '127.0.0.1', scheme: 'http' });
  });

  it('takes the address from the header, not the TCP peer (a client on 127.0.0.2)', async () => {
    // The server's TCP peer is nginx on 127.0.0.1 either way.
    expect(await ask({ localAddress: '127.0.0.2' })).toMatchObject({ remoteIp: '127.0.0.2', realIp: '127.0.0.2' });
    expect(await ask({ path: '/xff/', localAddress: '127.0.0.2' })).toMatchObject({ remoteIp: '127.0.0.2', forwardedFor: '127.0.0.2' });
  });

  it('sees https when nginx terminates TLS (X-Scheme)', async () => {
    expect(await ask({ tls: true })).toMatchObject({ remoteIp: '127.0.0.1', protocol: 'https', scheme: 'https' });
  });

  it('does not believe forged headers beyond trustedDownstream', async () => {
    const forged = { 'X-Real-IP': '6.6.6.6', 'X-Forwarded-For': '6.6.6.6', 'X-Scheme': 'https' };
    // nginx replaces X-Real-IP and X-Scheme with what it saw.
    expect(await ask({ headers: forged })).toMatchObject({ remoteIp: '127.0.0.1', protocol: 'http' });
    // nginx appends the real peer to a forged X-Forwarded-For; the walk from the right stops there.
    const xff = await ask({ path: '/xff/', headers: { 'X-Forwarded-For': '6.6.6.6' } });
    expect(xff).toMatchObject({ remoteIp: '127.0.0.1', forwardedFor: '6.6.6.6, 127.0.0.1' });
    // Forging a trusted proxy's address does not help: the entry nginx added is not trusted.
    const chained = await ask({ path: '/xff/', headers: { 'X-Forwarded-For': '6.6.6.6, 10.9.9.9' }, localAddress: '127.0.0.2' });
    expect(chained).toMatchObject({ remoteIp: '127.0.0.2', forwardedFor: '6.6.6.6, 10.9.9.9, 127.0.0.2' });
  });

  it('carries request bodies, and nginx reuses its upstream connections (keep-alive)', async () => {
    seenConnections.length = 0;
    const seen = await ask({ body: Buffer.alloc(100 * 1024, 'b') });
    expect(seen.bodySize).toBe(100 * 1024);
    for (let i = 0; i < 4; i++) await ask();
    expect(seenConnections).toHaveLength(5);
    expect(new Set(seenConnections).size).toBeLessThan(5);
  });
});
