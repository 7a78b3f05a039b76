// Debug-mode autoreload: a child process running an Application with `autoreload: true` restarts
// (same argv, new PID) when a watched file changes. Tornado's autoreload_test.py runs its
// reloader through `python -m tornado.autoreload` and checks sys.path handling; those are
// Python-specific and not applicable; the observable behaviour (a change restarts the program
// with its arguments) is what this checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessFixture } from '@tornado-ts/test-utils';
import { afterEach, expect, test } from 'vitest';

let fixture: ProcessFixture | null = null;
let directory: string | null = null;
afterEach(() => {
  fixture?.process.kill('SIGKILL');
  fixture?.killReported();
  if (directory !== null) rmSync(directory, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, what: string, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen; stderr:\n${fixture?.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a change to a watched file restarts the process with the same arguments', async () => {
  directory = mkdtempSync(join(tmpdir(), 'web-autoreload-'));
  writeFileSync(join(directory, 'config.json'), '{"v":1}');
  fixture = new ProcessFixture(new URL('./fixtures/autoreload-app.ts', import.meta.url), [directory]);
  const reports = fixture.reports as { pid: number; port: number }[];
  await waitFor(() => reports.length === 1, 'first start');
  const first = reports[0];
  expect(await (await fetch(`http://127.0.0.1:${first.port}/`)).text()).toBe(`pid ${first.pid}`);

  writeFileSync(join(directory, 'config.json'), '{"v":2}');
  await waitFor(() => reports.length === 2, 'restart');
  const second = reports[1];
  expect(second.pid).not.toBe(first.pid);
  expect(await (await fetch(`http://127.0.0.1:${second.port}/`)).text()).toBe(`pid ${second.pid}`);
  expect(fixture.stderr).toMatch(/config\.json modified; restarting server/);
  // The first process is gone.
  expect((await fixture.exited).code).toBe(0);
}, 30_000);
