// Streamed request body cases of Tornado's web_test.py that had no counterpart yet, in our words:
// chunks handed over one by one as they arrive (StreamingRequestBodyTest.test_streaming_body), a
// handler that answers from prepare() before (or while) the body comes (test_early_return,
// test_early_return_with_data), a client that leaves right after the headers
// (test_close_during_upload) and flow control with async prepare/dataReceived/post never
// overlapping, for fixed, chunked and gzip bodies (BaseStreamingRequestFlowControlTest), both with
// the `@streamRequestBody` decorator (Tornado's Decorated... class) and with the static flag
// (Tornado's Native... class; in Python the two differ in coroutine style, here in how streaming is
// switched on).
import { gzipSync } from 'node:zlib';
import { accessLog, appLog, genLog } from '@tornado-ts/ioloop';
import { IOStream } from '@tornado-ts/iostream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Application, HTTPError, RequestHandler, streamRequestBody, type RouteSpec } from '../src';
import { captureLogs, closeAll, parseRawResponse, rawExchange, startServer, track } from './helpers';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs(accessLog, appLog, genLog);
});
afterEach(async () => {
  logs.restore();
  await closeAll();
});

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Opens a raw connection and sends the head of a chunked upload to `path` (Tornado's connect()). */
async function startUpload(port: number, path: string, connectionClose: boolean): Promise<IOStream> {
  const stream = track(await IOStream.connect(port, '127.0.0.1'));
  const close = connectionClose ? 'Connection: close\r\n' : '';
  await stream.write(Buffer.from(`GET ${path} HTTP/1.1\r\nHost: a\r\n${close}Transfer-Encoding: chunked\r\n\r\n`));
  return stream;
}

describe('StreamingRequestBodyTest', () => {
  it('hands each chunk to dataReceived as it arrives, after prepare(), and runs the method at the end (test_streaming_body)', async () => {
    const prepared = deferred();
    let data = deferred<string>();
    const finished = deferred();
    class StreamingBody extends RequestHandler {
      static override streamRequestBody = true;
      override prepare() {
        prepared.resolve();
      }
      dataReceived(chunk: Buffer) {
        data.resolve(chunk.toString());
      }
      get() {
        finished.resolve();
        this.write({});
      }
    }
    const { port } = await startServer(new Application([['/stream_body', StreamingBody]]));
    const stream = await startUpload(port, '/stream_body', true);
    await withTimeout(prepared.promise, 2000, 'prepare()');
    await stream.write(Buffer.from('4\r\nasdf\r\n'));
    // The first chunk arrives before the second is even sent.
    expect(await withTimeout(data.promise, 2000, 'the first chunk')).toBe('asdf');
    data = deferred();
    await stream.write(Buffer.from('4\r\nqwer\r\n'));
    expect(await withTimeout(data.promise, 2000, 'the second chunk')).toBe('qwer');
    await stream.write(Buffer.from('0\r\n\r\n'));
    await withTimeout(finished.promise, 2000, 'the method');
    const response = (await withTimeout(stream.readUntilClose(), 2000, 'the response')).toString('latin1');
    expect(response.startsWith('HTTP/1.1 200 ')).toBe(true);
    expect(response.endsWith('{}')).toBe(true);
  });

  class EarlyReturn extends RequestHandler {
    static override streamRequestBody = true;
    override prepare() {
      // Answering here means the body is never wanted (and dataReceived does not even exist).
      throw new HTTPError(401);
    }
  }

  it('answers from prepare() before any body arrives, and closes the half-read connection (test_early_return)', async () => {
    const { port } = await startServer(new Application([['/early_return', EarlyReturn]]));
    const stream = await startUpload(port, '/early_return', false);
    const response = (await withTimeout(stream.readUntilClose(), 3000, 'the server to close')).toString('latin1');
    expect(response.startsWith('HTTP/1.1 401')).toBe(true);
  });

  it('answers from prepare() even when body data follows the headers (test_early_return_with_data)', async () => {
    const { port } = await startServer(new Application([['/early_return', EarlyReturn]]));
    const stream = await startUpload(port, '/early_return', false);
    await stream.write(Buffer.from('4\r\nasdf\r\n'));
    const response = (await withTimeout(stream.readUntilClose(), 3000, 'the server to close')).toString('latin1');
    expect(response.startsWith('HTTP/1.1 401')).toBe(true);
  });

  it('tells onConnectionClose when the client leaves right after the headers (test_close_during_upload)', async () => {
    const closed = deferred();
    class CloseDetection extends RequestHandler {
      static override streamRequestBody = true;
      dataReceived() {}
      override onConnectionClose() {
        closed.resolve();
      }
    }
    const { port } = await startServer(new Application([['/close_detection', CloseDetection]]));
    const stream = await startUpload(port, '/close_detection', false);
    stream.close();
    await withTimeout(closed.promise, 2000, 'onConnectionClose');
  });
});

/** Records the order of its steps and fails the request if one starts while another runs. */
class FlowControlHandler extends RequestHandler {
  current: string | null = null;
  steps: string[] = [];
  overlaps: string[] = [];

  async step(name: string): Promise<void> {
    if (this.current !== null) this.overlaps.push(`${name} entered while in ${this.current}`);
    this.current = name;
    this.steps.push(name);
    await tick();
    this.current = null;
  }

  override async prepare() {
    this.steps.push('prepare');
    await tick();
  }

  async dataReceived(_chunk: Buffer) {
    await this.step('dataReceived');
  }

  async post() {
    await this.step('post');
    this.write({ steps: this.steps, overlaps: this.overlaps });
  }
}

@streamRequestBody
class DecoratedFlowControl extends FlowControlHandler {}

class FlagFlowControl extends FlowControlHandler {
  static override streamRequestBody = true;
}

const EXPECTED = { steps: ['prepare', 'dataReceived', 'dataReceived', 'dataReceived', 'post'], overlaps: [] };
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

describe.each([
  ['the @streamRequestBody decorator', DecoratedFlowControl],
  ['static streamRequestBody = true', FlagFlowControl],
])('flow control with %s (BaseStreamingRequestFlowControlTest)', (_label, handlerClass) => {
  async function serve() {
    const routes: RouteSpec[] = [['/', handlerClass]];
    // A small chunk size makes flow control matter even though the whole body arrives at once.
    return startServer(new Application(routes), { chunkSize: 10, decompressRequest: true });
  }

  async function post(port: number, head: string, body: Buffer) {
    const request = Buffer.concat([Buffer.from(`POST / HTTP/1.1\r\nHost: a\r\n${head}Connection: close\r\n\r\n`), body]);
    const response = parseRawResponse(await rawExchange(port, request, 3000));
    expect(response.status).toBe(200);
    return JSON.parse(response.body) as unknown;
  }

  it('a fixed-length body comes in chunkSize pieces, one step at a time (test_flow_control_fixed_body)', async () => {
    const { port } = await serve();
    expect(await post(port, `Content-Length: ${ALPHABET.length}\r\n`, Buffer.from(ALPHABET))).toEqual(EXPECTED);
  });

  it('a chunked body comes chunk by chunk, one step at a time (test_flow_control_chunked_body)', async () => {
    const { port } = await serve();
    const body = Buffer.from('4\r\nabcd\r\n4\r\nefgh\r\n4\r\nijkl\r\n0\r\n\r\n');
    expect(await post(port, 'Transfer-Encoding: chunked\r\n', body)).toEqual(EXPECTED);
  });

  it('a gzip body is inflated in chunkSize pieces, one step at a time (test_flow_control_compressed_body)', async () => {
    const { port } = await serve();
    const body = gzipSync(ALPHABET);
    expect(await post(port, `Content-Encoding: gzip\r\nContent-Length: ${body.length}\r\n`, body)).toEqual(EXPECTED);
  });
});
