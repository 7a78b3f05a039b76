// Sign in, sign up, sign out, sessions and flash messages, through real sockets.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Blog, Client, startBlog } from './helpers';

let blog: Blog;
let client: Client;

beforeEach(async () => {
  blog = await startBlog();
  client = new Client(blog.base);
});
afterEach(() => blog.close());

describe('sign in', () => {
  it('logs the demo user in: a signed, httpOnly session cookie, a redirect to next, a flash on the next page only', async () => {
    const reply = await client.logIn('demo', 'demo-password', '/archive');
    expect(reply.status).toBe(302);
    expect(reply.headers.get('location')).toBe('/archive');
    const setCookies = reply.headers.getSetCookie().join('\n');
    expect(setCookies).toMatch(/session="?2\|1:0\|10:\d+\|7:session\|/);
    expect(setCookies).toMatch(/session=[^\n]*HttpOnly/i);
    expect(setCookies).toMatch(/session=[^\n]*SameSite=Lax/i);
    const page = await client.request('/archive');
    expect(page.text).toContain('<strong id="current-user">Demo Author</strong>');
    expect(page.text).toContain('<p class="flash flash-success" role="status">Welcome back, Demo Author.</p>');
    const again = await client.request('/archive');
    expect(again.text).not.toContain('Welcome back');
    expect(again.text).toContain('Demo Author');
  });

  it('refuses a wrong password or an unknown user with the same message and no session', async () => {
    for (const [username, password] of [['demo', 'wrong-password'], ['nobody', 'demo-password'], ['', '']]) {
      const reply = await client.logIn(username, password);
      expect(reply.status).toBe(403);
      expect(reply.text).toContain('Incorrect user name or password.');
      expect(client.cookies.has('session')).toBe(false);
    }
    // User names are matched without regard to case, passwords exactly.
    expect((await client.logIn('DEMO', 'demo-password')).status).toBe(302);
    const other = new Client(blog.base);
    expect((await other.logIn('demo', 'DEMO-PASSWORD')).status).toBe(403);
  });

  it('refuses a login POST without the XSRF token', async () => {
    await client.primeXsrf();
    const reply = await client.request('/auth/login', { form: { username: 'demo', password: 'demo-password' }, xsrf: false });
    expect(reply.status).toBe(403);
    expect(client.cookies.has('session')).toBe(false);
  });

  it('never redirects off-site after login', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const reply = await new Client(blog.base).logIn('demo', 'demo-password', next);
      expect(reply.status, next).toBe(302);
      expect(reply.headers.get('location'), next).toBe('/');
    }
  });

  it('ignores a forged or unknown session cookie', async () => {
    await client.logIn('demo', 'demo-password');
    const signed = client.cookies.get('session')!;
    const forged = new Client(blog.base);
    forged.cookies.set('session', signed.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')));
    expect((await forged.request('/')).text).not.toContain('current-user');
    const unsigned = new Client(blog.base);
    unsigned.cookies.set('session', 'some-session-id');
    expect((await unsigned.request('/')).text).not.toContain('current-user');
  });

  it('gives a new session id at each login (a planted id is useless)', async () => {
    await client.logIn('demo', 'demo-password');
    const first = client.cookies.get('session');
    await client.logIn('demo', 'demo-password');
    expect(client.cookies.get('session')).not.toBe(first);
    const old = new Client(blog.base);
    old.cookies.set('session', first!);
    expect((await old.request('/')).text).not.toContain('current-user');
  });
});

describe('sign out', () => {
  it('needs a POST with the XSRF token, ends the session on the server, and says so', async () => {
    await client.logIn('demo', 'demo-password');
    const stolen = client.cookies.get('session')!;
    expect((await client.request('/auth/logout', { method: 'POST', form: {}, xsrf: false })).status).toBe(403);
    expect((await client.request('/')).text).toContain('current-user');
    const reply = await client.request('/auth/logout', { form: {} });
    expect(reply.status).toBe(302);
    expect(client.cookies.has('session')).toBe(false);
    const page = await client.request('/');
    expect(page.text).toContain('You are signed out.');
    expect(page.text).not.toContain('current-user');
    // The cookie someone copied earlier no longer works either.
    const copy = new Client(blog.base);
    copy.cookies.set('session', stolen);
    expect((await copy.request('/')).text).not.toContain('current-user');
  });

  it('shows a confirmation form on GET', async () => {
    const reply = await client.request('/auth/logout');
    expect(reply.status).toBe(200);
    expect(reply.text).toMatch(/<form method="post" action="\/auth\/logout"><input type="hidden" name="_xsrf" value="[^"]+"\/?>/);
  });
});

describe('sign up', () => {
  it('creates an account with a hashed password and signs it in', async () => {
    await client.primeXsrf();
    const reply = await client.request('/auth/signup', { form: { username: 'ada', name: 'Ada L.', password: 'analytical' } });
    expect(reply.status).toBe(302);
    const page = await client.request('/');
    expect(page.text).toContain('Welcome, Ada L.: your account is ready.');
    expect(page.text).toContain('<strong id="current-user">Ada L.</strong>');
    const stored = blog.store.userByName('ada');
    expect(stored.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored.passwordHash).not.toContain('analytical');
    expect((await new Client(blog.base).logIn('ada', 'analytical')).status).toBe(302);
  });

  it('refuses a taken name (any case) and invalid fields with a message, keeping what was typed', async () => {
    await client.primeXsrf();
    const taken = await client.request('/auth/signup', { form: { username: 'Demo', name: 'Imposter', password: 'long enough' } });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('The user name Demo is taken.');
    expect(taken.text).toContain('value="Imposter"');
    const invalid = await client.request('/auth/signup', { form: { username: 'x y', name: '', password: 'short' } });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('username: the user name must be 3 to 32 letters');
    expect(invalid.text).toContain('name: the display name must not be empty');
    expect(invalid.text).toContain('password: the password must be at least 8 characters');
    expect(client.cookies.has('session')).toBe(false);
  });
});
