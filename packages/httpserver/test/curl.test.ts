// curl as a real client: keep-alive reuse, a chunked upload, Expect: 100-continue and a multipart
// upload. curl comes from Debian's package (.ci/run installs it); a missing curl fails the suite.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genLog } from '@tornado-ts/ioloop';
import type { HTTPServerRequest } from '@tornado-ts/httputil';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, jsonCallback, recordLog, serve } from './helpers';
import { CURL, curl, requireExecutable } from './peers';

let dir = '';
let upload = '';
const payload = randomBytes(300 * 1024);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

beforeAll(() => {
  requireExecutable(CURL, 'curl');
  dir = mkdtempSync(join(tmpdir(), 'tornado-ts-curl-'));
  upload = join(dir, 'upload.bin');
  writeFileSync(upload, payload);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterEach(closeAll);

/** What the server saw of each request, and on which connection. */
function recordingServer() {
  const seen: { connection: unknown; method: string; headers: Record<string, string>; size: number; sha: string }[] = [];
  const callback = jsonCallback((request: HTTPServerRequest) => {
    const entry = {
      connection: request.serverConnection,
      method: request.method,
      headers: Object.fromEntries([...request.headers].map(([name, value]) => [name.toLowerCase(), value])),
      size: request.body.length,
      sha: sha256(request.body),
    };
    seen.push(entry);
    const files: Record<string, { filename: string; contentType: string; size: number; sha: string }[]> = {};
    for (const [name, list] of Object.entries(request.files)) {
      files[name] = list.map((file) => ({ filename: file.filename, contentType: file.contentType, size: file.body.length, sha: sha256(file.body) }));
    }
    const args = Object.fromEntries(Object.entries(request.arguments).map(([name, values]) => [name, values.map(String)]));
    return { method: request.method, size: entry.size, sha: entry.sha, files, args };
  });
  return { seen, callback };
}

describe('curl against HTTPServer', () => {
  it('reuses one connection for two URLs in one invocation (keep-alive)', async () => {
    const { seen, callback } = recordingServer();
    const server = await serve(callback);
    const base = `http://127.0.0.1:${server.port}`;
    const result = await curl(['-w', '%{http_code} %{num_connects}\\n', '-o', '/dev/null', '-o', '/dev/null', `${base}/one`, `${base}/two`]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual(['200 1', '200 0']);
    expect(seen).toHaveLength(2);
    expect(seen[0].connection).toBe(seen[1].connection);
  });

  it('uploads a file with Transfer-Encoding: chunked', async () => {
    const { seen, callback } = recordingServer();
    const server = await serve(callback);
    const result = await curl(['--data-binary', `@${upload}`, '-H', 'Transfer-Encoding: chunked', '-H', 'Content-Type: application/octet-stream', `http://127.0.0.1:${server.port}/upload`]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ method: 'POST', size: payload.length, sha: sha256(payload) });
    expect(seen[0].headers['transfer-encoding']).toBe('chunked');
    expect(seen[0].headers['content-length']).toBeUndefined();
  });

  it('gets 100 Continue at once for Expect: 100-continue with a body over 1 KiB', async () => {
    const { seen, callback } = recordingServer();
    const server = await serve(callback);
    const body = join(dir, 'expect.bin');
    writeFileSync(body, payload.subarray(0, 4096));
    // curl waits up to 1 s (--expect100-timeout) for the 100; getting it at once keeps the run well under that.
    const result = await curl([
      '-v',
      '--expect100-timeout', '5',
      '-w', '\\n%{time_total}',
      '--data-binary', `@${body}`,
      '-H', 'Expect: 100-continue',
      '-H', 'Content-Type: application/octet-stream',
      `http://127.0.0.1:${server.port}/expect`,
    ]);
    const [json, time] = result.stdout.split('\n');
    expect(JSON.parse(json)).toMatchObject({ size: 4096, sha: sha256(payload.subarray(0, 4096)) });
    expect(result.stderr).toMatch(/< HTTP\/1\.1 100 Continue/);
    expect(result.stderr).toMatch(/< HTTP\/1\.1 200 OK/);
    expect(Number(time)).toBeLessThan(2);
    expect(seen[0].headers.expect).toBe('100-continue');
  });

  it('uploads a multipart form with a file and a field', async () => {
    const { callback } = recordingServer();
    const server = await serve(callback);
    const result = await curl(['-F', `file=@${upload};type=application/octet-stream`, '-F', 'name=tornado \u00e9t\u00e9', `http://127.0.0.1:${server.port}/form`]);
    expect(result.stderr).toBe('');
    const answer = JSON.parse(result.stdout);
    expect(answer.files).toEqual({
      file: [{ filename: 'upload.bin', contentType: 'application/octet-stream', size: payload.length, sha: sha256(payload) }],
    });
    expect(answer.args).toEqual({ name: ['tornado \u00e9t\u00e9'] });
  });

  it('sees 413 before sending a body over maxBodySize, and the server goes on', async () => {
    const { callback } = recordingServer();
    const server = await serve(callback, { maxBodySize: 1024 });
    // With Expect: 100-continue the 413 comes instead of the 100, so curl never sends the body.
    const logged = await recordLog(genLog, async () => {
      const result = await curl(['-o', '/dev/null', '-w', '%{http_code}', '-H', 'Expect: 100-continue', '--data-binary', `@${upload}`, `http://127.0.0.1:${server.port}/big`]);
      expect(result.stdout).toBe('413');
    });
    expect(logged).toEqual([`Malformed HTTP message from 127.0.0.1: Content-Length too long (${payload.length} > 1024)`]);
    const again = await curl(['-w', ' %{http_code}', `http://127.0.0.1:${server.port}/small`]);
    expect(again.stdout).toMatch(/ 200$/);
  });
});
