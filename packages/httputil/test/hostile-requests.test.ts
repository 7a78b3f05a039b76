// Hostile and malformed requests (SECURITY-HISTORY: request smuggling through Content-Length and
// Transfer-Encoding, chunk sizes, line endings, control characters, limits). Each row is sent on a
// fresh connection and must get its exact status, a closed connection, no call to the
// application, one log line, and a server that still answers the next client.
import { genLog, expectLog } from '@tornado-ts/ioloop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, closeAll, respond, serveBuffered, type TestServer } from './http1-helpers';
import { MAX_BODY_SIZE, MAX_HEADER_COUNT, MAX_HEADER_SIZE, accepted, rows } from './hostile-corpus';

let server: TestServer;

beforeAll(async () => {
  server = await serveBuffered(({ connection, body }) => respond(connection, `ok ${body.length}`), {
    maxHeaderSize: MAX_HEADER_SIZE,
    maxHeaderCount: MAX_HEADER_COUNT,
    maxBodySize: MAX_BODY_SIZE,
  });
});
afterAll(closeAll);

describe('hostile requests', () => {
  it.each(rows)('%s', async (_name, raw, status) => {
    const bytes = typeof raw === 'function' ? raw() : raw;
    const seen = server.requests.length;
    const pattern = status === null ? /Unsatisfiable read/ : /Malformed HTTP message from 127\.0\.0\.1/;
    await expectLog(genLog, pattern, async () => {
      const client = await RawClient.connect(server.port);
      client.write(bytes).catch(() => {});
      expect(await client.closesWithin(3000), 'the connection closes').toBe(true);
      const answer = (await client.readUntilClose()).toString('latin1');
      if (status === null) {
        expect(answer).toBe('');
      } else {
        expect(answer.slice(0, 12)).toBe(`HTTP/1.1 ${status}`);
        expect(answer).toMatch(/\r\nConnection: close\r\n/);
        expect(answer).toMatch(/\r\nContent-Length: \d+\r\n/);
      }
    });
    expect(server.requests.length, 'the application never saw a complete request').toBe(seen);
    // The server keeps serving the next client.
    const next = await RawClient.connect(server.port);
    await next.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await next.readResponse()).code).toBe(200);
    next.close();
  });
});

describe('unusual valid requests', () => {
  it.each(accepted)('%s', async (_name, raw, body) => {
    const client = await RawClient.connect(server.port);
    await client.write(raw);
    const response = await client.readResponse();
    expect(response.code).toBe(200);
    expect(response.body.toString()).toBe(`ok ${body.length}`);
    expect(server.requests.at(-1)?.body.toString()).toBe(body);
    // Framing was certain: the connection stays open for the next request.
    await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await client.readResponse()).code).toBe(200);
    client.close();
  });
});

describe('slow hostile clients', () => {
  it('a header block dribbled byte by byte over maxHeaderSize still gets 431', async () => {
    const client = await RawClient.connect(server.port);
    await expectLog(genLog, /Header block too large/, async () => {
      await client.write('GET / HTTP/1.1\r\nX-Filler: ');
      const piece = 'a'.repeat(700);
      for (let sent = 0; sent <= MAX_HEADER_SIZE && !client.ended; sent += piece.length) {
        await client.write(piece);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await client.closesWithin(3000)).toBe(true);
    });
    expect((await client.readUntilClose()).toString('latin1')).toMatch(/^HTTP\/1\.1 431 /);
  });
});
