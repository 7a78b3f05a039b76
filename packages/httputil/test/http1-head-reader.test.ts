// The two ways a message head is read (http1-head-reader.ts): whole in the first piece that
// arrives (a byte search, the rest handed back to the stream) or in regex rounds. Both must give
// the same request for the same bytes however they are cut, keep pipelined bytes for the next
// message, and be exactly as strict: the hostile corpus is replayed here with the head cut after
// its first byte, so every row also goes through the rounds.
import { genLog, expectLog } from '@tornado-ts/ioloop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_END } from '../src/framing';
import { headerBlockEnd } from '../src/http1-head';
import { RawClient, closeAll, request, respond, serveBuffered, sleep, type TestServer } from './http1-helpers';
import { MAX_BODY_SIZE, MAX_HEADER_COUNT, MAX_HEADER_SIZE, rows } from './hostile-corpus';

afterAll(closeAll);

/** What the application saw of one request, in a form two runs can be compared by. */
function describeRequest(received: TestServer['requests'][number]): string {
  const { startLine, headers, body } = received;
  return JSON.stringify([startLine.method, startLine.path, startLine.version, [...headers], body.toString('latin1')]);
}

let server: TestServer;

beforeAll(async () => {
  server = await serveBuffered(({ connection, ...received }) => respond(connection, describeRequest({ connection, ...received })), {
    maxHeaderSize: MAX_HEADER_SIZE,
    maxHeaderCount: MAX_HEADER_COUNT,
    maxBodySize: MAX_BODY_SIZE,
  });
});

/** Sends `pieces` with a pause between them and reads `count` responses; returns their bodies. */
async function exchange(pieces: string[], count: number): Promise<string[]> {
  const client = await RawClient.connect(server.port);
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await sleep(1);
    await client.write(pieces[i]);
  }
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) bodies.push((await client.readResponse()).body.toString('latin1'));
  client.close();
  return bodies;
}

describe('headerBlockEnd', () => {
  it('finds the end of the first blank line exactly where HEADER_END does', () => {
    let state = 12345;
    const next = (): number => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const alphabet = ['a', ':', ' ', '\r', '\n', '\n', '\r\n'];
    for (let round = 0; round < 5000; round++) {
      let text = '';
      const length = Math.floor(next() * 40);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      const match = /\n\r?\n/.exec(text);
      expect(headerBlockEnd(Buffer.from(text, 'latin1')), JSON.stringify(text)).toBe(match === null ? -1 : match.index + match[0].length);
      // Within a round (under HEADER_ROUND bytes) the codec's own pattern agrees.
      const round1 = HEADER_END.exec(text);
      expect(round1 === null ? -1 : round1.index + round1[0].length).toBe(match === null ? -1 : match.index + match[0].length);
    }
  });
});

describe('a head read whole or in rounds gives the same request', () => {
  const cases: [name: string, raw: string, responses: number][] = [
    [
      'a GET then a pipelined POST with a body',
      request(['GET /a?x=1 HTTP/1.1', 'Host: example.com', 'User-Agent: test', 'Accept: */*']) +
        request(['POST /b HTTP/1.1', 'Host: example.com', 'Content-Length: 5'], 'hello'),
      2,
    ],
    ['bare LF line endings', 'GET /lf HTTP/1.1\nHost: example.com\nX-A: 1\n\n', 1],
    ['blank lines before the request', '\r\n\r\nGET /blank HTTP/1.1\r\nHost: example.com\r\n\r\n', 1],
    ['a repeated field and a chunked body', request(['POST /c HTTP/1.1', 'Host: x', 'X-A: 1', 'X-A: 2', 'Transfer-Encoding: chunked'], '3\r\nabc\r\n0\r\n\r\n'), 1],
  ];

  it.each(cases)('%s, cut at every byte', async (_name, raw, responses) => {
    const whole = await exchange([raw], responses);
    expect(whole[0]).toContain('"');
    for (let cut = 1; cut < raw.length; cut++) {
      expect(await exchange([raw.slice(0, cut), raw.slice(cut)], responses), `cut at ${cut}`).toEqual(whole);
    }
  }, 30_000);

  it('answers pipelined requests with bodies sent in one write, in order', async () => {
    const raw =
      request(['POST /1 HTTP/1.1', 'Host: x', 'Content-Length: 3'], 'abc') +
      request(['GET /2 HTTP/1.1', 'Host: x']) +
      request(['POST /3 HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked'], '2\r\nde\r\n1\r\nf\r\n0\r\n\r\n') +
      request(['PUT /4 HTTP/1.1', 'Host: x', 'Content-Length: 0']) +
      request(['POST /5 HTTP/1.1', 'Host: x', 'Content-Length: 4'], 'wxyz');
    const bodies = (await exchange([raw], 5)).map((body) => JSON.parse(body) as unknown[]);
    expect(bodies.map((body) => [body[1], body[4]])).toEqual([
      ['/1', 'abc'],
      ['/2', ''],
      ['/3', 'def'],
      ['/4', ''],
      ['/5', 'wxyz'],
    ]);
  });

  it('takes a head of exactly maxHeaderSize bytes whole and answers 431 to one byte more', async () => {
    const fill = (size: number): string => {
      const start = 'GET / HTTP/1.1\r\nHost: x\r\nX-Fill: ';
      return `${start}${'a'.repeat(size - start.length - 4)}\r\n\r\n`;
    };
    expect(fill(MAX_HEADER_SIZE).length).toBe(MAX_HEADER_SIZE);
    expect(await exchange([fill(MAX_HEADER_SIZE)], 1)).toHaveLength(1);
    await expectLog(genLog, /Header block too large/, async () => {
      const client = await RawClient.connect(server.port);
      await client.write(fill(MAX_HEADER_SIZE + 1));
      expect(await client.closesWithin(3000)).toBe(true);
      expect((await client.readUntilClose()).toString('latin1')).toMatch(/^HTTP\/1\.1 431 /);
    });
  });
});

describe('hostile requests whose head arrives in two pieces (the rounds)', () => {
  it.each(rows)('%s', async (_name, raw, status) => {
    const text = typeof raw === 'function' ? raw() : raw;
    const seen = server.requests.length;
    const pattern = status === null ? /Unsatisfiable read/ : /Malformed HTTP message from 127\.0\.0\.1/;
    await expectLog(genLog, pattern, async () => {
      const client = await RawClient.connect(server.port);
      await client.write(text.slice(0, 1));
      await sleep(1);
      client.write(text.slice(1)).catch(() => {});
      expect(await client.closesWithin(3000), 'the connection closes').toBe(true);
      const answer = (await client.readUntilClose()).toString('latin1');
      if (status === null) expect(answer).toBe('');
      else expect(answer.slice(0, 12)).toBe(`HTTP/1.1 ${status}`);
    });
    expect(server.requests.length, 'the application never saw a complete request').toBe(seen);
  });
});
