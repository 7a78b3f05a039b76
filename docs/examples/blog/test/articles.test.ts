// Writing and editing articles: authentication, authorization, XSRF, validation and escaping.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Blog, Client, startBlog } from './helpers';

let blog: Blog;
let author: Client;

beforeEach(async () => {
  blog = await startBlog();
  author = new Client(blog.base);
  expect((await author.logIn('demo', 'demo-password')).status).toBe(302);
});
afterEach(() => blog.close());

async function signUp(username: string): Promise<Client> {
  const client = new Client(blog.base);
  await client.primeXsrf();
  const reply = await client.request('/auth/signup', { form: { username, name: username, password: 'password-' + username } });
  expect(reply.status).toBe(302);
  return client;
}

describe('compose', () => {
  it('sends anonymous GETs to the login page with next, and refuses anonymous POSTs with 403', async () => {
    const anonymous = new Client(blog.base);
    const page = await anonymous.request('/compose?id=1');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/auth/login?next=%2Fcompose%3Fid%3D1');
    await anonymous.primeXsrf();
    const post = await anonymous.request('/compose', { form: { title: 'x', body: 'y' } });
    expect(post.status).toBe(403);
    expect(blog.store.listArticles()).toHaveLength(1);
  });

  it('publishes an article: redirect to it, a flash, listed first on the home page', async () => {
    const form = await author.request('/compose');
    expect(form.status).toBe(200);
    expect(form.text).toMatch(/name="_xsrf" value="2\|/);
    const reply = await author.request('/compose', { form: { title: 'Hello, World!', body: 'First paragraph.\n\nSecond one.' } });
    expect(reply.status).toBe(302);
    expect(reply.headers.get('location')).toBe('/article/hello-world');
    const page = await author.request('/article/hello-world');
    expect(page.text).toContain('Published &quot;Hello, World!&quot;.');
    expect(page.text).toContain('<p>First paragraph.</p>\n<p>Second one.</p>');
    const home = await author.request('/');
    expect(home.text.indexOf('Hello, World!')).toBeLessThan(home.text.indexOf('Welcome to the tornado-ts blog'));
    // Same title again: a distinct slug.
    const second = await author.request('/compose', { form: { title: 'Hello, World!', body: 'Again.' } });
    expect(second.headers.get('location')).toBe('/article/hello-world-2');
  });

  it('refuses a POST without the XSRF token, or with a token from another browser', async () => {
    const missing = await author.request('/compose', { form: { title: 'No token', body: 'x' }, xsrf: false });
    expect(missing.status).toBe(403);
    const other = new Client(blog.base);
    await other.primeXsrf();
    const foreign = await author.request('/compose', { form: { title: 'Wrong token', body: 'x', _xsrf: other.cookies.get('_xsrf')! }, xsrf: false });
    expect(foreign.status).toBe(403);
    expect(blog.store.listArticles()).toHaveLength(1);
  });

  it('shows validation errors and keeps the input', async () => {
    const reply = await author.request('/compose', { form: { title: '   ', body: 'kept <text>' } });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('title: the title must not be empty');
    expect(reply.text).toContain('kept &lt;text&gt;</textarea>');
    const long = await author.request('/compose', { form: { title: 'x'.repeat(201), body: 'y' } });
    expect(long.status).toBe(400);
    expect(long.text).toContain('the title must be at most 200 characters');
  });

  it('escapes what authors write', async () => {
    await author.request('/compose', { form: { title: '<script>alert(1)</script>', body: '<img src=x onerror=alert(1)>' } });
    const page = await author.request('/article/script-alert-1-script');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('edit', () => {
  it('lets the author edit: the form is filled, the slug stays, the change shows', async () => {
    const form = await author.request('/compose?id=1');
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="Welcome to the tornado-ts blog"');
    const reply = await author.request('/compose?id=1', { form: { title: 'Welcome, edited', body: 'New text.' } });
    expect(reply.status).toBe(302);
    expect(reply.headers.get('location')).toBe('/article/welcome-to-the-tornado-ts-blog');
    const page = await author.request('/article/welcome-to-the-tornado-ts-blog');
    expect(page.text).toContain('Saved &quot;Welcome, edited&quot;.');
    expect(page.text).toContain('<p>New text.</p>');
    expect(page.text).toContain('<a class="edit" href="/compose?id=1">Edit</a>');
  });

  it('forbids editing someone else\'s article (403) and 404s unknown ids', async () => {
    const stranger = await signUp('stranger');
    expect((await stranger.request('/article/welcome-to-the-tornado-ts-blog')).text).not.toContain('class="edit"');
    expect((await stranger.request('/compose?id=1')).status).toBe(403);
    const post = await stranger.request('/compose?id=1', { form: { title: 'Hijacked', body: 'x' } });
    expect(post.status).toBe(403);
    expect(blog.store.articleById(1).title).toBe('Welcome to the tornado-ts blog');
    for (const id of ['999', 'abc', '1e3', '-1']) expect((await author.request(`/compose?id=${id}`)).status, id).toBe(404);
  });
});
