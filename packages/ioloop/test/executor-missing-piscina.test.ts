import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function runWithoutPiscina(): Promise<{ first: Record<string, unknown>; second: Record<string, unknown> }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@tornado-ts/source', '--import', 'tsx', '--import', fixture('hide-piscina.mjs'), fixture('missing-piscina.ts')],
    { timeout: 15_000 },
  );
  return JSON.parse(stdout);
}

describe('ThreadPoolExecutor without piscina installed', () => {
  it('constructs fine, then run() rejects with MissingPeerDependencyError, every time', async () => {
    const { first, second } = await runWithoutPiscina();
    expect(first).toEqual({
      name: 'MissingPeerDependencyError',
      code: 'TORNADO_ERR_MISSING_PEER_DEPENDENCY',
      packageName: 'piscina',
      message: 'ThreadPoolExecutor needs the optional peer dependency piscina: install it with `npm install piscina@^5`',
      causeCode: 'ERR_MODULE_NOT_FOUND',
    });
    expect(second).toEqual(first);
  });
});
