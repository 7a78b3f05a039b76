// Debug-mode restarts (Tornado's tornado.autoreload): when a source file of the application changes,
// start the same command again (same node flags and argv, stdio inherited) and exit. Node has no
// execv, so the new process has a new PID; it inherits the terminal or pipes of the old one.

import { spawn } from 'node:child_process';
import { watch, readdirSync, type FSWatcher } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { appLog } from '@tornado-ts/ioloop';

/** Files with these endings count as sources (templates too, as they are read at run time). */
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json|html?)$/;
/** Directories never watched: dependencies, VCS data, build output. */
const SKIPPED_DIRECTORY = /^(?:node_modules|dist|coverage)$|^\./;
/** A bound on the directories watched (one watcher each). */
const MAX_DIRECTORIES = 500;
/** Editors write a file in several steps: wait this long after the last event. */
const SETTLE_MS = 100;

/** Options of {@link startAutoreload}. */
export interface AutoreloadOptions {
  /** Directories to watch (with their subdirectories); default: the main script's directory and those of loaded CommonJS modules outside node_modules. */
  directories?: readonly string[];
  /** Runs instead of the restart (for tests and custom supervisors). */
  onChange?: (file: string) => void;
}

let watchers: FSWatcher[] | null = null;
const extraFiles = new Set<string>();

/** Also restarts when `file` changes (Tornado's `autoreload.watch`), e.g. a config file. */
export function watchFile(file: string): void {
  extraFiles.add(resolve(file));
  if (watchers !== null) addWatcher(dirname(resolve(file)), watchers, (name) => extraFiles.has(name));
}

function defaultDirectories(): string[] {
  const directories = new Set<string>();
  const main = process.argv[1];
  if (main) directories.add(dirname(resolve(main)));
  try {
    const cache = createRequire(import.meta.url).cache;
    for (const file of Object.keys(cache)) if (!file.includes('node_modules')) directories.add(dirname(file));
  } catch {
    // No CommonJS cache in this runtime: the main directory is enough.
  }
  return [...directories];
}

function walk(root: string, into: Set<string>): void {
  if (into.size >= MAX_DIRECTORIES || into.has(root)) return;
  into.add(root);
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.isDirectory() && !SKIPPED_DIRECTORY.test(entry.name)) walk(join(root, entry.name), into);
  }
}

function addWatcher(directory: string, into: FSWatcher[], accept: (file: string) => boolean, onChange?: (file: string) => void): void {
  try {
    const watcher = watch(directory, { persistent: false }, (_event, name) => {
      if (name === null) return;
      const file = join(directory, name.toString());
      if (accept(file)) scheduleRestart(file, onChange);
    });
    watcher.on('error', () => watcher.close());
    into.push(watcher);
  } catch {
    // A directory that vanished or cannot be watched is skipped.
  }
}

let pending: NodeJS.Timeout | null = null;

function scheduleRestart(file: string, onChange?: (file: string) => void): void {
  if (pending !== null) clearTimeout(pending);
  pending = setTimeout(() => {
    pending = null;
    if (onChange !== undefined) onChange(file);
    else restartProcess(file);
  }, SETTLE_MS);
  pending.unref();
}

/** Starts the same command again and exits this process. */
export function restartProcess(changedFile?: string): void {
  appLog.info('%s modified; restarting server', changedFile ?? 'A file');
  stopAutoreload();
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: process.env,
    cwd: process.cwd(),
  });
  child.once('spawn', () => process.exit(0));
  child.once('error', (error) => appLog.error('Autoreload could not restart the process', error));
}

/** Watches the application's sources and restarts the process when one changes; idempotent. */
export function startAutoreload(options: AutoreloadOptions = {}): void {
  if (watchers !== null) return;
  const list: FSWatcher[] = [];
  watchers = list;
  const directories = new Set<string>();
  for (const root of options.directories ?? defaultDirectories()) walk(resolve(root), directories);
  const accept = (file: string) => SOURCE_FILE.test(file) || extraFiles.has(file);
  for (const directory of directories) addWatcher(directory, list, accept, options.onChange);
  for (const file of extraFiles) addWatcher(dirname(file), list, (name) => extraFiles.has(name), options.onChange);
}

/** Stops watching (the process then stays as it is). */
export function stopAutoreload(): void {
  for (const watcher of watchers ?? []) watcher.close();
  watchers = null;
  if (pending !== null) clearTimeout(pending);
  pending = null;
}
