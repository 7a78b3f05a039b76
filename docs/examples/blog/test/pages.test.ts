// The public pages through real sockets: home, archive, article, feed, 404, static files and gzip.
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Blog, Client, startBlog } from './helpers';

let blog: Blog;
let client: Client;

beforeEach(async () => {
  blog = await startBlog();
  client = new Client(blog.base);
});
afterEach(() => blog.close());

/** A raw GET (no automatic decompression) with the given headers. */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(blog.base + path, { headers, agent: false, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

describe('pages', () => {
  it('home lists the seeded article through the Entry UI module, with its CSS linked once in <head>', async () => {
    const reply = await client.request('/');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(reply.text).toContain('<article class="entry" data-article-id="1">');
    expect(reply.text).toContain('Welcome to the tornado-ts blog');
    const head = reply.text.slice(0, reply.text.indexOf('</head>'));
    expect(head.match(/\/static\/entry\.css\?v=[0-9a-f]{5}/g)).toHaveLength(1);
    // Signed-out navigation.
    expect(reply.text).toContain('id="sign-in-link"');
    expect(reply.text).not.toContain('id="compose-link"');
  });

  it('links static files with a content hash and serves them with long caching', async () => {
    const page = await client.request('/');
    const css = /href="(\/static\/blog\.css\?v=[0-9a-f]{5})"/.exec(page.text)?.[1];
    const js = /src="(\/static\/blog\.js\?v=[0-9a-f]{5})"/.exec(page.text)?.[1];
    expect(css).toBeDefined();
    expect(js).toBeDefined();
    const style = await client.request(css!);
    expect(style.status).toBe(200);
    expect(style.headers.get('content-type')).toMatch(/^text\/css/);
    expect(style.headers.get('cache-control')).toMatch(/max-age=31536000/);
    const script = await client.request(js!);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await client.request('/static/../lib/app.mjs')).status).toBeGreaterThanOrEqual(403);
    expect((await client.request('/static/nothing.css')).status).toBe(404);
  });

  it('shows one article in full, and 404s (with the site page) for unknown ones and paths', async () => {
    const reply = await client.request('/article/welcome-to-the-tornado-ts-blog');
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('<title>Welcome to the tornado-ts blog · tornado-ts blog</title>');
    expect(reply.text).toContain('<p>Sign in as &quot;demo&quot;');
    for (const path of ['/article/nope', '/no/such/page']) {
      const missing = await client.request(path);
      expect(missing.status).toBe(404);
      expect(missing.text).toContain('<h1 class="error-status">404: Not Found</h1>');
      expect(missing.text).toContain('<header class="site">');
    }
  });

  it('lists every article in the archive and the Atom feed', async () => {
    const author = blog.store.userByName('demo');
    await blog.store.createArticle(author, { title: 'Second <post>', body: 'Read https://example.com/x?a=1&b=2 now' });
    const archive = await client.request('/archive');
    expect(archive.text).toContain('Second &lt;post&gt;');
    expect(archive.text.indexOf('Second &lt;post&gt;')).toBeLessThan(archive.text.indexOf('Welcome to the tornado-ts blog'));
    const feed = await client.request('/feed');
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=UTF-8');
    expect(feed.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(feed.text).toContain(`<id>${blog.base}/article/second-post</id>`);
    expect(feed.text).toContain('<a href="https://example.com/x?a=1&amp;b=2" rel="nofollow">');
  });

  it('gzips pages, JSON and static text for clients that accept it, and only for them', async () => {
    // Like Tornado, bodies under 1 KiB are not worth compressing: make the JSON list longer.
    await blog.store.createArticle(blog.store.userByName('demo'), { title: 'Long', body: 'words '.repeat(400) });
    for (const path of ['/', '/api/articles', '/static/blog.css']) {
      const zipped = await rawGet(path, { 'Accept-Encoding': 'gzip' });
      expect(zipped.status, path).toBe(200);
      expect(zipped.headers['content-encoding'], path).toBe('gzip');
      expect(zipped.headers.vary, path).toMatch(/Accept-Encoding/);
      const plain = await rawGet(path, {});
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      expect(gunzipSync(zipped.body).toString('utf8'), path).toBe(plain.body.toString('utf8'));
    }
  });

  it('leaves bodies under 1 KiB uncompressed', async () => {
    const small = await rawGet('/api/articles/1', { 'Accept-Encoding': 'gzip' });
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString('utf8')).article.id).toBe(1);
  });

  it('sends the security headers on every page', async () => {
    const reply = await client.request('/');
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('x-frame-options')).toBe('DENY');
    // One process: no worker id.
    expect(reply.headers.get('x-worker')).toBeNull();
  });
});
