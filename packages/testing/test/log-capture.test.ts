// expectLog (re-exported from @tornado-ts/ioloop, where its own tests live) and captureLogs.
// Tornado's ExpectLog has no test in testing_test.py; its behaviour (required, level, matches
// swallowed and others passed through, logged_stack) is checked here as used from this package.
// Not carried over: Tornado's "expected message at an unexpected level" warning (ioloop's expectLog
// lets such a record through unmatched, which fails a required expectation just as clearly).
import * as ioloop from '@tornado-ts/ioloop';
import { Logger, type LogSink } from '@tornado-ts/ioloop';
import { describe, expect, it } from 'vitest';
import { captureLogs, expectLog } from '../src/index';

function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string) => lines.push(`${level}:${message}`);
  const sink: LogSink = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
  return { logger: new Logger('test.logger', { level: 'info', sink }), lines };
}

describe('expectLog', () => {
  it('is ioloop\'s expectLog, not a second implementation', () => {
    expect(expectLog).toBe(ioloop.expectLog);
  });

  it('swallows matching records, passes others through and returns the result', async () => {
    const { logger, lines } = recordingLogger();
    const result = await expectLog(logger, /expected/, () => {
      logger.error('an expected failure');
      logger.warn('something else');
      return 7;
    });
    expect(result).toBe(7);
    expect(lines).toEqual(['warn:something else']);
  });

  it('fails when a required record never came, and not when it is optional', async () => {
    const { logger } = recordingLogger();
    await expect(expectLog(logger, /never/, () => undefined)).rejects.toThrow(/test\.logger/);
    await expect(expectLog(logger, /never/, () => undefined, { required: false })).resolves.toBeUndefined();
  });

  it('matches only the given level, enabling it for the duration', async () => {
    const { logger, lines } = recordingLogger();
    await expectLog(logger, /detail/, () => logger.debug('a detail'), { level: 'debug' });
    expect(logger.level).toBe('info');
    await expect(expectLog(logger, /detail/, () => logger.info('a detail'), { level: 'debug' })).rejects.toThrow();
    expect(lines).toEqual(['info:a detail']);
  });
});

describe('captureLogs', () => {
  it('collects the records of several loggers with their level, text and arguments', () => {
    const a = recordingLogger();
    const b = recordingLogger();
    const logs = captureLogs(a.logger, b.logger);
    a.logger.debug('first %d', 1);
    b.logger.error('second %s', 'x', { extra: true });
    logs.restore();
    expect(logs.records).toEqual([
      { level: 'debug', text: 'first 1', args: [1] },
      { level: 'error', text: "second x { extra: true }", args: ['x', { extra: true }] },
    ]);
    expect(a.lines).toEqual([]);
  });

  it('restores the sinks and levels', () => {
    const { logger, lines } = recordingLogger();
    const logs = captureLogs(logger);
    expect(logger.level).toBe('debug');
    logs.restore();
    expect(logger.level).toBe('info');
    logger.info('after');
    expect(lines).toEqual(['info:after']);
    expect(logs.records).toEqual([]);
  });

  it('tells whether a stack was logged (Tornado\'s ExpectLog.logged_stack)', () => {
    const { logger } = recordingLogger();
    const logs = captureLogs(logger);
    logger.error('no stack here: %s', 'text');
    expect(logs.loggedStack).toBe(false);
    logger.error('Uncaught exception', new Error('boom'));
    expect(logs.loggedStack).toBe(true);
    expect(logs.records[1].text).toMatch(/Uncaught exception Error: boom\n\s+at /);
    logs.restore();
  });
});
