// Output cases of Tornado's web_test.py that had no counterpart yet, in our words: the promise
// finish() returns (FinalReturnTest), empty flushes (NonWSGIWebTests), clearHeader on a missing
// name (ClearHeaderTest), the headers of 204 and 304 answers (Header204Test, Header304Test),
// If-None-Match matching against an overridden computeEtag (CacheTest, all nine cases), a
// Content-Length that disagrees with the body (IncorrectContentLengthTest), writing after the client
// left (ClientCloseTest), gzip of static files and of several Vary values (GzipTestCase) and the
// headers kept by Finish (FinishExceptionTest).
// Not applicable: GzipTestCase's `gzip=True` alias (our setting is compressResponse) and
// simple_httpclient's X-Consumed-Content-Encoding (we read raw bytes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { accessLog, appLog, genLog } from '@tornado-ts/ioloop';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Application, Finish, GZipContentEncoding, RequestHandler, StaticFileHandler, type ApplicationSettingsInput, type RouteSpec } from '../src';
import { captureLogs, closeAll, parseRawResponse, rawExchange, startServer } from './helpers';
import { makeTempDir } from './static-helpers';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs(accessLog, appLog, genLog);
});
afterEach(async () => {
  logs.restore();
  await closeAll();
});

async function serve(routes: RouteSpec[], settings?: ApplicationSettingsInput) {
  return startServer(new Application(routes, settings));
}

/** One request with `Connection: close`, parsed. */
async function get(port: number, path: string, extraHeaders = '', method = 'GET') {
  const raw = await rawExchange(port, `${method} ${path} HTTP/1.1\r\nHost: a\r\n${extraHeaders}Connection: close\r\n\r\n`);
  return { ...parseRawResponse(raw), bodyBytes: Buffer.from(raw.slice(raw.indexOf('\r\n\r\n') + 4), 'latin1') };
}

/** A promise with its resolve function, for handlers that report back to the test. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', offset);
    const size = parseInt(data.subarray(offset, eol).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    offset = eol + 4 + size;
  }
  return Buffer.concat(parts);
}

describe('finish() and flush() (FinalReturnTest, NonWSGIWebTests)', () => {
  it('finish() returns a promise that settles once the response is out, with or without an earlier flush (test_finish_method_return_future)', async () => {
    let settled = deferred<{ isPromise: boolean }>();
    class FinishHandler extends RequestHandler {
      async get() {
        const returned = this.finish();
        await returned;
        settled.resolve({ isPromise: returned instanceof Promise });
      }
      async post() {
        this.write('hello,');
        await this.flush();
        const returned = this.finish('world');
        await returned;
        settled.resolve({ isPromise: returned instanceof Promise });
      }
    }
    const { fetch } = await serve([['/finish', FinishHandler]]);
    let response = await fetch('/finish');
    expect(response.status).toBe(200);
    expect(await withTimeout(settled.promise, 2000, 'finish() to settle')).toEqual({ isPromise: true });

    settled = deferred();
    response = await fetch('/finish', { method: 'POST', body: '' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello,world');
    expect(await withTimeout(settled.promise, 2000, 'finish() to settle')).toEqual({ isPromise: true });
  });

  it('empty flushes before and after output are harmless and settle (test_empty_flush)', async () => {
    class EmptyFlush extends RequestHandler {
      async get() {
        await this.flush(); // nothing written yet: sends the headers
        await this.flush(); // nothing at all
        this.write('o');
        await this.flush();
        await this.flush();
        await this.finish('k');
      }
    }
    const { port } = await serve([['/empty_flush', EmptyFlush]]);
    const response = await get(port, '/empty_flush');
    expect(response.status).toBe(200);
    expect(response.headers['transfer-encoding']).toEqual(['chunked']);
    expect(dechunk(response.bodyBytes).toString()).toBe('ok');
    // No zero-length chunk may appear before the end: that would end the body early.
    expect(response.body).toBe('1\r\no\r\n1\r\nk\r\n0\r\n\r\n');
  });
});

describe('response headers (ClearHeaderTest, Header204Test, Header304Test)', () => {
  it('clearHeader removes one header and ignores a name never set (test_clear_header)', async () => {
    class ClearHeader extends RequestHandler {
      get() {
        this.setHeader('h1', 'foo');
        this.setHeader('h2', 'bar');
        this.clearHeader('h1');
        this.clearHeader('nonexistent');
      }
    }
    const { port } = await serve([['/', ClearHeader]]);
    const response = await get(port, '/');
    expect(response.status).toBe(200);
    expect(response.headers.h1).toBeUndefined();
    expect(response.headers.h2).toEqual(['bar']);
  });

  it('a 204 carries neither Content-Length nor Transfer-Encoding (test_204_headers)', async () => {
    class NoContent extends RequestHandler {
      async get() {
        this.setStatus(204);
        await this.finish();
      }
    }
    const { port } = await serve([['/', NoContent]]);
    const raw = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const response = parseRawResponse(raw);
    expect(response.status).toBe(204);
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers['transfer-encoding']).toBeUndefined();
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
    expect(response.body).toBe('');
  });

  it('a 304 drops Content-Length and entity headers and is not chunked (test_304_headers)', async () => {
    class WithLanguage extends RequestHandler {
      get() {
        this.setHeader('Content-Language', 'en_US');
        this.write('hello');
      }
    }
    const { port } = await serve([['/', WithLanguage]]);
    const first = await get(port, '/');
    expect(first.headers['content-length']).toEqual(['5']);
    expect(first.headers['content-language']).toEqual(['en_US']);
    const etag = first.headers.etag[0];
    const second = await get(port, '/', `If-None-Match: ${etag}\r\n`);
    expect(second.status).toBe(304);
    expect(second.headers['content-length']).toBeUndefined();
    expect(second.headers['content-language']).toBeUndefined();
    expect(second.headers['transfer-encoding']).toBeUndefined();
    expect(second.body).toBe('');
  });
});

describe('If-None-Match against computeEtag() (CacheTest)', () => {
  /** Writes the path argument and uses it as the ETag, as Tornado's EtagHandler does. */
  class EtagHandler extends RequestHandler {
    tag = '';
    get(computedEtag: string) {
      this.tag = computedEtag;
      this.write(computedEtag);
    }
    override computeEtag(): string {
      return this.tag;
    }
  }

  const cases: [string, string, string, number][] = [
    ['test_wildcard_etag', '"xyzzy"', '*', 304],
    ['test_strong_etag_match', '"xyzzy"', '"xyzzy"', 304],
    ['test_multiple_strong_etag_match', '"xyzzy1"', '"xyzzy1", "xyzzy2"', 304],
    ['test_strong_etag_not_match', '"xyzzy"', '"xyzzy1"', 200],
    ['test_multiple_strong_etag_not_match', '"xyzzy"', '"xyzzy1", "xyzzy2"', 200],
    ['test_weak_etag_match', '"xyzzy1"', 'W/"xyzzy1"', 304],
    ['test_multiple_weak_etag_match', '"xyzzy2"', 'W/"xyzzy1", W/"xyzzy2"', 304],
    ['test_weak_etag_not_match', '"xyzzy2"', 'W/"xyzzy1"', 200],
    ['test_multiple_weak_etag_not_match', '"xyzzy3"', 'W/"xyzzy1", W/"xyzzy2"', 200],
  ];

  it.each(cases)('%s: ETag %s against If-None-Match %s is %i', async (_name, computed, ifNoneMatch, status) => {
    const { port } = await serve([['/etag/(.*)', EtagHandler]]);
    const response = await get(port, `/etag/${encodeURIComponent(computed)}`, `If-None-Match: ${ifNoneMatch}\r\n`);
    expect(response.status).toBe(status);
    expect(response.headers.etag).toEqual([computed]);
    expect(response.body).toBe(status === 304 ? '' : computed);
  });
});

describe('a Content-Length that disagrees with the body (IncorrectContentLengthTest)', () => {
  async function run(declared: string, body: string) {
    const failure = deferred<unknown>();
    class WrongLength extends RequestHandler {
      async get() {
        this.setHeader('Content-Length', declared);
        try {
          await this.finish(body);
          failure.resolve(null);
        } catch (error) {
          failure.resolve(error);
          throw error;
        }
      }
    }
    const { port } = await serve([['/', WrongLength]]);
    const started = Date.now();
    const raw = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 5000);
    return { raw, elapsed: Date.now() - started, error: await withTimeout(failure.promise, 2000, 'the handler') };
  }

  it('too high: finish() fails, the error is logged and the connection closes short of the promised length (test_content_length_too_high)', async () => {
    const { raw, elapsed, error } = await run('42', 'ok');
    expect(String(error)).toContain('Tried to write 40 bytes less than Content-Length');
    const response = parseRawResponse(raw);
    expect(response.headers['content-length']).toEqual(['42']);
    expect(Buffer.byteLength(response.body, 'latin1')).toBeLessThan(42);
    // The server closed the connection: the client did not have to time out.
    expect(elapsed).toBeLessThan(4000);
    expect(logs.records.some((r) => r.level === 'error' && r.text.includes('Tried to write 40 bytes less than Content-Length'))).toBe(true);
  });

  it('too low: finish() fails, the error is logged and the client never sees a complete response (test_content_length_too_low)', async () => {
    const { raw, elapsed, error } = await run('2', 'hello');
    expect(String(error)).toContain('Tried to write more data than Content-Length');
    // Either nothing or a head promising 2 bytes went out, never the 5-byte body.
    expect(raw).not.toContain('hello');
    expect(elapsed).toBeLessThan(4000);
    expect(logs.records.some((r) => r.level === 'error' && r.text.includes('Tried to write more data than Content-Length'))).toBe(true);
  });
});

describe('the client leaves while the handler works (ClientCloseTest)', () => {
  it('writing after the client closed ends the request without logging an error (test_client_close)', async () => {
    const left = deferred();
    class Slow extends RequestHandler {
      async get() {
        await left.promise;
        // As in Tornado, the handler writes as if nothing happened and leaves finishing to the framework.
        this.write('hello');
      }
      override onConnectionClose() {
        left.resolve();
      }
    }
    const { port } = await serve([['/', Slow]]);
    const raw = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 50);
    expect(raw).toBe('');
    await withTimeout(left.promise, 2000, 'onConnectionClose');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logs.records.filter((r) => (r.level === 'error' || r.level === 'warn') && !/^\d{3} GET/.test(r.text))).toEqual([]);
  });
});

describe('gzip and Vary (GzipTestCase)', () => {
  class Hello extends RequestHandler {
    get() {
      for (const value of this.getArguments('vary')) this.addHeader('Vary', value);
      this.write(`hello world${'!'.repeat(GZipContentEncoding.MIN_LENGTH)}`);
    }
  }

  function varyValues(headers: Record<string, string[]>): string[] {
    return (headers.vary ?? []).join(',').split(',').map((value) => value.trim());
  }

  it('compresses static files too, small and streamed in several chunks (test_gzip_static)', async () => {
    const dir = makeTempDir('gzip-static');
    try {
      const big = Array.from({ length: 20_000 }, (_, i) => `line ${i} of a compressible text file\n`).join('');
      writeFileSync(join(dir.path, 'big.txt'), big);
      writeFileSync(join(dir.path, 'robots.txt'), 'User-agent: *\nDisallow: /\n');
      StaticFileHandler.resetCache();
      const { port } = await serve([], { compressResponse: true, staticPath: dir.path });
      const response = await get(port, '/static/big.txt', 'Accept-Encoding: gzip\r\n');
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toEqual(['gzip']);
      expect(varyValues(response.headers)).toEqual(['Accept-Encoding']);
      const compressed = response.headers['transfer-encoding'] ? dechunk(response.bodyBytes) : response.bodyBytes;
      if (response.headers['content-length']) expect(Number(response.headers['content-length'][0])).toBe(compressed.length);
      expect(compressed.length).toBeLessThan(big.length);
      expect(gunzipSync(compressed).toString()).toBe(big);

      // robots.txt, as in Tornado: whether so small a file is compressed is the transform's choice,
      // but Vary is always there and the content always arrives intact.
      const robots = await get(port, '/robots.txt', 'Accept-Encoding: gzip\r\n');
      expect(varyValues(robots.headers)).toEqual(['Accept-Encoding']);
      let body = robots.headers['transfer-encoding'] ? dechunk(robots.bodyBytes) : robots.bodyBytes;
      if (robots.headers['content-encoding']?.[0] === 'gzip') body = gunzipSync(body);
      expect(body.toString()).toBe('User-agent: *\nDisallow: /\n');
    } finally {
      dir.remove();
      StaticFileHandler.resetCache();
    }
  });

  it('a flushed gzip response that finishes with no further data still ends with the right CRC (the static-file path of test_gzip_static)', async () => {
    class FlushThenFinish extends RequestHandler {
      async get() {
        this.write('User-agent: *\nDisallow: /\n');
        await this.flush();
        // StaticFileHandler ends every file this way: the last chunk was flushed, finish() adds nothing.
      }
    }
    const { port } = await serve([['/', FlushThenFinish]], { compressResponse: true });
    for (let i = 0; i < 3; i++) {
      const response = await get(port, '/', 'Accept-Encoding: gzip\r\n');
      expect(response.headers['content-encoding']).toEqual(['gzip']);
      expect(gunzipSync(dechunk(response.bodyBytes)).toString()).toBe('User-agent: *\nDisallow: /\n');
    }
  });

  it('appends Accept-Encoding after several Vary values the handler added (test_vary_already_present_multiple)', async () => {
    const { port } = await serve([['/', Hello]], { compressResponse: true });
    const response = await get(port, '/?vary=Accept-Language&vary=Cookie', 'Accept-Encoding: gzip\r\n');
    expect(response.headers['content-encoding']).toEqual(['gzip']);
    expect(varyValues(response.headers)).toEqual(['Accept-Language', 'Cookie', 'Accept-Encoding']);
  });

  it('appends Accept-Encoding after one Vary value (test_vary_already_present, with addHeader)', async () => {
    const { port } = await serve([['/', Hello]], { compressResponse: true });
    const response = await get(port, '/?vary=Accept-Language', 'Accept-Encoding: gzip\r\n');
    expect(response.headers['content-encoding']).toEqual(['gzip']);
    expect(varyValues(response.headers)).toEqual(['Accept-Language', 'Accept-Encoding']);
  });
});

describe('Finish keeps what the handler set (FinishExceptionTest)', () => {
  it('status and headers survive Finish, with the body given to it or written before (test_finish_exception)', async () => {
    class Auth extends RequestHandler {
      get() {
        this.setStatus(401);
        this.setHeader('WWW-Authenticate', 'Basic realm="something"');
        if (this.getArgument('finish_value', '')) throw new Finish('authentication required');
        this.write('authentication required');
        throw new Finish();
      }
    }
    const { port } = await serve([['/', Auth]]);
    for (const path of ['/', '/?finish_value=1']) {
      const response = await get(port, path);
      expect(response.status, path).toBe(401);
      expect(response.headers['www-authenticate'], path).toEqual(['Basic realm="something"']);
      expect(response.body, path).toBe('authentication required');
    }
    expect(logs.records.filter((r) => r.level === 'error')).toEqual([]);
  });
});
