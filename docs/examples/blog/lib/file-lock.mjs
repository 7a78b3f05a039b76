// An exclusive lock between processes on one machine: a lock file created with O_EXCL. Workers of
// `--processes N` share the JSON store, so each write happens under this lock.
import { open, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const RETRY_MS = 5;
// A lock older than this was left by a process that died while holding it.
const STALE_MS = 10_000;

/** Runs `fn` while holding the lock file `path`; gives up after `timeout` ms. */
export async function withFileLock(path, fn, { timeout = 5_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_MS) await unlink(path).catch(() => {});
      else if (Date.now() > deadline) throw new Error(`could not lock ${path} within ${timeout} ms`, { cause: error });
      else await sleep(RETRY_MS);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => {});
  }
}
