import { PassThrough } from 'node:stream';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { BaseIOStream, type IOStreamOptions, StreamBufferFullError, UnsatisfiableReadError } from '@tornado-ts/iostream';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, closeCallback, track } from './helpers';

/**
 * An in-memory stream whose every `feed` arrives as exactly one chunk, so reads can be tested
 * against inputs cut at chosen byte positions (a real socket may merge writes).
 */
function memoryStream(options?: IOStreamOptions): {
  stream: BaseIOStream<PassThrough>;
  duplex: PassThrough;
  feed(bytes: Buffer | string): void;
} {
  const duplex = new PassThrough();
  const stream = track(new BaseIOStream(duplex, options));
  return { stream, duplex, feed: (bytes) => duplex.write(bytes) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Feeds `message` cut at `cuts`, one chunk per event-loop turn. */
async function feedCut(feed: (bytes: string) => void, message: string, cuts: number[]): Promise<void> {
  let start = 0;
  for (const cut of [...cuts, message.length]) {
    feed(message.slice(start, cut));
    start = cut;
    await tick();
  }
}

describe('reads over input cut at every byte boundary', () => {
  afterEach(closeAll);

  const message = 'POST /x HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody';
  const headEnd = message.indexOf('\r\n\r\n') + 4;
  const cutPairs: number[][] = [];
  for (let i = 1; i < message.length; i++) {
    cutPairs.push([i]);
    for (let j = i + 1; j < message.length; j += 7) cutPairs.push([i, j]);
  }

  const headReads: [string, (stream: BaseIOStream) => Promise<Buffer>][] = [
    ['readUntil', (stream) => stream.readUntil('\r\n\r\n', { maxBytes: 1000 })],
    ['readUntilRegex', (stream) => stream.readUntilRegex(/\r?\n\r?\n/g, { maxBytes: 1000 })],
    ['readBytes', (stream) => stream.readBytes(headEnd)],
  ];
  for (const [name, readHead] of headReads) {
    it(`${name}, then readInto`, async () => {
      const { stream, feed } = memoryStream();
      for (const cuts of cutPairs) {
        const reading = readHead(stream);
        await feedCut(feed, message, cuts);
        expect((await reading).toString()).toBe(message.slice(0, headEnd));
        const body = Buffer.alloc(4);
        expect(await stream.readInto(body)).toBe(4);
        expect(body.toString()).toBe('body');
      }
    });
  }

  it('readUntil when the whole message is already buffered, in any cut', async () => {
    const { stream, feed } = memoryStream();
    for (const cuts of cutPairs) {
      await feedCut(feed, message, cuts);
      expect((await stream.readUntil('\r\n\r\n')).toString()).toBe(message.slice(0, headEnd));
      expect((await stream.readUntil('body')).toString()).toBe('body');
    }
  });
});

describe('reads over many tiny chunks stay linear', () => {
  afterEach(closeAll);

  it('readUntil over 4 MB arriving in 1 to 16 byte chunks', async () => {
    const { stream, feed } = memoryStream();
    const size = 4 * 1024 * 1024;
    const piece = Buffer.alloc(16, 'a');
    const started = performance.now();
    const reading = stream.readUntil('\r\n\r\n');
    for (let total = 0, step = 1; total < size; total += step, step = (step % 16) + 1) {
      feed(piece.subarray(0, step));
      if (total % 65536 < step) await tick();
    }
    feed('\r\n\r\n');
    const result = await reading;
    expect(result.length).toBeGreaterThanOrEqual(size + 4);
    expect(result.subarray(-4).toString()).toBe('\r\n\r\n');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('readUntilRegex over 1 MB arriving in 1 to 16 byte chunks', async () => {
    const { stream, feed } = memoryStream();
    const size = 1024 * 1024;
    const piece = Buffer.alloc(16, 'a');
    const started = performance.now();
    const reading = stream.readUntilRegex(/\r?\n\r?\n/);
    for (let total = 0, step = 1; total < size; total += step, step = (step % 16) + 1) {
      feed(piece.subarray(0, step));
      if (total % 65536 < step) await tick();
    }
    feed('\n\n');
    expect((await reading).subarray(-2).toString()).toBe('\n\n');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('reads settled straight from the incoming chunk (nothing buffered)', () => {
  afterEach(closeAll);

  it('readUntil resolves with a view of the chunk and delivers the leftover to the next reads', async () => {
    const { stream, feed } = memoryStream();
    const reading = stream.readUntil('\n');
    const chunk = Buffer.from('line1\nline2\npart');
    feed(chunk);
    const line = await reading;
    expect(line.toString()).toBe('line1\n');
    expect(line.buffer).toBe(chunk.buffer);
    expect((await stream.readUntil('\n')).toString()).toBe('line2\n');
    const rest = stream.readUntil('\n');
    await tick();
    expect(stream.reading()).toBe(true);
    feed('ial\n');
    expect((await rest).toString()).toBe('partial\n');
  });

  it('readUntil resolves with the chunk itself when it ends with the delimiter', async () => {
    const { stream, feed } = memoryStream();
    const reading = stream.readUntil('\r\n');
    const chunk = Buffer.from('hello\r\n');
    feed(chunk);
    expect(await reading).toBe(chunk);
  });

  it('readBytes resolves from a chunk holding more than asked, leftover next', async () => {
    const { stream, feed } = memoryStream();
    let reading = stream.readBytes(5);
    const chunk = Buffer.from('12345678');
    feed(chunk);
    const first = await reading;
    expect(first.toString()).toBe('12345');
    expect(first.buffer).toBe(chunk.buffer);
    reading = stream.readBytes(5);
    await tick();
    feed('90');
    expect((await reading).toString()).toBe('67890');
    reading = stream.readBytes(100, { partial: true });
    feed('abc');
    expect((await reading).toString()).toBe('abc');
    reading = stream.readBytes(2, { partial: true });
    feed('xyz');
    expect((await reading).toString()).toBe('xy');
    expect((await stream.readBytes(1)).toString()).toBe('z');
  });

  it('maxBytes: a match ending exactly at the limit resolves', async () => {
    const { stream, feed } = memoryStream();
    const reading = stream.readUntil('\n', { maxBytes: 6 });
    feed('abcde\nrest');
    expect((await reading).toString()).toBe('abcde\n');
    expect((await stream.readBytes(4)).toString()).toBe('rest');
  });

  // The same input either arrives while the read is pending (fast path) or is buffered first (slow path).
  for (const order of ['read pending', 'bytes buffered first'] as const) {
    it(`maxBytes exceeded (${order}): UnsatisfiableReadError, closed, the chunk still readable`, async () => {
      const { stream, feed } = memoryStream();
      const closed = closeCallback(stream);
      await expectLog(genLog, /Unsatisfiable read/, async () => {
        if (order === 'bytes buffered first') {
          feed('abcdefgh\nrest');
          await tick();
        }
        const reading = stream.readUntil('\n', { maxBytes: 5 });
        if (order === 'read pending') feed('abcdefgh\nrest');
        await expect(reading).rejects.toBeInstanceOf(UnsatisfiableReadError);
        await closed;
      });
      expect(stream.closed()).toBe(true);
      expect(stream.error).toBeInstanceOf(UnsatisfiableReadError);
      expect((await stream.readBytes(13)).toString()).toBe('abcdefgh\nrest');
    });

    it(`a match past maxBufferSize (${order}): StreamBufferFullError`, async () => {
      const { stream, feed } = memoryStream({ maxBufferSize: 64 });
      const closed = closeCallback(stream);
      const line = `${'x'.repeat(80)}\n`;
      await expectLog(genLog, /maximum read buffer size/, async () => {
        if (order === 'bytes buffered first') {
          feed(line);
          await tick();
        }
        const reading = stream.readUntil('\n');
        if (order === 'read pending') feed(line);
        await expect(reading).rejects.toBeInstanceOf(StreamBufferFullError);
        await closed;
      });
      expect(stream.error).toBeInstanceOf(StreamBufferFullError);
    });
  }

  it('is not taken while bytes are buffered: they come first', async () => {
    const { stream, feed } = memoryStream();
    feed('ab');
    await tick();
    let reading = stream.readUntil('\n');
    await tick();
    expect(stream.reading()).toBe(true);
    feed('c\nd');
    expect((await reading).toString()).toBe('abc\n');
    reading = stream.readBytes(3);
    await tick();
    feed('ef');
    expect((await reading).toString()).toBe('def');
    feed('gh');
    await tick();
    reading = stream.readBytes(4);
    feed('ijkl');
    expect((await reading).toString()).toBe('ghij');
    expect((await stream.readBytes(2)).toString()).toBe('kl');
  });

  it('the leftover counts toward readChunkSize: the socket pauses, and resumes on the next read', async () => {
    const { stream, duplex, feed } = memoryStream({ readChunkSize: 16 });
    const reading = stream.readUntil('\n');
    feed(`a\n${'b'.repeat(40)}`);
    expect((await reading).toString()).toBe('a\n');
    expect(duplex.isPaused()).toBe(true);
    const next = stream.readUntil('\n');
    expect(duplex.isPaused()).toBe(false);
    feed('c\n');
    expect((await next).toString()).toBe(`${'b'.repeat(40)}c\n`);
  });

  it('a leftover below readChunkSize leaves the socket flowing', async () => {
    const { stream, duplex, feed } = memoryStream({ readChunkSize: 16 });
    const reading = stream.readBytes(2);
    feed('a\nbbb');
    expect((await reading).toString()).toBe('a\n');
    expect(duplex.isPaused()).toBe(false);
  });
});
