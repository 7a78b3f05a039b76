import { STATUS_CODES } from 'node:http';
import { STATUS_REASONS, statusReason } from '@tornado-ts/httputil';
import { describe, expect, it } from 'vitest';

describe('status reasons', () => {
  it('knows the common codes', () => {
    expect(statusReason(200)).toBe('OK');
    expect(statusReason(404)).toBe('Not Found');
    expect(statusReason(413)).toBe('Content Too Large');
    expect(statusReason(431)).toBe('Request Header Fields Too Large');
    expect(STATUS_REASONS[500]).toBe('Internal Server Error');
  });

  it('answers Unknown for codes outside the table (and for inherited keys)', () => {
    expect(statusReason(599)).toBe('Unknown');
    expect(statusReason(0)).toBe('Unknown');
    expect(statusReason('constructor' as never)).toBe('Unknown');
  });

  it('covers every code node:http knows except the non-standard 509, and is frozen', () => {
    const missing = Object.keys(STATUS_CODES).filter((code) => !(code in STATUS_REASONS));
    expect(missing).toEqual(['509']);
    expect(Object.isFrozen(STATUS_REASONS)).toBe(true);
  });

  it('has phrases that are valid in a status line', () => {
    for (const reason of Object.values(STATUS_REASONS)) expect(reason).toMatch(/^[\x20-\x7e]+$/);
  });
});
