import { createHash, randomBytes } from 'node:crypto';
import { genLog, expectLog } from '@tornado-ts/ioloop';
import {
  AlreadyReadingError,
  StreamBufferFullError,
  StreamClosedError,
  UnsatisfiableReadError,
  type BaseIOStream,
} from '@tornado-ts/iostream';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, closeCallback, type PairFactory, sleep, waitFor } from './helpers';

/** A tiny deterministic PRNG so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function sha1(): ReturnType<typeof createHash> {
  return createHash('sha1');
}

/**
 * The read/write behaviour every stream shares (Tornado's TestReadWriteMixin), run against a
 * factory of connected pairs: [reader, writer].
 */
export function readWriteSuite(name: string, makePair: PairFactory): void {
  describe(`${name}: shared read/write behaviour`, () => {
    afterEach(closeAll);

    it('writes of zero bytes resolve without sending anything', async () => {
      const [rs, ws] = await makePair();
      await ws.write(Buffer.alloc(0));
      await ws.write('');
      ws.write('x');
      await ws.write('');
      expect(ws.writing()).toBe(false);
      expect((await rs.readBytes(1)).toString()).toBe('x');
    });

    it('delivers buffered bytes before reporting the close', async () => {
      const [rs, ws] = await makePair();
      ws.write('12');
      expect((await rs.readBytes(1)).toString()).toBe('1');
      ws.close();
      await closeCallback(rs);
      expect(rs.closed()).toBe(true);
      expect((await rs.readBytes(1)).toString()).toBe('2');
      await expect(rs.readBytes(1)).rejects.toBeInstanceOf(StreamClosedError);
    });

    it('keeps data that arrived before the close readable (small read chunk size)', async () => {
      const [rs, ws] = await makePair({ readChunkSize: 256 });
      await ws.write(Buffer.alloc(512, 'A'));
      expect((await rs.readBytes(256)).equals(Buffer.alloc(256, 'A'))).toBe(true);
      ws.close();
      await sleep(10);
      expect((await rs.readBytes(256)).equals(Buffer.alloc(256, 'A'))).toBe(true);
    });

    it('readUntilClose after the peer closed returns the rest', async () => {
      const [rs, ws] = await makePair();
      await ws.write('1234');
      expect((await rs.readBytes(1)).toString()).toBe('1');
      ws.close();
      expect((await rs.readUntilClose()).toString()).toBe('234');
      // Tornado: a second readUntilClose on a cleanly closed stream gives the (empty) rest.
      expect((await rs.readUntilClose()).length).toBe(0);
    });

    it('readUntilClose collects everything sent before a clean close', async () => {
      const [rs, ws] = await makePair();
      const reading = rs.readUntilClose();
      for (let i = 0; i < 100; i++) ws.write(`line ${i}\n`);
      await ws.write('end');
      ws.close();
      const text = (await reading).toString();
      expect(text.startsWith('line 0\nline 1\n')).toBe(true);
      expect(text.endsWith('line 99\nend')).toBe(true);
    });

    it('readUntil over 4 MiB written in 1 KiB pieces stays fast', async () => {
      const [rs, ws] = await makePair();
      const started = performance.now();
      const reading = rs.readUntil('\r\n');
      const piece = Buffer.alloc(1024, 'A');
      for (let i = 0; i < 4096; i++) ws.write(piece);
      ws.write('\r\n');
      expect((await reading).length).toBe(4096 * 1024 + 2);
      expect(performance.now() - started).toBeLessThan(5000);
    });

    it('finds a delimiter that arrives in a smaller second packet just before the close', async () => {
      // Tornado #2717: the search must rerun when the final bytes arrive with the close.
      const [rs, ws] = await makePair();
      const reading = rs.readUntil('done');
      await sleep(20);
      await ws.write(Buffer.alloc(2048, 'x'));
      ws.write('done');
      ws.close();
      expect((await reading).length).toBe(2052);
    });

    it('a readUntil left unsatisfied by a close rejects with StreamClosedError, not UnsatisfiableReadError', async () => {
      const [rs, ws] = await makePair();
      const reading = rs.readUntil('done');
      await ws.write(Buffer.alloc(2048, 'x'));
      ws.write('foo');
      ws.close();
      const error = await reading.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamClosedError);
      expect((error as StreamClosedError).realError).toBeNull();
    });

    it('runs the close callback when the peer closes during a pending read', async () => {
      const [rs, ws] = await makePair();
      const closed = closeCallback(rs);
      ws.write('OK\r\n');
      expect((await rs.readUntil('\r\n')).toString()).toBe('OK\r\n');
      ws.close();
      const pending = rs.readUntil('\r\n');
      await closed;
      await expect(pending).rejects.toBeInstanceOf(StreamClosedError);
    });

    it('runs the close callback exactly once, only after the close', async () => {
      const [rs, ws] = await makePair();
      let calls = 0;
      rs.setCloseCallback(() => {
        calls++;
      });
      ws.write('a');
      expect((await rs.readBytes(1)).toString()).toBe('a');
      await sleep(10);
      expect(calls).toBe(0);
      ws.close();
      await waitFor(() => calls > 0);
      rs.close();
      rs.close();
      await sleep(10);
      expect(calls).toBe(1);
    });

    it('writes any Uint8Array view', async () => {
      const [rs, ws] = await makePair();
      const words = new Uint32Array([0x01020304, 0x05060708]);
      const pending = rs.readBytes(8);
      await ws.write(new Uint8Array(words.buffer));
      expect([...(await pending)]).toEqual([...new Uint8Array(words.buffer)]);
      const reading = rs.readBytes(4);
      ws.write(new Uint8Array(Buffer.from('hello')));
      expect((await reading).toString()).toBe('hell');
    });

    it('readBytes with partial returns what is there, but never more than asked', async () => {
      const [rs, ws] = await makePair();
      let reading = rs.readBytes(50, { partial: true });
      ws.write('hello');
      expect((await reading).toString()).toBe('hello');
      reading = rs.readBytes(3, { partial: true });
      ws.write('world');
      expect((await reading).toString()).toBe('wor');
      expect((await rs.readBytes(0, { partial: true })).length).toBe(0);
      expect((await rs.readBytes(0)).length).toBe(0);
      expect((await rs.readBytes(2)).toString()).toBe('ld');
    });

    for (const kind of ['readUntil', 'readUntilRegex'] as const) {
      const read = (stream: BaseIOStream, maxBytes: number) =>
        kind === 'readUntil' ? stream.readUntil('def', { maxBytes }) : stream.readUntilRegex(/def/, { maxBytes });

      it(`${kind} honours maxBytes: room to spare, exactly enough, too little`, async () => {
        const [rs, ws] = await makePair();
        const closed = closeCallback(rs);
        let reading = read(rs, 50);
        ws.write('abcdef');
        expect((await reading).toString()).toBe('abcdef');
        reading = read(rs, 6);
        ws.write('abcdef');
        expect((await reading).toString()).toBe('abcdef');
        await expectLog(genLog, /Unsatisfiable read/, async () => {
          reading = read(rs, 5);
          ws.write('123456');
          await expect(reading).rejects.toBeInstanceOf(UnsatisfiableReadError);
          await closed;
        });
        expect(rs.closed()).toBe(true);
        expect(rs.error).toBeInstanceOf(UnsatisfiableReadError);
        // The unread bytes can still be read (as after any close); more than that cannot.
        await expect(rs.readBytes(100)).rejects.toBeInstanceOf(StreamClosedError);
      });

      it(`${kind} fails the same way when the bytes were already buffered`, async () => {
        const [rs, ws] = await makePair();
        const closed = closeCallback(rs);
        await ws.write('123456');
        await sleep(10);
        await expectLog(genLog, /Unsatisfiable read/, async () => {
          await expect(read(rs, 5)).rejects.toBeInstanceOf(UnsatisfiableReadError);
          await closed;
        });
      });

      it(`${kind} fails when the match arrives in the same packet but ends past maxBytes`, async () => {
        const [rs, ws] = await makePair();
        const closed = closeCallback(rs);
        await ws.write('abcdef');
        await expectLog(genLog, /Unsatisfiable read/, async () => {
          await expect(read(rs, 5)).rejects.toBeInstanceOf(UnsatisfiableReadError);
          await closed;
        });
      });
    }

    it('small reads from a large backlog do not overflow a small maxBufferSize', async () => {
      const [rs, ws] = await makePair({ maxBufferSize: 10 * 1024 });
      ws.write(Buffer.alloc(100 * 1024, 'a'));
      for (let i = 0; i < 100; i++) expect((await rs.readBytes(1024)).equals(Buffer.alloc(1024, 'a'))).toBe(true);
    });

    it('small readUntils from a large backlog do not overflow a small maxBufferSize', async () => {
      const [rs, ws] = await makePair({ maxBufferSize: 10 * 1024 });
      const line = Buffer.concat([Buffer.alloc(1023, 'a'), Buffer.from('\n')]);
      ws.write(Buffer.concat(Array.from({ length: 100 }, () => line)));
      for (let i = 0; i < 100; i++) expect((await rs.readUntil('\n', { maxBytes: 4096 })).equals(line)).toBe(true);
    });

    it('flow control: a writer ahead of the reader waits, and the reader catches up', async () => {
      const MB = 1024 * 1024;
      const [rs, ws] = await makePair({ maxBufferSize: 5 * MB });
      const writing = ws.write(Buffer.alloc(10 * MB, 'a'));
      await rs.readBytes(MB);
      await sleep(50);
      for (let i = 0; i < 9; i++) expect((await rs.readBytes(MB)).length).toBe(MB);
      await writing;
    });

    it('fails a read that cannot finish within maxBufferSize with StreamBufferFullError', async () => {
      const [rs, ws] = await makePair({ maxBufferSize: 64 * 1024 });
      const closed = closeCallback(rs);
      await expectLog(genLog, /maximum read buffer size/, async () => {
        const reading = rs.readUntil('never');
        ws.write(Buffer.alloc(256 * 1024, 'x'));
        await expect(reading).rejects.toBeInstanceOf(StreamBufferFullError);
        await closed;
      });
      expect(rs.error).toBeInstanceOf(StreamBufferFullError);
    });

    it('readInto fills the buffer, taking buffered bytes first', async () => {
      const [rs, ws] = await makePair();
      let target = new Uint8Array(10);
      let reading = rs.readInto(target);
      ws.write('hello');
      await sleep(20);
      expect(rs.reading()).toBe(true);
      ws.write('world!!');
      expect(await reading).toBe(10);
      expect(rs.reading()).toBe(false);
      expect(Buffer.from(target).toString()).toBe('helloworld');

      reading = rs.readInto(target);
      await sleep(20);
      expect(rs.reading()).toBe(true);
      ws.write('1234567890');
      expect(await reading).toBe(10);
      expect(Buffer.from(target).toString()).toBe('!!12345678');

      target = new Uint8Array(4);
      await ws.write('abcdefghi');
      await sleep(10);
      expect(await rs.readInto(target)).toBe(4);
      expect(Buffer.from(target).toString()).toBe('90ab');
      expect((await rs.readBytes(7)).toString()).toBe('cdefghi');
    });

    it('readInto with partial settles on the first bytes', async () => {
      const [rs, ws] = await makePair();
      const target = Buffer.alloc(10);
      const reading = rs.readInto(target, { partial: true });
      ws.write('hello');
      expect(await reading).toBe(5);
      expect(rs.reading()).toBe(false);
      expect(target.toString()).toBe('hello\0\0\0\0\0');
      await ws.write('world!1234567890');
      await sleep(10);
      expect(await rs.readInto(target, { partial: true })).toBe(10);
      expect(target.toString()).toBe('world!1234');
      expect(await rs.readInto(target, { partial: true })).toBe(6);
      expect(target.toString()).toBe('5678901234');
    });

    it('readInto an empty buffer resolves with 0 at once', async () => {
      const [rs] = await makePair();
      expect(await rs.readInto(new Uint8Array(0))).toBe(0);
    });

    it('survives many mixed readBytes/readInto calls (1 MB, random sizes, hashes match)', async () => {
      const rng = random(42);
      const total = 1_000_000;
      const [rs, ws] = await makePair();
      const produced = sha1();
      const consumed = sha1();
      const produce = async () => {
        for (let left = total; left > 0; ) {
          const size = Math.min(left, 1 + Math.floor(rng() * 1000));
          const data = randomBytes(size);
          produced.update(data);
          await ws.write(data);
          left -= size;
        }
      };
      const consume = async () => {
        for (let left = total; left > 0; ) {
          const size = Math.min(left, 1 + Math.floor(rng() * 1000));
          if (rng() > 0.5) {
            consumed.update(await rs.readBytes(size));
          } else {
            const target = new Uint8Array(size);
            expect(await rs.readInto(target)).toBe(size);
            consumed.update(target);
          }
          left -= size;
        }
      };
      await Promise.all([produce(), consume()]);
      expect(consumed.digest('hex')).toBe(produced.digest('hex'));
    });

    it('finds delimiters, patterns and counts split at every byte boundary', async () => {
      const [rs, ws] = await makePair();
      const message = 'GET / HTTP/1.1\r\nHost: x\r\n\r\nbody';
      const head = message.indexOf('\r\n\r\n') + 4;
      for (let split = 1; split < message.length; split++) {
        for (const kind of ['until', 'regex', 'bytes'] as const) {
          const reading =
            kind === 'until' ? rs.readUntil('\r\n\r\n') : kind === 'regex' ? rs.readUntilRegex(/\r?\n\r?\n/) : rs.readBytes(head);
          await ws.write(message.slice(0, split));
          await sleep(1);
          await ws.write(message.slice(split));
          expect((await reading).toString()).toBe(message.slice(0, head));
          expect((await rs.readBytes(4)).toString()).toBe('body');
        }
      }
    });

    it('allows one read at a time', async () => {
      const [rs, ws] = await makePair();
      const first = rs.readBytes(1);
      expect(() => rs.readUntil('x')).toThrow(AlreadyReadingError);
      expect(() => rs.readBytes(1)).toThrow(AlreadyReadingError);
      expect(() => rs.readInto(new Uint8Array(1))).toThrow(AlreadyReadingError);
      expect(() => rs.readUntilClose()).toThrow(AlreadyReadingError);
      ws.write('a');
      expect((await first).toString()).toBe('a');
    });

    it('rejects reads and writes after close; the error carries the reason', async () => {
      const [rs, ws] = await makePair();
      const reason = new Error('shutting down');
      rs.close(reason);
      expect(rs.closed()).toBe(true);
      expect(rs.error).toBe(reason);
      const readError = await rs.readBytes(1).catch((e: unknown) => e);
      expect(readError).toBeInstanceOf(StreamClosedError);
      expect((readError as StreamClosedError).realError).toBe(reason);
      expect((readError as StreamClosedError).cause).toBe(reason);
      await expect(rs.write('x')).rejects.toBeInstanceOf(StreamClosedError);
      await expect(rs.readUntilClose()).rejects.toBeInstanceOf(StreamClosedError);
      expect(ws.closed()).toBe(false);
    });

    it('rejects a pending read with StreamClosedError when the stream is closed locally', async () => {
      const [rs] = await makePair();
      const reading = rs.readBytes(10);
      rs.close();
      await expect(reading).rejects.toBeInstanceOf(StreamClosedError);
    });

    it('unread puts bytes back in front: the next read returns them first', async () => {
      const [rs, ws] = await makePair();
      ws.write('hello world\n');
      const line = await rs.readUntil('\n');
      rs.unread(line.subarray(6));
      expect((await rs.readUntil('\n')).toString()).toBe('world\n');
      // Put back ahead of bytes that are still arriving.
      const head = await rs.readBytes(0);
      expect(head.length).toBe(0);
      rs.unread(Buffer.from('again: '));
      ws.write('more\n');
      expect((await rs.readUntil('\n')).toString()).toBe('again: more\n');
    });

    it('unread refuses while a read is pending, and works on a closed stream with bytes left', async () => {
      const [rs, ws] = await makePair();
      const reading = rs.readBytes(3);
      expect(() => rs.unread(Buffer.from('x'))).toThrow(AlreadyReadingError);
      ws.write('abc');
      expect((await reading).toString()).toBe('abc');
      ws.write('tail');
      expect((await rs.readBytes(4)).toString()).toBe('tail');
      ws.close();
      await closeCallback(rs);
      rs.unread(Buffer.from('kept'));
      expect((await rs.readBytes(4)).toString()).toBe('kept');
      await expect(rs.readBytes(1)).rejects.toBeInstanceOf(StreamClosedError);
    });

    it('settles writes in order when the first cannot reach the kernel at once', async () => {
      const [rs, ws] = await makePair();
      const big = Buffer.alloc(16 * 1024 * 1024, 'b');
      const order: string[] = [];
      const first = ws.write(big).then(() => order.push('big'));
      const second = ws.write('small').then(() => order.push('small'));
      const empty = ws.write('').then(() => order.push('empty'));
      expect(ws.writing()).toBe(true);
      let read = 0;
      while (read < big.length + 5) read += (await rs.readBytes(1024 * 1024, { partial: true })).length;
      await Promise.all([first, second, empty]);
      expect(order).toEqual(['big', 'small', 'empty']);
      expect(ws.writing()).toBe(false);
    });
  });
}
