import { spawn } from 'node:child_process';
import { closeSync, fstatSync } from 'node:fs';
import { expectLog, genLog } from '@tornado-ts/ioloop';
import { PipeIOStream, StreamClosedError } from '@tornado-ts/iostream';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, makePipe, pipePair, track, waitFor } from './helpers';
import { readWriteSuite } from './read-write.suite';

readWriteSuite('PipeIOStream', pipePair);

describe('PipeIOStream', () => {
  afterEach(closeAll);

  it('reads what the other end writes, then the rest once it closes', async () => {
    const [rs, ws] = await pipePair();
    ws.write('hel');
    ws.write('lo world');
    expect((await rs.readUntil(' ')).toString()).toBe('hello ');
    expect((await rs.readBytes(3)).toString()).toBe('wor');
    ws.close();
    expect((await rs.readUntilClose()).toString()).toBe('ld');
  });

  it('writes 1 MB, far more than the pipe holds at once', async () => {
    const [rs, ws] = await pipePair();
    const size = 1024 * 1024;
    const writing = ws.write(Buffer.alloc(size, '1'));
    expect((await rs.readBytes(size)).equals(Buffer.alloc(size, '1'))).toBe(true);
    await writing;
  });

  it('takes each end’s direction from the mode it was opened with', async () => {
    const [rs, ws] = await pipePair();
    expect(rs.socket.readable).toBe(true);
    expect(rs.socket.writable).toBe(false);
    expect(ws.socket.readable).toBe(false);
    expect(ws.socket.writable).toBe(true);
    await expectLog(genLog, /write after end/, () => expect(rs.write('x')).rejects.toBeInstanceOf(StreamClosedError));
  });

  it('reads what a child process writes into the pipe', async () => {
    const [readFd, writeFd] = makePipe();
    const stream = track(new PipeIOStream(readFd));
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("from the child\\n")'], {
      stdio: ['ignore', writeFd, 'inherit'],
    });
    closeSync(writeFd);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    expect((await stream.readUntilClose()).toString()).toBe('from the child\n');
    expect(await exited).toBe(0);
  });

  it('closes its descriptor on close()', async () => {
    const [readFd, writeFd] = makePipe();
    const reader = new PipeIOStream(readFd);
    const writer = new PipeIOStream(writeFd, { readable: false, writable: true });
    expect(writer.fd).toBe(writeFd);
    reader.close();
    writer.close();
    const isClosed = (fd: number) => {
      try {
        fstatSync(fd);
        return false;
      } catch {
        return true;
      }
    };
    await waitFor(() => isClosed(readFd) && isClosed(writeFd));
  });
});
