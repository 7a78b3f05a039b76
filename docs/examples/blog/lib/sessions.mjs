// Session stores. The signed `session` cookie holds only a random id; what it stands for lives
// here: in this process's memory by default, or in Redis (`--session-store redis://host:port`) so
// that every worker of `--processes N`, and a restarted server, sees the same logins.
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

/** How long a session lives after sign-in, in ms (the cookie carrying its id lasts as long). */
export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/** A new session id: 32 random bytes, URL-safe. */
export function newSessionId() {
  return randomBytes(32).toString('base64url');
}

/** Sessions in a Map, with expiry; the default (nothing to run, lost on restart). */
export class MemorySessionStore {
  #sessions = new Map();
  #sweeper;

  constructor({ ttl = SESSION_TTL_MS } = {}) {
    this.ttl = ttl;
    // Drop expired sessions now and then so the map cannot only grow.
    this.#sweeper = setInterval(() => this.#sweep(), Math.min(ttl, 60_000)).unref();
  }

  get description() {
    return 'memory';
  }

  async check() {}

  async get(id) {
    const entry = this.#sessions.get(id);
    if (!entry) return null;
    if (entry.expires <= Date.now()) {
      this.#sessions.delete(id);
      return null;
    }
    return structuredClone(entry.data);
  }

  async set(id, data) {
    this.#sessions.set(id, { data: structuredClone(data), expires: Date.now() + this.ttl });
  }

  async destroy(id) {
    this.#sessions.delete(id);
  }

  async close() {
    clearInterval(this.#sweeper);
    this.#sessions.clear();
  }

  #sweep() {
    const now = Date.now();
    for (const [id, entry] of this.#sessions) if (entry.expires <= now) this.#sessions.delete(id);
  }
}

/** Sessions in Redis as JSON strings under `blog:session:<id>`, expiring by themselves (PX). */
export class RedisSessionStore {
  #client;
  #url;
  #connecting = null;

  constructor(url, { ttl = SESSION_TTL_MS } = {}) {
    this.ttl = ttl;
    this.#url = url;
    // No endless reconnect loop when Redis is gone: a few tries, then commands fail (500) until it is back.
    this.#client = createClient({ url, socket: { connectTimeout: 5_000, reconnectStrategy: (retries) => (retries > 20 ? false : Math.min(retries * 100, 2_000)) } });
    this.#client.on('error', (error) => console.error(`session store ${url}: ${error.message}`));
  }

  get description() {
    return this.#url;
  }

  /** Fails fast, with a clear message, when Redis cannot be reached (one PING on a throwaway connection). */
  async check() {
    const probe = createClient({ url: this.#url, socket: { connectTimeout: 3_000, reconnectStrategy: false } });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
    } catch (error) {
      throw new Error(`--session-store ${this.#url}: cannot reach Redis (${error.message})`, { cause: error });
    } finally {
      if (probe.isOpen) probe.destroy();
    }
  }

  /** Connects once (later calls wait for the same connection). */
  connect() {
    this.#connecting ??= this.#client.connect();
    return this.#connecting;
  }

  async get(id) {
    await this.connect();
    const text = await this.#client.get(this.#key(id));
    return text === null ? null : JSON.parse(text);
  }

  async set(id, data) {
    await this.connect();
    await this.#client.set(this.#key(id), JSON.stringify(data), { expiration: { type: 'PX', value: this.ttl } });
  }

  async destroy(id) {
    await this.connect();
    await this.#client.del(this.#key(id));
  }

  async close() {
    if (this.#connecting) await this.#client.close();
  }

  #key(id) {
    return `blog:session:${id}`;
  }
}

/** The store `--session-store` names: `memory`, or a `redis://` / `rediss://` URL. */
export function createSessionStore(spec) {
  if (spec === 'memory' || spec === '' || spec === undefined) return new MemorySessionStore();
  if (/^rediss?:\/\//.test(spec)) return new RedisSessionStore(spec);
  throw new Error(`--session-store: expected "memory" or a redis:// URL, got ${JSON.stringify(spec)}`);
}
