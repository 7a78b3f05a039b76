import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OptionParser, OptionsError, duration, parseDuration } from '@tornado-ts/options';

describe('values', () => {
  it('converts text for bigint, enum, union and coerce schemas', () => {
    const options = new OptionParser()
      .define('big', z.bigint())
      .define('mode', z.enum(['fast', 'safe']))
      .define('workers', z.union([z.int().positive(), z.literal('auto')]))
      .define('ratio', z.coerce.number());
    options.parseCommandLine(['--big=12345678901234567890', '--mode=safe', '--workers=auto', '--ratio=0.25']);
    expect([options.big, options.mode, options.workers, options.ratio]).toEqual([12345678901234567890n, 'safe', 'auto', 0.25]);
    options.parseCommandLine(['--workers=4']);
    expect(options.workers).toBe(4);
    expect(() => options.parseCommandLine(['--mode=slow'])).toThrow(/Invalid value "slow" for option '--mode'.*expected one of "fast"\|"safe"/);
    expect(() => options.parseCommandLine(['--workers=-1'])).toThrow(OptionsError);
    expect(() => options.parseCommandLine(['--big=1.5'])).toThrow(/expected an integer/);
  });

  it('rejects text that is no date', () => {
    const options = new OptionParser().define('since', z.date());
    expect(() => options.parseCommandLine(['--since=yesterday-ish'])).toThrow(/expected a date and time/);
    options.parseCommandLine(['--since=2020-01-02T03:04:05Z']);
    expect(options.since).toEqual(new Date(Date.UTC(2020, 0, 2, 3, 4, 5)));
  });

  it('uses the schema default, the settings default, or undefined', () => {
    const options = new OptionParser()
      .define('a', z.int().default(3))
      .define('b', z.int(), { default: 4 })
      .define('c', z.int())
      .define('d', z.string().optional())
      .define('e', z.int(), { multiple: true })
      .define('f', z.int(), { multiple: true, default: [1, 2] });
    expect(options.asDict()).toEqual({ help: false, a: 3, b: 4, c: undefined, d: undefined, e: [], f: [1, 2] });
  });

  it('checks the settings default against the schema when defining', () => {
    const options = new OptionParser();
    expect(() => options.define('port', z.int().min(1), { default: 0 })).toThrow(/Invalid value 0 for option 'port' \(default\)/);
    expect(() => options.define('ids', z.int(), { multiple: true, default: 5 as never })).toThrow(/expected an array/);
    expect(options.has('port')).toBe(false);
  });

  it('keeps what a transform makes of the value', () => {
    const options = new OptionParser().define('origin', z.url().transform((text) => new URL(text)));
    options.parseCommandLine(['--origin=https://example.com/x']);
    expect(options.origin).toBeInstanceOf(URL);
    expect(options.origin?.host).toBe('example.com');
  });

  it('joins several zod issues into one line', () => {
    const options = new OptionParser().define('code', z.string().min(5).regex(/^[A-Z]+$/));
    expect(() => options.parseCommandLine(['--code=ab'])).toThrow(
      `Invalid value "ab" for option '--code' (command line --code): Too small: expected string to have >=5 characters; Invalid string: must match pattern /^[A-Z]+$/`,
    );
  });

  it('checks each item of a multiple option set in code', () => {
    const options = new OptionParser().define('ids', z.int(), { multiple: true });
    options.ids = [1, 2];
    expect(options.ids).toEqual([1, 2]);
    expect(() => options.set('ids', [1, 'x'])).toThrow(/Invalid value "x" for option '--ids'/);
    expect(() => options.set('ids', 1)).toThrow(/expected an array/);
  });
});

describe('duration', () => {
  it.each([
    ['45s', 45_000],
    ['250', 250],
    ['250ms', 250],
    ['1.5 min', 90_000],
    ['1h 30m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['500us', 0.5],
    ['1 hour 2 seconds', 3_602_000],
    ['1e3ms', 1000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', ' ', '5 parsecs', '-5s', 's', '1h x', '1..2s', '5s'.repeat(600)])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('takes a number of milliseconds or text in a schema', () => {
    const schema = duration();
    expect(schema.parse(1500)).toBe(1500);
    expect(schema.parse('2s')).toBe(2000);
    expect(schema.safeParse(-1).success).toBe(false);
    expect(schema.safeParse('soon').success).toBe(false);
    const options = new OptionParser().define('timeout', duration(), { default: '30s' });
    expect(options.timeout).toBe(30_000);
    expect(() => options.parseCommandLine(['--timeout=soon'])).toThrow(/expected a duration such as 250ms/);
  });
});
