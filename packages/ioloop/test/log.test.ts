import { afterEach, describe, expect, it, vi } from 'vitest';
import { Logger, accessLog, appLog, expectLog, formatLogRecord, genLog, setLogSink, type LogLevel, type LogSink } from '@tornado-ts/ioloop';

/** A sink that keeps `level message` lines. */
function memorySink(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: LogLevel) => (message: string, ...args: unknown[]) => {
    lines.push(`${level} ${[message, ...args.map(String)].join(' ')}`);
  };
  return { lines, debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

const LINE = /^\[([DIWE]) (\d{6}) (\d{2}):(\d{2}):(\d{2}) ([\w.]+)\] ([\s\S]*)$/;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('formatLogRecord', () => {
  it("uses Tornado's layout: level letter, yymmdd hh:mm:ss, logger name, message", () => {
    const line = formatLogRecord('tornado.application', 'error', 'foo', []);
    const match = LINE.exec(line);
    expect(match).not.toBeNull();
    const [, letter, date, , , , name, message] = match as RegExpExecArray;
    expect([letter, name, message]).toEqual(['E', 'tornado.application', 'foo']);
    const now = new Date();
    const yymmdd = `${String(now.getFullYear() % 100).padStart(2, '0')}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
    expect(date).toBe(yymmdd);
    expect(['debug', 'info', 'warn', 'error'].map((l) => formatLogRecord('x', l as LogLevel, 'm', [])[1])).toEqual(['D', 'I', 'W', 'E']);
  });

  it('interpolates printf-style arguments and appends the rest', () => {
    expect(LINE.exec(formatLogRecord('n', 'info', 'got %s in %d ms', ['GET /', 12]))?.[7]).toBe('got GET / in 12 ms');
    expect(LINE.exec(formatLogRecord('n', 'info', 'extra', ['a', 1]))?.[7]).toBe('extra a 1');
  });

  it('keeps non-ASCII text as it is', () => {
    expect(LINE.exec(formatLogRecord('n', 'error', '\u00e9 \u4e2d', []))?.[7]).toBe('\u00e9 \u4e2d');
  });

  it('prints an error argument with its stack on real lines', () => {
    const line = formatLogRecord('n', 'error', 'caught exception', [new Error('bad \u00e9')]);
    const message = LINE.exec(line)?.[7] ?? '';
    expect(message).toMatch(/^caught exception Error: bad \u00e9\n\s+at /);
    expect(message).not.toContain('\\n');
  });

  it('colors the prefix only when asked', () => {
    const plain = formatLogRecord('n', 'warn', 'careful', []);
    expect(plain).not.toContain('\x1b[');
    const colored = formatLogRecord('n', 'warn', 'careful', [], true);
    expect(colored).toMatch(/^\x1b\[33m\[W \d{6} [\d:]{8} n\]\x1b\[0m careful$/);
    expect(formatLogRecord('n', 'error', 'x', [], true).startsWith('\x1b[31m')).toBe(true);
  });
});

describe('Logger', () => {
  it('drops records below its level', () => {
    const sink = memorySink();
    const log = new Logger('test', { level: 'warn', sink });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e %s', 'x');
    expect(sink.lines).toEqual(['warn w', 'error e %s x']);
    expect(log.isEnabledFor('info')).toBe(false);
    expect(log.isEnabledFor('error')).toBe(true);
    log.level = 'debug';
    log.debug('now');
    expect(sink.lines.at(-1)).toBe('debug now');
  });

  it('defaults to info, or to TORNADO_LOG_LEVEL when set', () => {
    expect(new Logger('a', { sink: memorySink() }).level).toBe('info');
    vi.stubEnv('TORNADO_LOG_LEVEL', 'DEBUG');
    expect(new Logger('b', { sink: memorySink() }).level).toBe('debug');
    vi.stubEnv('TORNADO_LOG_LEVEL', 'chatty');
    expect(new Logger('c', { sink: memorySink() }).level).toBe('info');
  });

  it('swaps sinks, handing back the previous one', () => {
    const first = memorySink();
    const second = memorySink();
    const log = new Logger('swap', { sink: first });
    expect(log.sink).toBe(first);
    expect(log.setSink(second)).toBe(first);
    log.error('to second');
    expect(first.lines).toEqual([]);
    expect(second.lines).toEqual(['error to second']);
  });

  it('writes formatted lines to stderr by default, colored only on request', () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    vi.stubEnv('NO_COLOR', '1');
    new Logger('console.test').error('to stderr %d', 1);
    vi.stubEnv('NO_COLOR', undefined as unknown as string);
    vi.stubEnv('FORCE_COLOR', '1');
    new Logger('console.test').warn('colored');
    vi.restoreAllMocks();
    expect(writes[0]).toMatch(/^\[E \d{6} [\d:]{8} console\.test\] to stderr 1\n$/);
    expect(writes[1]).toMatch(/^\x1b\[33m\[W .*console\.test\]\x1b\[0m colored\n$/);
  });

  it('names the three built-in loggers as Tornado does, and setLogSink moves them all', () => {
    expect([appLog.name, genLog.name, accessLog.name]).toEqual(['tornado.application', 'tornado.general', 'tornado.access']);
    const sink = memorySink();
    const previous = [appLog.sink, genLog.sink, accessLog.sink];
    try {
      setLogSink(sink);
      appLog.error('a');
      genLog.warn('g');
      accessLog.info('200 GET /');
      expect(sink.lines).toEqual(['error a', 'warn g', 'info 200 GET /']);
    } finally {
      appLog.setSink(previous[0]);
      genLog.setSink(previous[1]);
      accessLog.setSink(previous[2]);
    }
  });
});

describe('expectLog', () => {
  it('swallows matching records, passes the others on, and returns what fn returned', async () => {
    const sink = memorySink();
    const log = new Logger('expect', { sink });
    const result = await expectLog(log, /expected/, () => {
      log.error('an expected failure');
      log.error('something else');
      return 7;
    });
    expect(result).toBe(7);
    expect(sink.lines).toEqual(['error something else']);
  });

  it('fails when nothing matched, unless not required', async () => {
    const log = new Logger('expect', { sink: memorySink() });
    await expect(expectLog(log, 'never logged', () => undefined)).rejects.toThrow(/expected a expect log record matching \/never logged\//);
    await expect(expectLog(log, 'never logged', () => 'fine', { required: false })).resolves.toBe('fine');
  });

  it('matches only the given level when asked', async () => {
    const sink = memorySink();
    const log = new Logger('expect', { sink });
    await expect(
      expectLog(log, /boom/, () => log.warn('boom as a warning'), { level: 'error' }),
    ).rejects.toThrow(/none was logged/);
    expect(sink.lines).toEqual(['warn boom as a warning']);
    await expectLog(log, /boom/, () => log.error('boom'), { level: 'error' });
  });

  it('sees debug records even when the logger is at info, without leaking them', async () => {
    const sink = memorySink();
    const log = new Logger('expect', { level: 'info', sink });
    await expectLog(log, /detail/, () => {
      log.debug('a detail');
      log.debug('unrelated debug');
    });
    expect(sink.lines).toEqual([]);
    expect(log.level).toBe('info');
  });

  it('restores the sink and level even when fn throws', async () => {
    const sink = memorySink();
    const log = new Logger('expect', { level: 'warn', sink });
    await expect(
      expectLog(log, /x/, () => {
        throw new Error('fn failed');
      }),
    ).rejects.toThrow('fn failed');
    expect(log.sink).toBe(sink);
    expect(log.level).toBe('warn');
  });

  it('matches the formatted text, and a /g pattern matches every record', async () => {
    const log = new Logger('expect', { sink: memorySink() });
    let count = 0;
    const counting: LogSink = { debug: () => count++, info: () => count++, warn: () => count++, error: () => count++ };
    log.setSink(counting);
    await expectLog(log, /code 42/g, () => {
      log.error('code %d', 42);
      log.error('code %d', 42);
    });
    expect(count).toBe(0);
  });

  it('nests: the inner capture takes its matches, the outer gets the rest', async () => {
    const sink = memorySink();
    const log = new Logger('expect', { sink });
    await expectLog(log, /outer/, async () => {
      await expectLog(log, /inner/, () => {
        log.error('inner record');
        log.error('outer record');
      });
    });
    expect(sink.lines).toEqual([]);
  });
});
