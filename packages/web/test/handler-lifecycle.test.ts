// The handler lifecycle as split out of request-handler.ts: synchronous handlers run without
// promises, thenables are awaited, a client that leaves mid-response is not an error (Tornado
// treats a closed stream during output as normal: no error log), the default headers and their
// reset, ETags of several chunks, header value checks, and createTemplateLoader on the class.
// After Tornado's web_test.py ConnectionCloseTest and the closed-stream handling of
// StaticFileHandler.get; the rest are our own cases for code that Tornado writes differently.
import net from 'node:net';
import { accessLog, appLog, genLog } from '@tornado-ts/ioloop';
import { HTTPOutputError } from '@tornado-ts/httputil';
import { StreamClosedError } from '@tornado-ts/iostream';
import { Loader } from '@tornado-ts/template';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { Application, HandlerUsageError, RequestHandler, type RouteSpec } from '../src/index';
import { etagOfChunks } from '../src/etag';
import { HandlerState, resetOutput } from '../src/handler-state';
import { headerValueText } from '../src/header-values';
import { captureLogs, closeAll, parseRawResponse, rawExchange, startServer } from './helpers';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs(accessLog, appLog, genLog);
});
afterEach(async () => {
  logs.restore();
  vi.restoreAllMocks();
  await closeAll();
});

async function serve(routes: RouteSpec[]) {
  return startServer(new Application(routes));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errors = () => logs.records.filter((record) => record.level === 'error');

/** A promise and its resolver, for handlers that wait on the test. */
function signal(): { promise: Promise<void>; fire(): void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

/** Sends `request`, waits for the first bytes of the answer, then drops the connection. */
async function leaveAfterFirstBytes(port: number, request: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(request);
  const first = await new Promise<Buffer>((resolve, reject) => {
    socket.once('data', resolve);
    socket.once('error', reject);
  });
  socket.destroy();
  return first.toString('latin1');
}

describe('a client that leaves mid-response', () => {
  test('the automatic finish() after the method meets the closed stream quietly: no error log', async () => {
    const left = signal();
    const done = signal();
    const events: string[] = [];
    class Streamer extends RequestHandler {
      async get() {
        this.write('first part');
        await this.flush();
        await left.promise;
        this.write('never delivered'); // the automatic finish() writes this to a closed stream
      }
      override onConnectionClose() {
        events.push('close');
        left.fire();
      }
      override onFinish() {
        events.push('finish');
        done.fire();
      }
    }
    const { port } = await serve([['/', Streamer]]);
    const first = await leaveAfterFirstBytes(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(first).toContain('first part');
    await done.promise;
    await sleep(20);
    expect(events).toEqual(['close', 'finish']);
    expect(errors()).toEqual([]);
  });

  test('an awaited flush() that fails because the client left ends the request quietly', async () => {
    const left = signal();
    const done = signal();
    let flushError: unknown;
    class Flusher extends RequestHandler {
      async get() {
        this.write('first part');
        await this.flush();
        await left.promise;
        this.write('more');
        try {
          await this.flush();
        } catch (error) {
          flushError = error;
          throw error; // reaches the lifecycle, which must see a departed client, not a bug
        }
      }
      override onConnectionClose() {
        left.fire();
      }
      override onFinish() {
        done.fire();
      }
    }
    const { port } = await serve([['/', Flusher]]);
    await leaveAfterFirstBytes(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await done.promise;
    await sleep(20);
    expect(flushError).toBeInstanceOf(StreamClosedError);
    expect(errors()).toEqual([]);
  });

  test('an explicit awaited finish() that fails because the client left is quiet too', async () => {
    const left = signal();
    const done = signal();
    class Finisher extends RequestHandler {
      async get() {
        this.write('first part');
        await this.flush();
        await left.promise;
        await this.finish('the rest');
      }
      override onConnectionClose() {
        left.fire();
      }
      override onFinish() {
        done.fire();
      }
    }
    const { port } = await serve([['/', Finisher]]);
    await leaveAfterFirstBytes(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await done.promise;
    await sleep(20);
    expect(errors()).toEqual([]);
  });

  test('a StreamClosedError that is not the response stream (nothing sent yet) is still a logged 500', async () => {
    class Broken extends RequestHandler {
      get() {
        throw new StreamClosedError(); // e.g. a backend connection the handler used
      }
    }
    const { fetch } = await serve([['/', Broken]]);
    const response = await fetch('/');
    expect(response.status).toBe(500);
    expect(errors().some((record) => record.text.includes('Uncaught exception GET /'))).toBe(true);
  });
});

describe('running the lifecycle', () => {
  test('synchronous prepare and method run in order and finish in the same turn', async () => {
    const events: string[] = [];
    class Sync extends RequestHandler {
      override prepare() {
        events.push('prepare');
      }
      get() {
        events.push('get');
        this.write('sync');
      }
      override onFinish() {
        events.push(`finish ${this.finished}`);
      }
    }
    const { fetch } = await serve([['/', Sync]]);
    const response = await fetch('/');
    expect(await response.text()).toBe('sync');
    expect(events).toEqual(['prepare', 'get', 'finish true']);
  });

  test('a thenable that is not a Promise, from prepare() or the method, is awaited', async () => {
    const later = (value: string, log: string[]): PromiseLike<void> => ({
      then(resolve) {
        setTimeout(() => {
          log.push(value);
          resolve?.(undefined);
        }, 5);
        return undefined as unknown as PromiseLike<never>;
      },
    });
    const events: string[] = [];
    class Thenables extends RequestHandler {
      override prepare() {
        return later('prepared', events) as unknown as Promise<void>;
      }
      get() {
        this.write('body');
        return later('got', events);
      }
    }
    const { fetch } = await serve([['/', Thenables]]);
    expect(await (await fetch('/')).text()).toBe('body');
    expect(events).toEqual(['prepared', 'got']);
  });

  test('an async error page (writeError returning a promise) still hears the client leave', async () => {
    const closed = signal();
    class SlowErrorPage extends RequestHandler {
      get() {
        throw new Error('boom');
      }
      override async writeError() {
        await closed.promise;
      }
      override onConnectionClose() {
        closed.fire();
      }
    }
    const { port } = await serve([['/', SlowErrorPage]]);
    await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 100);
    await closed.promise; // resolved only through onConnectionClose
  });

  test('a method name outside the usual verbs is looked up lower-cased', async () => {
    class Custom extends RequestHandler {
      static override SUPPORTED_METHODS = ['PROPFIND'];
      propfind() {
        this.write('found');
      }
    }
    const { port } = await serve([['/', Custom]]);
    const response = parseRawResponse(await rawExchange(port, 'PROPFIND / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'));
    expect(response.status).toBe(200);
    expect(response.body).toBe('found');
  });
});

describe('default headers and clear()', () => {
  test('a handler starts with Content-Type and Date, each response with its own copy', async () => {
    class Mutator extends RequestHandler {
      get() {
        this.write(String(this.responseHeaders.get('X-Leak') ?? 'clean'));
        this.setHeader('X-Leak', 'dirty');
      }
    }
    const { fetch } = await serve([['/', Mutator]]);
    for (let i = 0; i < 2; i++) {
      const response = await fetch('/');
      expect(await response.text()).toBe('clean');
      expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      expect(response.headers.get('date')).not.toBeNull();
    }
  });

  test('clear() after changes goes back to the defaults; the first clear() after construction changes nothing', () => {
    const state = new HandlerState();
    const initial = state.headers;
    resetOutput(state); // the handler's first clear()
    expect(state.headers).toBe(initial);
    state.headers.set('X-Extra', '1');
    state.status = 404;
    state.buffer.push(Buffer.from('x'));
    state.pristine = false;
    resetOutput(state);
    expect(state.headers.has('X-Extra')).toBe(false);
    expect(state.headers.get('Content-Type')).toBe('text/html; charset=UTF-8');
    expect([state.status, state.reason, state.buffer.length]).toEqual([200, 'OK', 0]);
  });

  test('a later clear() of an untouched handler moves the Date on', () => {
    const state = new HandlerState();
    resetOutput(state);
    const before = state.headers.get('Date');
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 5000);
    resetOutput(state);
    expect(state.headers.get('Date')).not.toBe(before);
    expect(Date.parse(state.headers.get('Date') as string)).toBeGreaterThan(Date.parse(before as string));
  });
});

describe('ETags of buffered output', () => {
  const sha1 = (data: Buffer) => `"${createHash('sha1').update(data).digest('hex')}"`;

  test('one chunk, several chunks, none, and more than the one-shot size all hash the whole body', () => {
    const parts = [Buffer.from('Hello, '), Buffer.from('world')];
    expect(etagOfChunks([])).toBe(sha1(Buffer.alloc(0)));
    expect(etagOfChunks([parts[0]])).toBe(sha1(parts[0]));
    expect(etagOfChunks(parts)).toBe(sha1(Buffer.concat(parts)));
    const big = [Buffer.alloc(70_000, 'a'), Buffer.alloc(10, 'b')];
    expect(etagOfChunks(big)).toBe(sha1(Buffer.concat(big)));
  });

  test('the memo of the last small body never answers for a different body', () => {
    const first = Buffer.from('Hello, world');
    const sameLength = Buffer.from('Hello, World');
    expect(etagOfChunks([first])).toBe(sha1(first));
    expect(etagOfChunks([Buffer.from('Hello, world')])).toBe(sha1(first));
    expect(etagOfChunks([sameLength])).toBe(sha1(sameLength));
    expect(etagOfChunks([first])).toBe(sha1(first));
    // The memo keeps its own copy: changing the caller's buffer afterwards changes nothing.
    const reused = Buffer.from('abc');
    expect(etagOfChunks([reused])).toBe(sha1(Buffer.from('abc')));
    reused.write('xyz');
    expect(etagOfChunks([reused])).toBe(sha1(Buffer.from('xyz')));
    expect(etagOfChunks([Buffer.from('abc')])).toBe(sha1(Buffer.from('abc')));
    // Empty, at the 64-byte limit, and just over it.
    expect(etagOfChunks([Buffer.alloc(0)])).toBe(sha1(Buffer.alloc(0)));
    for (const size of [64, 65]) {
      const a = Buffer.alloc(size, 'a');
      const b = Buffer.alloc(size, 'a');
      b[size - 1] = 0x62;
      expect(etagOfChunks([a])).toBe(sha1(a));
      expect(etagOfChunks([b])).toBe(sha1(b));
      expect(etagOfChunks([a])).toBe(sha1(a));
    }
  });

  test('a handler that writes several times gets the ETag of the joined body', async () => {
    class Pieces extends RequestHandler {
      get() {
        this.write('Hello, ');
        this.write(Buffer.from('world'));
      }
    }
    const { fetch } = await serve([['/', Pieces]]);
    const response = await fetch('/');
    expect(response.headers.get('etag')).toBe(sha1(Buffer.from('Hello, world')));
  });

  test('an overridden setEtagHeader is what finish() calls', async () => {
    class OwnSetter extends RequestHandler {
      get() {
        this.write('x');
      }
      override setEtagHeader() {
        this.setHeader('Etag', '"mine"');
      }
    }
    const { fetch } = await serve([['/', OwnSetter]]);
    expect((await fetch('/')).headers.get('etag')).toBe('"mine"');
  });
});

describe('header values', () => {
  test('control characters but HTAB are a HandlerUsageError, DEL and non-latin1 an HTTPOutputError', () => {
    expect(headerValueText('X-A', 'plain value')).toBe('plain value');
    expect(headerValueText('X-A', 'caf\u00e9')).toBe('caf\u00e9');
    expect(headerValueText('X-A', 'tab\there')).toBe('tab\there');
    for (const bad of ['a\r\nSet-Cookie: x', 'a\nb', 'a\0b', 'a\x1fb']) {
      expect(() => headerValueText('X-A', bad)).toThrow(HandlerUsageError);
    }
    expect(() => headerValueText('X-A', 'del\x7f')).toThrow(HTTPOutputError);
    expect(() => headerValueText('X-A', 'snow \u2603')).toThrow(HTTPOutputError);
  });

  test('a bad header name is refused every time (the cache of checked names holds only good ones)', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => headerValueText('Bad Name', 'v')).toThrow(HTTPOutputError);
      expect(() => headerValueText('Bad:Name', 'v')).toThrow(HTTPOutputError);
    }
    expect(headerValueText('Good-Name', 'v')).toBe('v');
    expect(headerValueText('Good-Name', 'w')).toBe('w');
  });
});

describe('createTemplateLoader', () => {
  test('is a RequestHandler method returning a file Loader for the path, and the settings loader when given', () => {
    const request = { connection: null } as unknown as ConstructorParameters<typeof RequestHandler>[1];
    const plain = new RequestHandler(new Application([]), request);
    expect(plain.createTemplateLoader('/tmp')).toBeInstanceOf(Loader);
    const templateLoader = new Loader('/tmp');
    const withSetting = new RequestHandler(new Application([], { templateLoader }), request);
    expect(withSetting.createTemplateLoader(undefined)).toBe(templateLoader);
  });
});
