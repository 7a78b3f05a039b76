// HTTPS (Tornado's SSLTestMixin, SSLXHeaderTest): the tls option, request.protocol 'https', and
// plain HTTP sent to a TLS port.
import https from 'node:https';
import { genLog } from '@tornado-ts/ioloop';
import type { HTTPServerRequest } from '@tornado-ts/httputil';
import { afterEach, describe, expect, it } from 'vitest';
import { certificate, closeAll, connect, jsonCallback, privateKey, readAll, recordLog, respond, serve } from './helpers';

afterEach(closeAll);

const tls = { key: privateKey, cert: certificate };

/** An HTTPS request trusting the test certificate; resolves with the status and body. */
function httpsRequest(
  port: number,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      { host: '127.0.0.1', port, path: '/', method: options.method ?? 'GET', ca: certificate, headers: options.headers, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const helloHttps = (request: HTTPServerRequest) => {
  if (request.protocol !== 'https') throw new Error(`unexpected protocol ${request.protocol}`);
  return respond(request, request.method === 'POST' ? `Got ${request.body.length} bytes in POST` : 'Hello world');
};

describe('HTTPS', () => {
  it('serves over TLS with request.protocol https (Tornado test_ssl)', async () => {
    const server = await serve(helloHttps, { tls });
    expect(await httpsRequest(server.port)).toEqual({ status: 200, body: 'Hello world' });
  });

  it('reads a large POST body (Tornado test_large_post)', async () => {
    const server = await serve(helloHttps, { tls });
    expect(await httpsRequest(server.port, { method: 'POST', body: 'A'.repeat(5000) })).toEqual({
      status: 200,
      body: 'Got 5000 bytes in POST',
    });
  });

  it('closes a plain HTTP request to the TLS port, logging one line without a stack (Tornado test_non_ssl_request)', async () => {
    const server = await serve(helloHttps, { tls });
    const stream = await connect(server.port);
    const logged = await recordLog(genLog, async () => {
      await stream.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
      expect(await readAll(stream).catch(() => '')).not.toMatch(/^HTTP\/1\.1 200/);
    });
    const errors = logged.filter((line) => line.includes('SSL Error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).not.toMatch(/\n\s+at /);
    expect(await httpsRequest(server.port)).toEqual({ status: 200, body: 'Hello world' });
  });

  it('xheaders over TLS: https unless the proxy says http (Tornado SSLXHeaderTest)', async () => {
    const server = await serve(
      jsonCallback((request) => request.protocol),
      { tls, xheaders: true },
    );
    const ask = async (headers: Record<string, string>) => JSON.parse((await httpsRequest(server.port, { headers })).body) as string;
    expect(await ask({})).toBe('https');
    expect(await ask({ 'X-Scheme': 'http' })).toBe('http');
    expect(await ask({ 'X-Scheme': 'unknown' })).toBe('https');
  });
});
