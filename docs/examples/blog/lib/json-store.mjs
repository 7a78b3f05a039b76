// The embedded store: users and articles in one JSON file, held in memory. Every change is written
// through at once (a temporary file renamed over the old one, so a crash never leaves half a file),
// under a lock file so the workers of `--processes N` can share it; each request first re-reads the
// file if another process changed it (one stat per request).
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Lock } from '@tornado-ts/locks';
import { withFileLock } from './file-lock.mjs';
import { hashPassword } from './passwords.mjs';
import { slugify } from './slug.mjs';

/** The user every fresh data directory starts with (documented in the README). */
export const DEMO_USER = Object.freeze({ username: 'demo', name: 'Demo Author', password: 'demo-password' });

const emptyData = () => ({ format: 1, nextUserId: 1, nextArticleId: 1, users: [], articles: [] });

export class JsonStore {
  #path;
  #lockPath;
  #data = emptyData();
  /** What identified the file when we last read or wrote it (mtime in ns and size), or null. */
  #stamp = null;
  /** Writers in this process queue here before taking the file lock. */
  #writeLock = new Lock();

  constructor(dataDir) {
    this.#path = join(dataDir, 'blog.json');
    this.#lockPath = join(dataDir, 'blog.json.lock');
  }

  /** Opens (and on first use creates, with the demo user and a first article) the store in `dataDir`. */
  static async open(dataDir, { seed = true } = {}) {
    await mkdir(dataDir, { recursive: true });
    const store = new JsonStore(dataDir);
    if (!(await store.#fileStamp())) {
      const passwordHash = seed ? await hashPassword(DEMO_USER.password) : null;
      await store.#mutate((data) => {
        if (!seed || data.users.length > 0) return;
        const author = store.#addUser(data, { username: DEMO_USER.username, name: DEMO_USER.name, passwordHash });
        store.#addArticle(data, author, {
          title: 'Welcome to the tornado-ts blog',
          body: 'This site is Tornado\'s blog demo rebuilt on tornado-ts.\n\nSign in as "demo" (password "demo-password"), or sign up, to write articles; try the chat page in two windows.',
        });
      });
    }
    await store.refresh();
    return store;
  }

  /** Re-reads the file when another process has changed it since we last saw it. */
  async refresh() {
    const stamp = await this.#fileStamp();
    if (stamp === null || stamp === this.#stamp) return;
    const text = await readFile(this.#path, 'utf8');
    let data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new Error(`${this.#path} is not valid JSON (${error.message}): fix or remove it`, { cause: error });
    }
    this.#data = { ...emptyData(), ...data };
    this.#stamp = stamp;
  }

  userById(id) {
    return this.#data.users.find((user) => user.id === id) ?? null;
  }

  userByName(username) {
    const wanted = username.toLowerCase();
    return this.#data.users.find((user) => user.username.toLowerCase() === wanted) ?? null;
  }

  /** Newest first. */
  listArticles({ limit = Infinity } = {}) {
    return this.#data.articles.slice(-limit).reverse();
  }

  articleBySlug(slug) {
    return this.#data.articles.find((article) => article.slug === slug) ?? null;
  }

  articleById(id) {
    return this.#data.articles.find((article) => article.id === id) ?? null;
  }

  /** Adds a user; resolves to null when the user name is taken (case-insensitively). */
  async createUser({ username, name, password }) {
    const passwordHash = await hashPassword(password);
    return this.#mutate((data) => {
      const wanted = username.toLowerCase();
      if (data.users.some((user) => user.username.toLowerCase() === wanted)) return null;
      return this.#addUser(data, { username, name, passwordHash });
    });
  }

  /** Adds an article by `author` with a slug made unique from its title. */
  createArticle(author, { title, body }) {
    return this.#mutate((data) => this.#addArticle(data, author, { title, body }));
  }

  /** Changes an article's title and body (the slug stays, so links keep working); null if it is gone. */
  updateArticle(id, { title, body }) {
    return this.#mutate((data) => {
      const article = data.articles.find((candidate) => candidate.id === id);
      if (!article) return null;
      Object.assign(article, { title, body, updated: new Date().toISOString() });
      return article;
    });
  }

  #addUser(data, { username, name, passwordHash }) {
    const user = { id: data.nextUserId++, username, name, passwordHash, created: new Date().toISOString() };
    data.users.push(user);
    return user;
  }

  #addArticle(data, author, { title, body }) {
    const base = slugify(title);
    let slug = base;
    for (let n = 2; data.articles.some((article) => article.slug === slug); n++) slug = `${base}-${n}`;
    const now = new Date().toISOString();
    const article = { id: data.nextArticleId++, slug, title, body, authorId: author.id, authorName: author.name, published: now, updated: now };
    data.articles.push(article);
    return article;
  }

  /** Applies `change` to the newest data and writes it, holding both the in-process and the file lock. */
  #mutate(change) {
    return this.#writeLock.run(() =>
      withFileLock(this.#lockPath, async () => {
        await this.refresh();
        const result = change(this.#data);
        const temporary = `${this.#path}.${process.pid}.tmp`;
        await writeFile(temporary, `${JSON.stringify(this.#data, null, 1)}\n`, { mode: 0o600 });
        await rename(temporary, this.#path);
        this.#stamp = await this.#fileStamp();
        return result;
      }),
    );
  }

  async #fileStamp() {
    try {
      const info = await stat(this.#path, { bigint: true });
      return `${info.mtimeNs}:${info.size}:${info.ino}`;
    } catch (error) {
      if (error.code === 'ENOENT') return null;
      throw error;
    }
  }
}
