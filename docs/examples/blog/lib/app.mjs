// The blog's Application: routes and settings. server.mjs builds one per process from the command
// line; the tests build one in-process with a temporary data directory.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application } from '@tornado-ts/web';
import { ApiArticleHandler, ApiArticlesHandler } from './api-handlers.mjs';
import { ArchiveHandler, ArticleHandler, ComposeHandler, FeedHandler, HomeHandler } from './article-handlers.mjs';
import { LoginHandler, LogoutHandler, SignupHandler } from './auth-handlers.mjs';
import { NotFoundHandler } from './base-handler.mjs';
import { ChatNewHandler, ChatPageHandler, ChatUpdatesHandler } from './chat-handlers.mjs';
import { ChatSocketHandler } from './chat-socket.mjs';
import { uiMethods, uiModules } from './ui.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** HTTPServer options of the blog: request bodies over 1 MiB get 413 (articles are at most 100,000 characters). */
export const SERVER_OPTIONS = Object.freeze({ maxBodySize: 1024 * 1024 });

/**
 * The blog application. `blogStore` (a JsonStore), `sessionStore` (memory or Redis) and `chatRoom`
 * are shared by every handler through the settings, as Tornado's demos keep their db there.
 */
export function createApplication({ blogStore, sessionStore, chatRoom, cookieSecret, debug = false, autoreload = debug, chatPollTimeout }) {
  const routes = [
    ['/', HomeHandler],
    ['/archive', ArchiveHandler],
    ['/feed', FeedHandler],
    ['/article/([^/]+)', ArticleHandler],
    ['/compose', ComposeHandler],
    ['/auth/login', LoginHandler],
    ['/auth/signup', SignupHandler],
    ['/auth/logout', LogoutHandler],
    ['/api/articles', ApiArticlesHandler],
    ['/api/articles/([0-9]+)', ApiArticleHandler],
    ['/chat', ChatPageHandler],
    ['/chat/new', ChatNewHandler],
    ['/chat/updates', ChatUpdatesHandler],
    ['/chat/socket', ChatSocketHandler],
  ];
  return new Application(routes, {
    cookieSecret,
    xsrfCookies: true,
    xsrfCookieKwargs: { sameSite: 'Lax', path: '/' },
    loginUrl: '/auth/login',
    templatePath: join(root, 'templates'),
    staticPath: join(root, 'static'),
    uiModules,
    uiMethods,
    compressResponse: true,
    defaultHandlerClass: NotFoundHandler,
    debug,
    autoreload,
    // Ping chat sockets now and then so proxies keep them open and dead peers are noticed.
    websocketPingInterval: 30_000,
    websocketPingTimeout: 60_000,
    // The application's own objects, as Tornado's demos keep their db in the settings.
    blogStore,
    sessionStore,
    chatRoom,
    chatPollTimeout,
  });
}
