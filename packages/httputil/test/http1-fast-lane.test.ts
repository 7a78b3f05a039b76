// The server's fast lane (http1-fast-lane.ts, HTTP1Connection.serveRequest): a whole, simple
// request is parsed and served from the 'data' event that brought it, and a delegate that returns
// a promise or throws, at any step, hands the exchange to an async tail that must behave as the
// regular reader does. The regular reader's own behaviour (hostile input, heads split across
// reads, timeouts, graceful close) is covered by the other server tests, which now run through
// the lane first.
import { appLog, expectLog, genLog } from '@tornado-ts/ioloop';
import type { HTTP1Connection, HTTPMessageDelegate } from '@tornado-ts/httputil';
import { afterEach, describe, expect, it } from 'vitest';
import { RawClient, closeAll, request, respond, serve, sleep } from './http1-helpers';

afterEach(closeAll);

type Step = 'headers' | 'data' | 'finish';

/** A delegate that logs its calls into `events` and answers with the method, path and body in finish(). */
function recording(
  connection: HTTP1Connection,
  events: string[],
  options: { asyncAt?: Step; throwAt?: Step } = {},
): HTTPMessageDelegate {
  let path = '';
  let body = '';
  const step = (name: Step): void | Promise<void> => {
    if (options.throwAt === name) throw new Error(`boom in ${name}`);
    if (options.asyncAt === name) return sleep(2);
    return undefined;
  };
  return {
    headersReceived(startLine) {
      path = (startLine as { path: string }).path;
      events.push(`headers ${path}`);
      return step('headers');
    },
    dataReceived(chunk) {
      body += chunk.toString('latin1');
      events.push(`data ${path}`);
      return step('data');
    },
    finish() {
      events.push(`finish ${path}`);
      const result = step('finish');
      const answer = (): Promise<void> => respond(connection, `${path}:${body}`);
      if (result instanceof Promise) return result.then(answer);
      void answer();
      return undefined;
    },
    onConnectionClose() {
      events.push(`close ${path}`);
    },
  };
}

const PIPELINE =
  request(['GET /a HTTP/1.1', 'Host: x']) +
  request(['POST /b HTTP/1.1', 'Host: x', 'Content-Length: 5'], 'hello') +
  request(['GET /c HTTP/1.1', 'Host: x']);

describe('fast lane', () => {
  it('serves pipelined requests sent in one piece, bodies included, in order', async () => {
    const events: string[] = [];
    const server = await serve((connection) => recording(connection, events));
    const client = await RawClient.connect(server.port);
    await client.write(PIPELINE);
    const bodies = [];
    for (let i = 0; i < 3; i++) bodies.push((await client.readResponse()).body.toString());
    expect(bodies).toEqual(['/a:', '/b:hello', '/c:']);
    expect(events).toEqual(['headers /a', 'finish /a', 'headers /b', 'data /b', 'finish /b', 'headers /c', 'finish /c']);
  });

  it('serves the next buffered request without waiting for a later turn', async () => {
    const order: string[] = [];
    const server = await serve((connection) => ({
      headersReceived(startLine) {
        order.push((startLine as { path: string }).path);
      },
      dataReceived() {},
      finish() {
        // A microtask queued by the first answer runs only after the second request was served:
        // nothing was awaited between them.
        queueMicrotask(() => order.push('microtask'));
        void respond(connection, 'ok');
      },
      onConnectionClose() {},
    }));
    const client = await RawClient.connect(server.port);
    await client.write(request(['GET /1 HTTP/1.1', 'Host: x']) + request(['GET /2 HTTP/1.1', 'Host: x']));
    await client.readResponse();
    await client.readResponse();
    expect(order.slice(0, 2)).toEqual(['/1', '/2']);
  });

  for (const step of ['headers', 'data', 'finish'] as const) {
    it(`goes on after a promise from ${step}, keeping pipelined answers in order`, async () => {
      const events: string[] = [];
      const server = await serve((connection) => recording(connection, events, { asyncAt: step }));
      const client = await RawClient.connect(server.port);
      await client.write(PIPELINE);
      const bodies = [];
      for (let i = 0; i < 3; i++) bodies.push((await client.readResponse()).body.toString());
      expect(bodies).toEqual(['/a:', '/b:hello', '/c:']);
      expect(events).toEqual(['headers /a', 'finish /a', 'headers /b', 'data /b', 'finish /b', 'headers /c', 'finish /c']);
    });
  }

  for (const step of ['headers', 'data'] as const) {
    it(`answers 500 and calls onConnectionClose when ${step} throws`, async () => {
      const events: string[] = [];
      const server = await serve((connection) => recording(connection, events, { throwAt: step }));
      const client = await RawClient.connect(server.port);
      await expectLog(appLog, /Uncaught exception in HTTP message delegate/, async () => {
        await client.write(request(['POST /b HTTP/1.1', 'Host: x', 'Content-Length: 5'], 'hello'));
        expect((await client.readResponse()).code).toBe(500);
        expect(await client.closesWithin(500)).toBe(true);
      });
      expect(events.at(-1)).toBe('close /b');
      expect(events).not.toContain('finish /b');
    });
  }

  it('answers 500 when finish throws, without onConnectionClose (finish was called)', async () => {
    const events: string[] = [];
    const server = await serve((connection) => recording(connection, events, { throwAt: 'finish' }));
    const client = await RawClient.connect(server.port);
    await expectLog(appLog, /Uncaught exception in HTTP message delegate/, async () => {
      await client.write(request(['GET /a HTTP/1.1', 'Host: x']));
      expect((await client.readResponse()).code).toBe(500);
      expect(await client.closesWithin(500)).toBe(true);
    });
    expect(events).toEqual(['headers /a', 'finish /a']);
  });

  it('an answer given in headersReceived skips the buffered body and finish, then closes', async () => {
    const events: string[] = [];
    const server = await serve((connection) => ({
      headersReceived() {
        events.push('headers');
        void respond(connection, 'early');
      },
      dataReceived() {
        events.push('data');
      },
      finish() {
        events.push('finish');
      },
      onConnectionClose() {
        events.push('close');
      },
    }));
    const client = await RawClient.connect(server.port);
    await client.write(request(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 5'], 'hello'));
    expect((await client.readResponse()).body.toString()).toBe('early');
    expect(await client.closesWithin(500)).toBe(true);
    expect(events).toEqual(['headers', 'close']);
  });

  it('a limit lowered in headersReceived refuses a body already buffered (413)', async () => {
    const events: string[] = [];
    const server = await serve((connection) => {
      const delegate = recording(connection, events);
      return {
        ...delegate,
        headersReceived(startLine, headers) {
          connection.setMaxBodySize(3);
          return delegate.headersReceived(startLine, headers);
        },
      };
    });
    const client = await RawClient.connect(server.port);
    await expectLog(genLog, /Content-Length too long \(5 > 3\)/, async () => {
      await client.write(request(['POST /b HTTP/1.1', 'Host: x', 'Content-Length: 5'], 'hello'));
      expect((await client.readResponse()).code).toBe(413);
    });
    expect(events).toEqual(['headers /b', 'close /b']);
  });

  it('detach() from a synchronous headersReceived hands over the stream with the bytes after the head', async () => {
    let closes = 0;
    const server = await serve((connection) => ({
      headersReceived() {
        const stream = connection.detach();
        void (async () => {
          await stream.write(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n'));
          await stream.write(await stream.readUntil('\n'));
          stream.close();
        })();
      },
      dataReceived() {},
      finish() {},
      onConnectionClose() {
        closes++;
      },
    }));
    const client = await RawClient.connect(server.port);
    await client.write(`${request(['GET /ws HTTP/1.1', 'Host: x', 'Upgrade: echo', 'Connection: Upgrade'])}ping\n`);
    expect((await client.readResponse()).code).toBe(101);
    expect((await client.readUntilClose()).toString()).toBe('ping\n');
    expect(closes).toBe(0);
    expect(server.closed).toBe(1);
  });

  it('takes the regular path for a body that has not all arrived, a chunked body, and Expect: 100-continue', async () => {
    const events: string[] = [];
    const server = await serve((connection) => recording(connection, events));
    const client = await RawClient.connect(server.port);
    await client.write(request(['POST /split HTTP/1.1', 'Host: x', 'Content-Length: 10'], 'hello'));
    await sleep(5);
    await client.write('world');
    expect((await client.readResponse()).body.toString()).toBe('/split:helloworld');
    await client.write(request(['POST /chunked HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked'], '5\r\nhello\r\n0\r\n\r\n'));
    expect((await client.readResponse()).body.toString()).toBe('/chunked:hello');
    await client.write(request(['POST /expect HTTP/1.1', 'Host: x', 'Content-Length: 5', 'Expect: 100-continue']));
    expect((await client.readResponse()).code).toBe(100);
    await client.write('hello');
    expect((await client.readResponse()).body.toString()).toBe('/expect:hello');
  });

  it('a malformed request after a good one in the same piece is answered 400 by the regular path', async () => {
    const events: string[] = [];
    const server = await serve((connection) => recording(connection, events));
    const client = await RawClient.connect(server.port);
    await expectLog(genLog, /Malformed HTTP message/, async () => {
      await client.write(`${request(['GET /a HTTP/1.1', 'Host: x'])}GET /b HTTP/1.1\r\nBad Header: x\r\n\r\n`);
      expect((await client.readResponse()).body.toString()).toBe('/a:');
      expect((await client.readResponse()).code).toBe(400);
      expect(await client.closesWithin(500)).toBe(true);
    });
    expect(events).toEqual(['headers /a', 'finish /a']);
  });
});
