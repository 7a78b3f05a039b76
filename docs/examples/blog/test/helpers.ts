// Test helpers: the blog started in-process on 127.0.0.1 port 0 with a temporary data directory,
// and a small HTTP client with a cookie jar (Node's fetch, real sockets, redirects not followed).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HTTPServer } from '@tornado-ts/httpserver';
import { createApplication, SERVER_OPTIONS } from '../lib/app.mjs';
import { ChatRoom } from '../lib/chat-room.mjs';
import { JsonStore } from '../lib/json-store.mjs';
import { MemorySessionStore } from '../lib/sessions.mjs';

export const COOKIE_SECRET = 'test-secret-0123456789abcdef';

export interface Blog {
  readonly base: string;
  readonly dataDir: string;
  readonly store: JsonStore;
  readonly chatRoom: ChatRoom;
  close(): Promise<void>;
}

/** The blog on a free port, with the seeded demo user, until `close()`. */
export async function startBlog(settings: { chatPollTimeout?: number } = {}): Promise<Blog> {
  const dataDir = await mkdtemp(join(tmpdir(), 'blog-test-'));
  const store = await JsonStore.open(dataDir);
  const sessionStore = new MemorySessionStore();
  const chatRoom = new ChatRoom();
  const app = createApplication({ blogStore: store, sessionStore, chatRoom, cookieSecret: COOKIE_SECRET, chatPollTimeout: settings.chatPollTimeout });
  const server: HTTPServer = await app.listen(0, '127.0.0.1', SERVER_OPTIONS);
  return {
    base: `http://127.0.0.1:${server.port}`,
    dataDir,
    store,
    chatRoom,
    async close() {
      await server.close({ timeout: 0 });
      await sessionStore.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

interface RequestOptions {
  method?: string;
  /** Sent form-encoded; `_xsrf` is added from the cookie jar unless `xsrf: false`. */
  form?: Record<string, string>;
  /** Sent as a JSON body (`Content-Type: application/json`). */
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  xsrf?: boolean;
}

/** A browser stand-in: keeps cookies per name, sends them back, does not follow redirects. */
export class Client {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  async request(path: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    let body = options.body;
    if (options.form) {
      const form = { ...options.form };
      if (options.xsrf !== false && this.cookies.has('_xsrf')) form._xsrf = this.cookies.get('_xsrf')!;
      body = new URLSearchParams(form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['Content-Type'] = 'application/json';
    }
    if (this.cookies.size > 0) headers.Cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(this.base + path, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()];
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=.*1970/i.test(a));
      if (expired || value === '' || value === '""') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  }

  /** GETs a page so the `_xsrf` cookie is set (forms need its token). */
  async primeXsrf(): Promise<void> {
    if (!this.cookies.has('_xsrf')) await this.request('/auth/login');
  }

  /** Signs in through the form; resolves with the reply (302 on success). */
  async logIn(username: string, password: string, next = '/'): Promise<Reply> {
    await this.primeXsrf();
    return this.request('/auth/login', { form: { username, password, next } });
  }
}

/** Waits until `condition()` is true, polling; fails with `what` after `timeout` ms. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
