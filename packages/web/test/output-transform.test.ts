// Output transforms and gzip, after Tornado's web_test.py GzipTestCase and the transform parts of
// WSGISafeWebTest (test_no_gzip) and CacheTest. Not applicable: the deprecated `gzip` setting alias.
import { gunzipSync } from 'node:zlib';
import type { HTTPHeaders } from '@tornado-ts/httputil';
import { afterEach, describe, expect, test } from 'vitest';
import { Application, GZipContentEncoding, OutputTransform, RequestHandler, type ApplicationSettingsInput } from '../src/index';
import { closeAll, muteAccessLog, parseRawResponse, rawExchange, startServer } from './helpers';

muteAccessLog();
afterEach(closeAll);

const BIG = 'hello world '.repeat(200);

class Body extends RequestHandler {
  async get() {
    const type = this.getArgument('type', null);
    if (type !== null) this.setHeader('Content-Type', type);
    if (this.getArgument('vary', null)) this.setHeader('Vary', 'Accept-Language');
    if (this.getArgument('stream', null)) {
      this.write(BIG);
      await this.flush();
      this.write(BIG);
      await this.flush();
      this.write('end');
      return;
    }
    this.write(this.getArgument('small', null) ? 'small' : BIG);
  }
}

async function exchange(port: number, path: string, acceptEncoding: string | null) {
  const accept = acceptEncoding === null ? '' : `Accept-Encoding: ${acceptEncoding}\r\n`;
  const raw = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: a\r\n${accept}Connection: close\r\n\r\n`);
  const response = parseRawResponse(raw);
  const bodyBytes = Buffer.from(raw.slice(raw.indexOf('\r\n\r\n') + 4), 'latin1');
  return { ...response, bodyBytes };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', offset);
    const size = parseInt(data.subarray(offset, eol).toString('latin1'), 16);
    if (size === 0) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    offset = eol + 4 + size;
  }
  return Buffer.concat(parts);
}

async function serve(settings: ApplicationSettingsInput) {
  return startServer(new Application([['/', Body]], settings));
}

describe('GZipContentEncoding (compressResponse)', () => {
  test('compresses a large compressible body for clients that accept gzip, with Vary and a correct Content-Length', async () => {
    const { port } = await serve({ compressResponse: true });
    const response = await exchange(port, '/', 'gzip, deflate');
    expect(response.headers['content-encoding']).toEqual(['gzip']);
    expect(response.headers.vary).toEqual(['Accept-Encoding']);
    expect(Number(response.headers['content-length'][0])).toBe(response.bodyBytes.length);
    expect(gunzipSync(response.bodyBytes).toString()).toBe(BIG);
  });

  test('leaves alone: clients without gzip, q=0, small bodies, incompressible types; Vary is still sent', async () => {
    const { port } = await serve({ compressResponse: true });
    for (const [path, accept] of [['/', null], ['/', 'identity'], ['/', 'gzip;q=0'], ['/?small=1', 'gzip'], ['/?type=image/png', 'gzip']] as const) {
      const response = await exchange(port, path, accept);
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers.vary).toEqual(['Accept-Encoding']);
    }
    expect((await exchange(port, '/?type=application/json', 'gzip')).headers['content-encoding']).toEqual(['gzip']);
    expect((await exchange(port, '/?type=text/css;charset=utf-8', 'gzip')).headers['content-encoding']).toEqual(['gzip']);
  });

  test('an existing Vary header is extended', async () => {
    const { port } = await serve({ compressResponse: true });
    expect((await exchange(port, '/?vary=1', 'gzip')).headers.vary).toEqual(['Accept-Language, Accept-Encoding']);
  });

  test('a flushed response is compressed as one gzip stream across chunks', async () => {
    const { port } = await serve({ compressResponse: true });
    const response = await exchange(port, '/?stream=1', 'gzip');
    expect(response.headers['content-encoding']).toEqual(['gzip']);
    expect(response.headers['transfer-encoding']).toEqual(['chunked']);
    expect(gunzipSync(dechunk(response.bodyBytes)).toString()).toBe(`${BIG}${BIG}end`);
  });

  test('off by default (no Vary, no Content-Encoding)', async () => {
    const { port } = await serve({});
    const response = await exchange(port, '/', 'gzip');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toBeUndefined();
  });

  test('the static helpers', () => {
    expect(GZipContentEncoding.isCompressibleType('text/plain')).toBe(true);
    expect(GZipContentEncoding.isCompressibleType('image/svg+xml')).toBe(true);
    expect(GZipContentEncoding.isCompressibleType('application/octet-stream')).toBe(false);
  });
});

describe('custom transforms (transforms setting)', () => {
  class Upper extends OutputTransform {
    override transformFirstChunk(status: number, headers: HTTPHeaders, chunk: Buffer, finishing: boolean): [number, Buffer] {
      headers.set('X-Transformed', finishing ? 'finishing' : 'streaming');
      headers.delete('Content-Length');
      return [status, Buffer.from(chunk.toString().toUpperCase())];
    }
    override transformChunk(chunk: Buffer): Buffer {
      return Buffer.from(chunk.toString().toUpperCase());
    }
  }
  class Teapot extends OutputTransform {
    override transformFirstChunk(_status: number, _headers: HTTPHeaders, chunk: Buffer): [number, Buffer] {
      return [418, chunk];
    }
  }

  test('each transform sees the status, headers and every chunk, in order', async () => {
    const { port } = await startServer(new Application([['/', Body]], { transforms: [Upper, Teapot] }));
    const whole = await exchange(port, '/?small=1', null);
    expect(whole.status).toBe(418);
    expect(whole.headers['x-transformed']).toEqual(['finishing']);
    expect(dechunk(whole.bodyBytes).toString()).toBe('SMALL');
    const streamed = await exchange(port, '/?stream=1', null);
    expect(streamed.headers['x-transformed']).toEqual(['streaming']);
    expect(dechunk(streamed.bodyBytes).toString()).toBe(`${BIG}${BIG}end`.toUpperCase());
  });
});
