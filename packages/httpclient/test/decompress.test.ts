// decompressResponse: gzip, x-gzip, deflate (zlib-wrapped and raw), br; bad data; streaming.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyDecoder, decoderKind } from '../src/decompress';
import { closeAll, newClient, rawServer } from './helpers';

afterEach(closeAll);

const text = 'hello, compressed world '.repeat(2000);

function encodedServer(encoding: string, body: Buffer) {
  return rawServer(() => Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
}

describe('decompressResponse', () => {
  it.each([
    ['gzip', gzipSync(text)],
    ['x-gzip', gzipSync(text)],
    ['deflate', deflateSync(text)],
    ['deflate', deflateRawSync(text)],
    ['br', brotliCompressSync(text)],
    ['GZip', gzipSync(text)],
  ])('decodes %s', async (encoding, body) => {
    const server = await encodedServer(encoding, body);
    const response = await newClient().fetch(server.url());
    expect(response.text()).toBe(text);
    expect(response.headers.has('Content-Encoding')).toBe(false);
    expect(response.headers.get('X-Consumed-Content-Encoding')).toBe(encoding);
  });

  it('streams decoded pieces to streamingCallback', async () => {
    const server = await encodedServer('gzip', gzipSync(text));
    const pieces: Buffer[] = [];
    const response = await newClient().fetch(server.url(), { streamingCallback: (piece) => void pieces.push(piece) });
    expect(Buffer.concat(pieces).toString()).toBe(text);
    expect(response.body.length).toBe(0);
  });

  it('leaves the body alone and asks for nothing when decompressResponse is false', async () => {
    const body = gzipSync(text);
    const server = await encodedServer('gzip', body);
    const response = await newClient().fetch(server.url(), { decompressResponse: false });
    expect(response.body).toEqual(body);
    expect(response.headers.get('Content-Encoding')).toBe('gzip');
    expect(server.received[0].text).not.toMatch(/Accept-Encoding/i);
  });

  it('passes unknown and stacked encodings through untouched', async () => {
    for (const encoding of ['compress', 'gzip, br', 'identity']) {
      const server = await encodedServer(encoding, Buffer.from('raw'));
      const response = await newClient().fetch(server.url());
      expect(response.text()).toBe('raw');
      expect(response.headers.get('Content-Encoding')).toBe(encoding);
    }
  });

  it('keeps an empty encoded body empty', async () => {
    const server = await encodedServer('gzip', Buffer.alloc(0));
    expect((await newClient().fetch(server.url())).body.length).toBe(0);
  });

  it('fails truncated or corrupt data with a clear error', async () => {
    for (const body of [gzipSync(text).subarray(0, 100), Buffer.from('definitely not gzip')]) {
      const server = await encodedServer('gzip', body);
      await expectLog(genLog, /Malformed HTTP message/, async () => {
        await expect(newClient().fetch(server.url())).rejects.toThrow(/Invalid compressed body/);
      });
    }
  });
});

describe('BodyDecoder', () => {
  it('knows the encodings by name', () => {
    expect(['gzip', 'x-gzip', ' GZIP ', 'deflate', 'br'].map(decoderKind).every((kind) => kind > 0)).toBe(true);
    expect(['', 'identity', 'compress', 'gzip, br'].map(decoderKind)).toEqual([0, 0, 0, 0]);
  });

  it('decodes input split at every byte', async () => {
    const encoded = gzipSync('split me');
    const out: Buffer[] = [];
    const decoder = new BodyDecoder(decoderKind('gzip'), (piece) => void out.push(piece), 1024, 1024);
    for (let i = 0; i < encoded.length; i++) await decoder.write(encoded.subarray(i, i + 1));
    await decoder.end();
    expect(Buffer.concat(out).toString()).toBe('split me');
    expect(decoder.outputSize).toBe(8);
  });

  it('passes the sink\'s own error through unchanged', async () => {
    const decoder = new BodyDecoder(decoderKind('gzip'), () => {
      throw new RangeError('sink says no');
    }, 1024, 1024);
    await decoder.write(gzipSync('x')).catch(() => {});
    await expect(decoder.end()).rejects.toThrow(RangeError);
  });
});
