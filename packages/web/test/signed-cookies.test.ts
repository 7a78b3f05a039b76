// Signed cookies through real servers: Tornado's SecureCookieV1Test / SecureCookieV2Test cases as
// handler round trips (setSignedCookie -> browser -> getSignedCookie), key rotation across apps,
// tampering, name swapping and expiry. The value-level vectors are in signed-value.test.ts.
// Not applicable: nothing from those Tornado classes is left out; their stub handler is replaced by
// real servers here.

import { appLog, expectLog } from '@tornado-ts/ioloop';
import { afterEach, describe, expect, it } from 'vitest';
import { Application } from '../src/application';
import { RequestHandler } from '../src/request-handler';
import { createSignedValue, decodeSignedValue } from '../src/signed-value';
import { closeAll, startServer, type TestServer } from './helpers';

afterEach(closeAll);

const SECRET = '0123456789';
const KEY_VERSIONS = { 0: 'ajklasdf0ojaisdf', 1: 'aslkjasaolwkjsdf' };

/** GET /set?name=&value=[&version=&expiresDays=]: setSignedCookie. */
class SetSignedHandler extends RequestHandler {
  get(): void {
    const version = this.getArgument('version', null);
    const expiresDays = this.getArgument('expiresDays', null);
    this.setSignedCookie(this.getArgument('name', 'foo') as string, this.getArgument('value', 'bar') as string, {
      ...(version === null ? {} : { version: Number(version) as 1 | 2 }),
      ...(expiresDays === null ? {} : { expiresDays: Number(expiresDays) }),
    });
    this.write('ok');
  }
}

/** GET /get?name=[&minVersion=&maxAgeDays=&value=]: the verified value and key version as JSON. */
class GetSignedHandler extends RequestHandler {
  get(): void {
    const name = this.getArgument('name', 'foo') as string;
    const minVersion = this.getArgument('minVersion', null);
    const maxAgeDays = this.getArgument('maxAgeDays', null);
    const explicit = this.getArgument('value', null) ?? undefined;
    this.write({
      value: this.getSignedCookie(name, explicit, {
        ...(minVersion === null ? {} : { minVersion: Number(minVersion) as 1 | 2 }),
        ...(maxAgeDays === null ? {} : { maxAgeDays: Number(maxAgeDays) }),
      }),
      keyVersion: this.getSignedCookieKeyVersion(name, explicit),
    });
  }
}

/** GET /create?name=&value=: createSignedValue without setting a cookie. */
class CreateSignedHandler extends RequestHandler {
  get(): void {
    this.write(this.createSignedValue(this.getArgument('name', 'foo') as string, this.getArgument('value', 'bar') as string));
  }
}

function app(settings: Record<string, unknown>): Application {
  return new Application(
    [
      ['/set', SetSignedHandler],
      ['/get', GetSignedHandler],
      ['/create', CreateSignedHandler],
    ],
    settings,
  );
}

/** The `name=value` pair of a Set-Cookie header, as a browser would send it back. */
function cookiePair(setCookie: string | undefined): string {
  expect(setCookie).toBeDefined();
  return setCookie!.split('; ')[0]!;
}

async function setSigned(server: TestServer, query: Record<string, string>): Promise<string> {
  const response = await server.fetch(`/set?${new URLSearchParams(query).toString()}`);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  const headers = response.headers.getSetCookie();
  expect(headers).toHaveLength(1);
  return headers[0]!;
}

async function getSigned(
  server: TestServer,
  cookie: string,
  query: Record<string, string> = {},
): Promise<{ value: string | null; keyVersion: number | null }> {
  const init = cookie === '' ? {} : { headers: { Cookie: cookie } };
  const response = await server.fetch(`/get?${new URLSearchParams(query).toString()}`, init);
  expect(response.status).toBe(200);
  return (await response.json()) as { value: string | null; keyVersion: number | null };
}

describe('signed cookies through a handler', () => {
  it('writes a quoted v2 value that expires in 30 days, and reads it back (SecureCookieV2Test.test_round_trip)', async () => {
    const server = await startServer(app({ cookieSecret: SECRET }));
    const header = await setSigned(server, { name: 'foo', value: 'bar' });
    // Quoted only when the base64 has padding: '=' is not a legal cookie character for Python.
    expect(header).toMatch(/^foo=2\|1:0\|10:\d{10}\|3:foo\|4:YmFy\|[0-9a-f]{64}; expires=[^;]+ GMT; Path=\/$/);
    expect(await setSigned(server, { name: 'foo', value: 'ba' })).toMatch(/^foo="2\|1:0\|10:\d{10}\|3:foo\|4:YmE=\|[0-9a-f]{64}"; /);
    const expires = Date.parse(/expires=([^;]+)/.exec(header)![1]!);
    expect(Math.abs(expires - (Date.now() + 30 * 86_400_000))).toBeLessThan(10_000);
    expect(await getSigned(server, cookiePair(header), { name: 'foo', minVersion: '2' })).toEqual({ value: 'bar', keyVersion: 0 });
  });

  it('round-trips v1 (SecureCookieV1Test.test_round_trip), which minVersion 2 refuses', async () => {
    const server = await startServer(app({ cookieSecret: SECRET }));
    const header = await setSigned(server, { name: 'foo', value: 'bar', version: '1' });
    expect(header).toMatch(/^foo=YmFy\|\d{10}\|[0-9a-f]{40}; /);
    expect((await getSigned(server, cookiePair(header), { name: 'foo', minVersion: '1' })).value).toBe('bar');
    expect((await getSigned(server, cookiePair(header), { name: 'foo' })).value).toBe('bar');
    expect(await getSigned(server, cookiePair(header), { name: 'foo', minVersion: '2' })).toEqual({ value: null, keyVersion: null });
  });

  it('round-trips non-ASCII text (SecureCookieV1Test.test_arbitrary_bytes)', async () => {
    const server = await startServer(app({ cookieSecret: SECRET }));
    for (const version of ['1', '2']) {
      const header = await setSigned(server, { name: 'foo', value: 'é ✓ "quoted"; x', version });
      expect((await getSigned(server, cookiePair(header), { name: 'foo' })).value).toBe('é ✓ "quoted"; x');
    }
  });

  it('honours expiresDays when setting', async () => {
    const server = await startServer(app({ cookieSecret: SECRET }));
    const header = await setSigned(server, { name: 'foo', value: 'bar', expiresDays: '2' });
    const expires = Date.parse(/expires=([^;]+)/.exec(header)![1]!);
    expect(Math.abs(expires - (Date.now() + 2 * 86_400_000))).toBeLessThan(10_000);
  });

  it('refuses tampered, truncated and re-named cookies (1.0.1 and 3.2.1 rows)', async () => {
    const server = await startServer(app({ cookieSecret: SECRET }));
    const pair = cookiePair(await setSigned(server, { name: 'a', value: 'bar' }));
    const signed = pair.slice('a='.length);
    expect((await getSigned(server, `a=${signed}`, { name: 'a' })).value).toBe('bar');
    expect((await getSigned(server, `a="${signed}"`, { name: 'a' })).value).toBe('bar'); // quoted works too
    const tampered = signed.replace('4:YmFy', '4:YmF6');
    expect((await getSigned(server, `a="${tampered}"`, { name: 'a' })).value).toBeNull();
    expect((await getSigned(server, `a="${signed.slice(0, -1)}"`, { name: 'a' })).value).toBeNull();
    expect((await getSigned(server, `a="${signed.slice(0, 30)}"`, { name: 'a' })).value).toBeNull();
    // The value signed for cookie "a" presented as cookie "ab".
    expect((await getSigned(server, `ab="${signed}"`, { name: 'ab' })).value).toBeNull();
    expect((await getSigned(server, 'a=garbage', { name: 'a' })).value).toBeNull();
    expect(await getSigned(server, 'other=1', { name: 'a' })).toEqual({ value: null, keyVersion: null });
  });

  it('refuses a cookie signed with another secret', async () => {
    const server = await startServer(app({ cookieSecret: SECRET }));
    const foreign = createSignedValue('another secret', 'foo', 'bar');
    expect((await getSigned(server, `foo="${foreign}"`, { name: 'foo' })).value).toBeNull();
    expect((await getSigned(server, `foo="${createSignedValue(SECRET, 'foo', 'bar')}"`, { name: 'foo' })).value).toBe('bar');
  });

  it('applies maxAgeDays when reading an explicit value', async () => {
    const server = await startServer(app({ cookieSecret: SECRET }));
    const old = createSignedValue(SECRET, 'foo', 'bar', { clock: () => Date.now() / 1000 - 40 * 86_400 });
    expect((await getSigned(server, '', { name: 'foo', value: old })).value).toBeNull();
    expect((await getSigned(server, '', { name: 'foo', value: old, maxAgeDays: '41' })).value).toBe('bar');
  });

  it('createSignedValue signs with the application secret', async () => {
    const server = await startServer(app({ cookieSecret: SECRET }));
    const signed = await (await server.fetch('/create?name=foo&value=bar')).text();
    expect(decodeSignedValue(SECRET, 'foo', signed)?.toString()).toBe('bar');
  });

  it('without cookieSecret, signing and reading fail with 500', async () => {
    const server = await startServer(app({}));
    const set = await expectLog(appLog, /MissingSettingError: .*cookieSecret/, () => server.fetch('/set'));
    expect(set.status).toBe(500);
    expect(set.headers.getSetCookie()).toEqual([]);
    await set.arrayBuffer();
    const get = await expectLog(appLog, /MissingSettingError/, () => server.fetch('/get', { headers: { Cookie: 'foo=x' } }));
    expect(get.status).toBe(500);
    await get.arrayBuffer();
  });
});

describe('key versions (SecureCookieV2Test key_version cases)', () => {
  it('round-trips with key version 0 and 1 (test_key_version_roundtrip[_differing_version])', async () => {
    for (const keyVersion of [0, 1]) {
      const server = await startServer(app({ cookieSecret: KEY_VERSIONS, keyVersion }));
      const header = await setSigned(server, { name: 'foo', value: 'bar' });
      expect(header).toContain(`foo=2|1:${keyVersion}|`);
      expect(await getSigned(server, cookiePair(header), { name: 'foo' })).toEqual({ value: 'bar', keyVersion });
    }
  });

  it('an app moved on to key 1 still reads key-0 cookies (test_key_version_increment_version)', async () => {
    const before = await startServer(app({ cookieSecret: KEY_VERSIONS, keyVersion: 0 }));
    const after = await startServer(app({ cookieSecret: KEY_VERSIONS, keyVersion: 1 }));
    const header = await setSigned(before, { name: 'foo', value: 'bar' });
    expect(await getSigned(after, cookiePair(header), { name: 'foo' })).toEqual({ value: 'bar', keyVersion: 0 });
  });

  it('an app that dropped key 0 refuses key-0 cookies (test_key_version_invalidate_version)', async () => {
    const before = await startServer(app({ cookieSecret: KEY_VERSIONS, keyVersion: 0 }));
    const after = await startServer(app({ cookieSecret: { 1: KEY_VERSIONS[1] }, keyVersion: 1 }));
    const header = await setSigned(before, { name: 'foo', value: 'bar' });
    expect(await getSigned(after, cookiePair(header), { name: 'foo' })).toEqual({ value: null, keyVersion: 0 });
  });

  it('a record of secrets reads plain-secret cookies only if that secret is in it', async () => {
    const server = await startServer(app({ cookieSecret: KEY_VERSIONS, keyVersion: 1 }));
    const plain = createSignedValue(KEY_VERSIONS[0], 'foo', 'bar');
    expect((await getSigned(server, `foo="${plain}"`, { name: 'foo' })).value).toBe('bar');
    const unknown = createSignedValue('not in the record', 'foo', 'bar');
    expect((await getSigned(server, `foo="${unknown}"`, { name: 'foo' })).value).toBeNull();
  });
});
