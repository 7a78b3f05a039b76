// parseHeaderBlock (the codec's one-pass header parser) against the reference it replaced: one
// HTTPHeaders.parseLine per line. Both must accept the same blocks with the same fields, and
// refuse the same blocks with the same error (class, message and status).
import { describe, expect, it } from 'vitest';
import { HTTPHeaders, HTTPInputError } from '../src';
import { parseHeaderBlock } from '../src/header-block';
import { MAX_HEADER_COUNT, accepted, rows } from './hostile-corpus';

/** The parser the codec used before: the block cut into lines at LF, then parseLine on each line. */
function reference(text: string, start: number, maxCount: number): HTTPHeaders {
  const headers = new HTTPHeaders();
  const lines = text.slice(start).split('\n');
  for (let i = 0; i < lines.length; i++) {
    // A CR right before the LF (or before the end of the text, for the last piece) ends the line too.
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line === '') return headers;
    if (i >= maxCount) throw new HTTPInputError(`Too many header fields (over ${maxCount})`, { status: 431 });
    headers.parseLine(line);
  }
  return headers;
}

type Outcome = { fields: [string, string][]; joined: Record<string, string | undefined> } | { error: string; message: string; status?: number };

function outcome(parse: () => HTTPHeaders): Outcome {
  try {
    const headers = parse();
    const joined: Record<string, string | undefined> = {};
    for (const name of headers.keys()) joined[name] = headers.get(name.toLowerCase());
    return { fields: [...headers], joined };
  } catch (error) {
    const e = error as Error & { status?: number };
    return { error: e.name, message: e.message, status: e.status };
  }
}

function expectSame(text: string, start: number, maxCount: number): Outcome {
  const expected = outcome(() => reference(text, start, maxCount));
  expect(outcome(() => parseHeaderBlock(text, start, maxCount)), JSON.stringify(text.slice(0, 300))).toEqual(expected);
  return expected;
}

/** Where the fields start: after the request line that follows any leading blank lines. */
function fieldsStart(text: string): number {
  let i = 0;
  while (text.startsWith('\r\n', i) || text[i] === '\n') i += text[i] === '\n' ? 1 : 2;
  return text.indexOf('\n', i) + 1;
}

describe('parseHeaderBlock agrees with parseLine', () => {
  const corpus = [...rows.map(([name, raw]) => [name, typeof raw === 'function' ? raw() : raw] as const), ...accepted.map(([name, raw]) => [name, raw] as const)];

  it.each(corpus)('corpus: %s', (_name, raw) => {
    const start = fieldsStart(raw);
    expectSame(raw, start, MAX_HEADER_COUNT);
    // Every start offset and a tight count limit too: any line can come first, any can be one too many.
    for (let s = 0; s < Math.min(raw.length, 400); s += 7) expectSame(raw, s, 3);
  });

  it('the documented cases', () => {
    const ok = expectSame('Host: x\r\nContent-Type: text/plain\r\nX-A: 1\r\nx-a: 2\r\n\r\nbody', 0, 100);
    expect(ok).toEqual({
      fields: [['Host', 'x'], ['Content-Type', 'text/plain'], ['X-A', '1'], ['X-A', '2']],
      joined: { Host: 'x', 'Content-Type': 'text/plain', 'X-A': '1,2' },
    });
    expect(expectSame('A: 1\nB: \t 2 \t\n\nC: 3', 0, 100)).toEqual({ fields: [['A', '1'], ['B', '2']], joined: { A: '1', B: '2' } });
    expect(expectSame('X-Sp:   \r\nX-E:\r\n', 0, 100)).toMatchObject({ fields: [['X-Sp', ''], ['X-E', '']] });
    expect(expectSame('T: \u00a0chunked\u0085\r\n', 0, 100)).toMatchObject({ fields: [['T', '\u00a0chunked\u0085']] });
    expect(expectSame('A: 1\r\nB: 2\r\n', 0, 1)).toMatchObject({ error: 'HTTPInputError', status: 431 });
    expect(expectSame(' A: 1\r\n', 0, 10)).toMatchObject({ message: expect.stringMatching(/obs-fold/) });
    expect(expectSame('A 1\r\nB: 2:\r\n', 0, 10)).toMatchObject({ message: 'No colon in header line' });
    expect(expectSame('A : 1\r\n', 0, 10)).toMatchObject({ message: 'Invalid header name "A "' });
    expect(expectSame(': 1\r\n', 0, 10)).toMatchObject({ message: 'Invalid header name ""' });
    expect(expectSame('\u00e9: 1\r\n', 0, 10)).toMatchObject({ error: 'HTTPInputError' });
    expect(expectSame('A: 1\r2\r\n', 0, 10)).toMatchObject({ message: 'Invalid header value "1\\r2"' });
    expect(expectSame('A: 1\r\r\n', 0, 10)).toMatchObject({ error: 'HTTPInputError' });
    expect(expectSame('A: 1\x7f\r\n', 0, 10)).toMatchObject({ error: 'HTTPInputError' });
    // No LF at the end: the last line is still a field, a CR before the end is stripped as before.
    expect(expectSame('A: 1\r\nB: 2\r', 0, 10)).toMatchObject({ fields: [['A', '1'], ['B', '2']] });
  });

  it('random header blocks', () => {
    // A small alphabet heavy in the characters that matter: separators, whitespace, controls, latin1.
    const alphabet = ['a', 'B', '-', '_', '~', '(', ':', ':', ' ', ' ', '\t', '\r', '\n', '\n', '\r\n', '\r\n', '\x00', '\x01', '\x0b', '\x7f', '\u00e9', '\u00a0', '\u0100', 'Host', 'content-length', 'X-A', ': ', ': v'];
    let seed = 12345;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    let accepted = 0;
    for (let round = 0; round < 20_000; round++) {
      let text = '';
      const length = random(40);
      for (let i = 0; i < length; i++) text += alphabet[random(alphabet.length)];
      const result = expectSame(text, random(3), 1 + random(6));
      if ('fields' in result && result.fields.length > 0) accepted++;
    }
    // Line-shaped blocks: mostly well-formed fields with one odd character here and there, so
    // acceptance and each refusal (name, value, fold, colon) are exercised, not only the first.
    const names = ['Host', 'Accept', 'x-custom-thing', 'COOKIE', 'If-None-Match', 'a', 'Te', "!#$%&'*+-.^_`|~09"];
    const odd = ['\x00', '\x01', '\x0b', '\r', '\x7f', '\x1f', ' ', '\t', '(', '\u00e9', '\u0100', ':'];
    const spoil = (s: string) => (random(8) === 0 ? s.slice(0, random(s.length + 1)) + odd[random(odd.length)] + s.slice(random(s.length + 1)) : s);
    for (let round = 0; round < 5_000; round++) {
      let text = '';
      const fields = random(12);
      for (let i = 0; i < fields; i++) {
        const value = ' \t'.slice(0, random(3)) + 'v\u00ff x'.repeat(random(3)) + (random(4) === 0 ? '\t \t' : '');
        text += `${spoil(names[random(names.length)])}${random(10) === 0 ? '' : ':'}${spoil(value)}${random(3) === 0 ? '\n' : '\r\n'}`;
      }
      const result = expectSame(`${text}\r\nbody`, 0, 8);
      if ('fields' in result && result.fields.length > 0) accepted++;
    }
    expect(accepted).toBeGreaterThan(1_000);
  });
});
