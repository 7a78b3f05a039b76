// What every page handler shares: the session (looked up asynchronously in prepare(), as Tornado
// recommends for async user lookups), flash messages, the worker id header and the error page.
import { STATUS_CODES } from 'node:http';
import { taskId } from '@tornado-ts/tcpserver';
import { HTTPError, RequestHandler } from '@tornado-ts/web';
import { loadSessionUser, publicUser, setSessionCookie, SESSION_COOKIE } from './session-user.mjs';
import { newSessionId } from './sessions.mjs';

const FLASH_COOKIE = 'flash';
const FLASH_KINDS = new Set(['info', 'success', 'error']);

export class BaseHandler extends RequestHandler {
  /** The id of this request's session, or null when anonymous. */
  sessionId = null;
  #pendingFlashes = [];
  #shownFlashes = null;

  setDefaultHeaders() {
    // Which worker answered; the multi-process test uses it to see both workers serve one login.
    const worker = taskId();
    if (worker !== null) this.setHeader('X-Worker', String(worker));
    this.setHeader('X-Content-Type-Options', 'nosniff');
    this.setHeader('X-Frame-Options', 'DENY');
  }

  async prepare() {
    const { sessionId, user } = await loadSessionUser(this);
    this.sessionId = sessionId;
    this.currentUser = user;
  }

  /** The blog's store of users and articles. */
  get store() {
    return this.settings.blogStore;
  }

  /** Queues a message for the next page this browser sees (it survives one redirect). */
  flash(message, kind = 'info') {
    if (!FLASH_KINDS.has(kind)) throw new RangeError(`unknown flash kind ${kind}`);
    this.#pendingFlashes.push({ kind, message });
    this.setSignedCookie(FLASH_COOKIE, JSON.stringify(this.#pendingFlashes), { maxAge: 60_000, httpOnly: true, sameSite: 'Lax', path: '/' });
  }

  /** The flash messages to show on this page (read once, then the cookie is cleared). */
  takeFlashes() {
    if (this.#shownFlashes === null) {
      this.#shownFlashes = [];
      const raw = this.getSignedCookie(FLASH_COOKIE, undefined, { maxAgeDays: 1 });
      if (raw !== null) {
        try {
          const parsed = JSON.parse(raw);
          if (Array.isArray(parsed)) this.#shownFlashes = parsed.filter((f) => FLASH_KINDS.has(f?.kind) && typeof f.message === 'string');
        } catch {
          // A cookie we signed is always JSON; anything else is ignored.
        }
      }
      if (this.getCookie(FLASH_COOKIE) !== undefined && this.#pendingFlashes.length === 0) this.clearCookie(FLASH_COOKIE, { path: '/' });
    }
    return this.#shownFlashes;
  }

  getTemplateNamespace() {
    const namespace = super.getTemplateNamespace();
    namespace.flashes = this.takeFlashes();
    return namespace;
  }

  /** Starts a fresh session for `user` (a new id, so a session id planted before login is useless). */
  async logIn(user) {
    const { sessionStore } = this.settings;
    if (this.sessionId !== null) await sessionStore.destroy(this.sessionId);
    const sessionId = newSessionId();
    await sessionStore.set(sessionId, { userId: user.id, created: new Date().toISOString() });
    setSessionCookie(this, sessionId);
    this.sessionId = sessionId;
    this.currentUser = publicUser(user);
  }

  async logOut() {
    if (this.sessionId !== null) await this.settings.sessionStore.destroy(this.sessionId);
    this.clearCookie(SESSION_COOKIE, { path: '/' });
    this.sessionId = null;
    this.currentUser = null;
  }

  /** A `next` target that stays on this site: a local path, never `//host` or `/\host`. */
  safeNext(next, fallback = '/') {
    return typeof next === 'string' && /^\/(?![/\\])/.test(next) && !/[\r\n]/.test(next) ? next : fallback;
  }

  writeError(statusCode, details = {}) {
    if (this.settings.serveTraceback && details.error) return super.writeError(statusCode, details);
    let page;
    try {
      page = this.renderString('error.html', { statusCode, reason: STATUS_CODES[statusCode] ?? 'Error' });
    } catch {
      return super.writeError(statusCode, details);
    }
    return this.finish(page);
  }
}

/** Answers 404 with the site's error page for paths no route matches. */
export class NotFoundHandler extends BaseHandler {
  async prepare() {
    await super.prepare();
    throw new HTTPError(404);
  }
}
