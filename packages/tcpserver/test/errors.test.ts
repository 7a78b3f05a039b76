import { readFileSync } from 'node:fs';
import * as tcpserver from '@tornado-ts/tcpserver';
import { ForkError, NotASocketError, ServerStoppedError, TooManyRestartsError } from '@tornado-ts/tcpserver';
import { describe, expect, it } from 'vitest';

/** Every error class the package exports, with the code it must keep once released. */
const CODES: Record<string, string> = {
  HandleStreamNotImplementedError: 'TORNADO_ERR_HANDLE_STREAM_NOT_IMPLEMENTED',
  NotASocketError: 'TORNADO_ERR_NOT_A_SOCKET',
  ServerStoppedError: 'TORNADO_ERR_SERVER_STOPPED',
  TooManyRestartsError: 'TORNADO_ERR_TOO_MANY_RESTARTS',
  ServerAlreadyStartedError: 'TORNADO_ERR_SERVER_ALREADY_STARTED',
  ForkError: 'TORNADO_ERR_FORK',
};

type AnyErrorClass = new (...args: never[]) => Error;
const exports = tcpserver as Record<string, unknown>;

function isErrorClass(value: unknown): value is AnyErrorClass {
  return typeof value === 'function' && value.prototype instanceof Error;
}

describe('errors', () => {
  it('exports exactly the listed error classes', () => {
    const exported = Object.keys(exports).filter((key) => isErrorClass(exports[key]));
    expect(exported.sort()).toEqual(Object.keys(CODES).sort());
  });

  it.each(Object.entries(CODES))('%s keeps its class name as name and carries code %s', (name, code) => {
    const ErrorClass = exports[name] as new (argument: string) => Error & { code: string };
    const error = new ErrorClass('x');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('uses each code once, and the README documents every class with its code', () => {
    expect(new Set(Object.values(CODES)).size).toBe(Object.keys(CODES).length);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [name, code] of Object.entries(CODES)) {
      expect(readme).toMatch(new RegExp(`\\| \`${name}\` \\| \`${code}\` \\|`));
    }
  });

  it('says what was refused and why', () => {
    expect(new NotASocketError('/tmp/x')).toMatchObject({ path: '/tmp/x', message: '/tmp/x exists and is not a socket' });
    expect(new ServerStoppedError('listen').message).toMatch(/^cannot listen: the TCPServer is stopped/);
    expect(new TooManyRestartsError(3)).toMatchObject({ maxRestarts: 3, message: 'Too many child restarts (more than 3), giving up' });
    expect(new ForkError('again')).toMatchObject({ reason: 'again', message: 'forkProcesses was already called in this process' });
  });
});
