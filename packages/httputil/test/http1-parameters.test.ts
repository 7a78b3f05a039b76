import { HTTP1ConnectionParameters } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';
import { currentHttpDate } from '../src/date-header';

describe('HTTP1ConnectionParameters', () => {
  it('fills in the defaults', () => {
    const params = new HTTP1ConnectionParameters();
    expect({ ...params }).toEqual({
      noKeepAlive: false,
      chunkSize: 65536,
      maxHeaderSize: 65536,
      maxHeaderCount: 100,
      headerTimeout: null,
      maxBodySize: 100 * 1024 * 1024,
      bodyTimeout: null,
      decompress: false,
      idleConnectionTimeout: null,
    });
  });

  it('keeps given values and shares an instance as it is', () => {
    const params = new HTTP1ConnectionParameters({ noKeepAlive: true, chunkSize: 16, headerTimeout: 500, decompress: true });
    expect(params.chunkSize).toBe(16);
    expect(params.headerTimeout).toBe(500);
    expect(HTTP1ConnectionParameters.from(params)).toBe(params);
    expect(HTTP1ConnectionParameters.from({ maxBodySize: 10 }).maxBodySize).toBe(10);
    expect(HTTP1ConnectionParameters.from(null).maxBodySize).toBe(100 * 1024 * 1024);
  });

  it.each([
    [{ chunkSize: 0 }],
    [{ chunkSize: Number.NaN }],
    [{ maxHeaderSize: 1 }],
    [{ maxBodySize: -1 }],
    [{ headerTimeout: 0 }],
    [{ bodyTimeout: -5 }],
    [{ idleConnectionTimeout: Number.NaN }],
  ])('refuses %j', (options) => {
    expect(() => new HTTP1ConnectionParameters(options)).toThrow(RangeError);
  });
});

describe('currentHttpDate', () => {
  it('is an IMF-fixdate of now, the same string within a second', () => {
    const value = currentHttpDate();
    expect(value).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Math.abs(Date.parse(value) - Date.now())).toBeLessThan(2000);
    expect(currentHttpDate()).toBe(currentHttpDate());
  });
});
