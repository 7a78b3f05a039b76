// The command line of server.mjs, through @tornado-ts/options (`node server.mjs --help` lists it).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { define } from '@tornado-ts/options';
import { z } from 'zod';

const exampleDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** Defines the blog's options on the global `options`. */
export function defineBlogOptions() {
  define('port', z.number().int().min(0).max(65535), { default: 8888, group: 'server', help: 'port to listen on (0: any free port)' });
  define('address', z.string(), { default: '127.0.0.1', group: 'server', help: 'address to listen on ("" for every interface)' });
  define('processes', z.number().int().min(0).max(64), {
    default: 1,
    group: 'server',
    help: 'worker processes sharing the port (0: one per CPU); use a Redis session store with more than 1',
  });
  define('debug', z.boolean(), { default: false, group: 'server', help: 'debug mode: reload templates, restart on code changes (one process only), tracebacks in error pages' });
  define('session-store', z.string().regex(/^(memory|rediss?:\/\/\S+)$/, 'expected "memory" or a redis://host:port URL'), {
    default: 'memory',
    group: 'storage',
    metavar: 'URL',
    help: 'where sessions live: "memory" (this process) or redis://host:port (shared by workers and restarts)',
  });
  define('data-dir', z.string().min(1), { default: join(exampleDir, 'data'), group: 'storage', metavar: 'DIR', help: 'directory of the JSON store and the cookie secret' });
  define('cookie-secret', z.string().min(16).optional(), {
    group: 'storage',
    help: 'secret that signs cookies (default: generated once and kept in the data directory)',
  });
}
