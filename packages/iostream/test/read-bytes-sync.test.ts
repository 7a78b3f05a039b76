// readBytesSync: the promise-free partial read of the HTTP server's fast lane. Buffered bytes come
// back at once; otherwise the callback gets the bytes at the end of the 'data' event that brought
// them (after the rest was buffered, so a new read started from the callback sees it), or null
// when the stream closes first.
import { appLog, expectLog } from '@tornado-ts/ioloop';
import { AlreadyReadingError, StreamClosedError } from '@tornado-ts/iostream';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, sleep, tcpPair, waitFor } from './helpers';

afterEach(closeAll);

describe('readBytesSync', () => {
  it('returns buffered bytes at once, at most n of the first piece, without calling back', async () => {
    const [reader, writer] = await tcpPair();
    await reader.readBytes(0);
    await writer.write(Buffer.from('hello world'));
    const first = await reader.readBytes(1);
    expect(first.toString()).toBe('h');
    let calls = 0;
    const got = reader.readBytesSync(4, () => calls++);
    expect(got?.toString()).toBe('ello');
    expect(reader.reading()).toBe(false);
    expect(reader.readBytesSync(100, () => calls++)?.toString()).toBe(' world');
    expect(calls).toBe(0);
  });

  it('calls back with the bytes of the next data event, and a read started there sees the rest', async () => {
    const [reader, writer] = await tcpPair();
    const seen: string[] = [];
    const onData = (data: Buffer | null): void => {
      seen.push(data === null ? 'null' : data.toString());
      // Started from the callback: what the same piece held beyond n is already buffered.
      const next = reader.readBytesSync(3, onData);
      if (next !== null) seen.push(`sync:${next.toString()}`);
    };
    expect(reader.readBytesSync(3, onData)).toBeNull();
    expect(reader.reading()).toBe(true);
    await writer.write(Buffer.from('abcdefg'));
    await waitFor(() => seen.length >= 2);
    expect(seen).toEqual(['abc', 'sync:def']);
    // The rest ('g') stays buffered for the next read.
    expect((await reader.readBytes(1)).toString()).toBe('g');
  });

  it('while pending it is a read like any other: a second read throws', async () => {
    const [reader] = await tcpPair();
    expect(reader.readBytesSync(10, () => {})).toBeNull();
    expect(() => reader.readBytes(1)).toThrow(AlreadyReadingError);
    expect(() => reader.readBytesSync(1, () => {})).toThrow(AlreadyReadingError);
  });

  it('calls back with null when the stream closes first; a read then says why', async () => {
    const [reader, writer] = await tcpPair();
    const seen: (Buffer | null)[] = [];
    reader.readBytesSync(10, (data) => seen.push(data));
    writer.close();
    await waitFor(() => seen.length > 0);
    expect(seen).toEqual([null]);
    await expect(reader.readBytes(1)).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('calls back with null, after close() has done its work, when closed locally', async () => {
    const [reader] = await tcpPair();
    let closedWhenCalled: boolean | null = null;
    reader.readBytesSync(10, (data) => {
      expect(data).toBeNull();
      closedWhenCalled = reader.closed();
    });
    reader.close();
    expect(closedWhenCalled).toBe(true);
  });

  it('on a closed stream with nothing buffered returns null and never calls back', async () => {
    const [reader] = await tcpPair();
    reader.close();
    let calls = 0;
    expect(reader.readBytesSync(10, () => calls++)).toBeNull();
    expect(reader.reading()).toBe(false);
    await sleep(5);
    expect(calls).toBe(0);
  });

  it('refuses n below 1', async () => {
    const [reader] = await tcpPair();
    expect(() => reader.readBytesSync(0, () => {})).toThrow(RangeError);
    expect(() => reader.readBytesSync(1.5, () => {})).toThrow(RangeError);
  });

  it('resumes a socket paused with unread bytes once they are taken', async () => {
    const [reader, writer] = await tcpPair({ readChunkSize: 4 });
    await reader.readBytes(0);
    await writer.write(Buffer.from('0123456789'));
    await sleep(20);
    const more: string[] = [];
    const onData = (data: Buffer | null): void => {
      more.push(String(data));
    };
    let taken = '';
    for (let got = reader.readBytesSync(100, onData); got !== null; got = reader.readBytesSync(100, onData)) taken += got.toString();
    expect(taken).toBe('0123456789');
    expect(reader.reading()).toBe(true);
    await writer.write(Buffer.from('xyz'));
    await waitFor(() => more.length > 0);
    expect(more).toEqual(['xyz']);
  });

  it('logs an exception thrown by the callback and closes the stream', async () => {
    const [reader, writer] = await tcpPair();
    reader.readBytesSync(10, () => {
      throw new Error('parser bug');
    });
    await expectLog(appLog, /Exception in readBytesSync callback/, async () => {
      await writer.write(Buffer.from('x'));
      await waitFor(() => reader.closed());
    });
    expect(reader.error?.message).toBe('parser bug');
  });
});
