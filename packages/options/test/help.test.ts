import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OptionParser } from '@tornado-ts/options';

describe('help', () => {
  it('lists options sorted by name, ungrouped first, then each group by name', () => {
    const options = new OptionParser({ programName: 'server.js' })
      .define('port', z.int(), { default: 8888, help: 'port to listen on' })
      .define('debug', z.boolean(), { default: false, help: 'debug mode' })
      .define('db-host', z.string(), { group: 'database', help: 'database host', metavar: 'HOST' })
      .define('tags', z.string(), { multiple: true, default: ['a', 'b'], group: 'app' })
      .define('maxBodySize', z.int(), { group: 'app', help: 'largest body' });
    expect(options.helpText()).toBe(
      [
        'Usage: server.js [OPTIONS]',
        '',
        'Options:',
        '',
        '  --debug                          debug mode',
        '  --help                           show this help information',
        '  --port                           port to listen on (default 8888)',
        '',
        'app options:',
        '',
        '  --max-body-size                  largest body',
        '  --tags                           (default a,b)',
        '',
        'database options:',
        '',
        '  --db-host=HOST                   database host',
        '',
      ].join('\n'),
    );
  });

  it('wraps long help and puts a long flag on a line of its own', () => {
    const options = new OptionParser({ programName: 'x' }).define('a-rather-long-option-name-indeed', z.string(), {
      help: 'one two three four five six seven eight nine ten eleven twelve thirteen',
    });
    const lines = options.helpText().split('\n');
    const at = lines.indexOf('  --a-rather-long-option-name-indeed');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe(`${' '.repeat(34)} one two three four five six seven eight nine`);
    expect(lines[at + 2]).toBe(`${' '.repeat(34)} ten eleven twelve thirteen`);
  });

  it('writes to the given output, the parser output, or stderr', () => {
    const written: string[] = [];
    const options = new OptionParser({ programName: 'x', helpOutput: { write: (text: string) => written.push(`parser:${text}`) } });
    options.printHelp({ write: (text: string) => written.push(`given:${text}`) });
    options.printHelp();
    expect(written.map((text) => text.split(':')[0])).toEqual(['given', 'parser']);
    expect(written[0]).toContain('Usage: x [OPTIONS]');
  });

  it('does not exit for --help=false', () => {
    let exits = 0;
    const options = new OptionParser({ exit: () => exits++, helpOutput: { write: () => true } });
    options.parseCommandLine(['--help=false']);
    options.parseCommandLine(['--help']);
    expect(exits).toBe(1);
  });
});
