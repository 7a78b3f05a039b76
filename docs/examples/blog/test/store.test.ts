// The embedded store (JSON file, write-through, shared by processes through a lock file), password
// hashing, slugs and the in-memory session store.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../lib/file-lock.mjs';
import { DEMO_USER, JsonStore } from '../lib/json-store.mjs';
import { hashPassword, verifyPassword } from '../lib/passwords.mjs';
import { MemorySessionStore, createSessionStore, newSessionId } from '../lib/sessions.mjs';
import { slugify } from '../lib/slug.mjs';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'blog-store-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('JsonStore', () => {
  it('seeds a new directory once: the demo user (hashed) and a first article', async () => {
    const store = await JsonStore.open(dataDir);
    const demo = store.userByName(DEMO_USER.username);
    expect(demo.name).toBe(DEMO_USER.name);
    expect(await verifyPassword(DEMO_USER.password, demo.passwordHash)).toBe(true);
    expect(store.listArticles()).toHaveLength(1);
    const again = await JsonStore.open(dataDir);
    expect(again.listArticles()).toHaveLength(1);
    expect((await stat(join(dataDir, 'blog.json'))).mode & 0o777).toBe(0o600);
  });

  it('writes through: a second instance (another process) sees changes, and keeps both sides\' writes', async () => {
    const first = await JsonStore.open(dataDir);
    const second = await JsonStore.open(dataDir);
    const author = first.userByName('demo');
    await first.createArticle(author, { title: 'From one', body: 'a' });
    await second.refresh();
    expect(second.articleBySlug('from-one')?.body).toBe('a');
    // Concurrent writers through two instances: none is lost, ids stay unique.
    await Promise.all([
      ...[1, 2, 3].map((n) => first.createArticle(author, { title: `one ${n}`, body: 'x' })),
      ...[1, 2, 3].map((n) => second.createArticle(author, { title: `two ${n}`, body: 'x' })),
    ]);
    const reopened = await JsonStore.open(dataDir);
    const articles = reopened.listArticles();
    expect(articles).toHaveLength(8);
    expect(new Set(articles.map((a: { id: number }) => a.id)).size).toBe(8);
    expect(JSON.parse(await readFile(join(dataDir, 'blog.json'), 'utf8')).articles).toHaveLength(8);
  });

  it('refuses a second user of the same name in any case, and updates articles in place', async () => {
    const store = await JsonStore.open(dataDir);
    expect(await store.createUser({ username: 'DeMo', name: 'x', password: 'password1' })).toBeNull();
    const article = store.listArticles()[0];
    const updated = await store.updateArticle(article.id, { title: 'New title', body: 'New body' });
    expect(updated).toMatchObject({ id: article.id, slug: article.slug, title: 'New title' });
    expect(await store.updateArticle(999, { title: 'x', body: 'y' })).toBeNull();
  });

  it('fails clearly on a corrupt file instead of starting empty', async () => {
    await JsonStore.open(dataDir);
    await writeFile(join(dataDir, 'blog.json'), '{"users": [', 'utf8');
    await expect(JsonStore.open(dataDir)).rejects.toThrow(/blog\.json is not valid JSON/);
  });
});

describe('withFileLock', () => {
  it('runs holders one at a time and removes the lock file after', async () => {
    const lock = join(dataDir, 'test.lock');
    const order: string[] = [];
    const holder = (name: string) =>
      withFileLock(lock, async () => {
        order.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`${name} out`);
      });
    await Promise.all([holder('a'), holder('b')]);
    // Either may win the race for the lock; the other enters only after the first left.
    const first = order[0].split(' ')[0];
    const second = first === 'a' ? 'b' : 'a';
    expect(order).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
    await expect(stat(lock)).rejects.toThrow(/ENOENT/);
  });

  it('gives up after its timeout while a live holder keeps the lock', async () => {
    const lock = join(dataDir, 'held.lock');
    await writeFile(lock, '1');
    await expect(withFileLock(lock, async () => 'never', { timeout: 50 })).rejects.toThrow(/could not lock/);
  });
});

describe('passwords', () => {
  it('hashes with a fresh salt each time and verifies only the right password', async () => {
    const [a, b] = await Promise.all([hashPassword('secret pass'), hashPassword('secret pass')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('secret pass', a)).toBe(true);
    expect(await verifyPassword('secret pasS', a)).toBe(false);
    for (const broken of ['', 'scrypt$1$2', a.replace(/\$[^$]+$/, '$AAAA'), 'bcrypt$x$y$z$s$k']) {
      expect(await verifyPassword('secret pass', broken)).toBe(false);
    }
  });
});

describe('slugify', () => {
  it('keeps letters and digits, drops accents, joins words with dashes', () => {
    expect(slugify('Hello, World!')).toBe('hello-world');
    expect(slugify('Crème brûlée à 2 €')).toBe('creme-brulee-a-2');
    expect(slugify('!!!')).toBe('article');
    expect(slugify('x'.repeat(200))).toHaveLength(80);
  });
});

describe('sessions', () => {
  it('keeps sessions in memory until they expire or are destroyed, handing out copies', async () => {
    const store = new MemorySessionStore({ ttl: 50 });
    const id = newSessionId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await store.set(id, { userId: 1 });
    const copy = await store.get(id);
    copy.userId = 2;
    expect(await store.get(id)).toEqual({ userId: 1 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store.get(id)).toBeNull();
    await store.set(id, { userId: 1 });
    await store.destroy(id);
    expect(await store.get(id)).toBeNull();
    await store.close();
  });

  it('picks the store from --session-store and refuses anything else', async () => {
    const memory = createSessionStore('memory');
    expect(memory.description).toBe('memory');
    await memory.close();
    expect(() => createSessionStore('mysql://x')).toThrow(/--session-store/);
  });
});
