// Signed cookies for a handler (Tornado's set_signed_cookie / get_signed_cookie), on top of
// signed-value.ts, with the application's cookieSecret and keyVersion.

import type { CookieOptions } from './cookie-header';
import { MissingSettingError } from './errors';
import type { RequestHandler } from './request-handler';
import { createSignedValue, decodeSignedValue, getSignatureKeyVersion, type CookieSecret } from './signed-value';

/** Options of `setSignedCookie`: cookie attributes, plus the signed-value format version. */
export type SignedCookieOptions = CookieOptions & { expiresDays?: number; version?: 1 | 2 };
/** Options of `getSignedCookie`. */
export interface GetSignedCookieOptions {
  /** Refuse values signed longer ago than this many days (default 31). */
  maxAgeDays?: number;
  /** Refuse values of an older format than this (default 1). */
  minVersion?: 1 | 2;
}

function cookieSecret(handler: RequestHandler, feature: string): CookieSecret {
  const secret = handler.settings.cookieSecret;
  if (secret === undefined) {
    throw new MissingSettingError(`You must define the 'cookieSecret' setting in your application to use ${feature}`);
  }
  return secret;
}

/** Signs `value` for the cookie `name` with the application's secret (and `keyVersion`). */
export function signValue(handler: RequestHandler, name: string, value: string | Buffer, version?: 1 | 2): string {
  const secret = cookieSecret(handler, 'secure cookies');
  return createSignedValue(secret, name, value, { version, keyVersion: handler.settings.keyVersion });
}

/** The verified value of a signed cookie (or of `value` when given), or null. */
export function readSignedCookie(handler: RequestHandler, name: string, value?: string, options: GetSignedCookieOptions = {}): string | null {
  const secret = cookieSecret(handler, 'secure cookies');
  const signed = value ?? handler.getCookie(name);
  if (signed === undefined) return null;
  const decoded = decodeSignedValue(secret, name, signed, { maxAgeDays: options.maxAgeDays, minVersion: options.minVersion });
  return decoded === null ? null : decoded.toString('utf8');
}

/** The key version a signed cookie was signed with, or null when absent or unversioned. */
export function signedCookieKeyVersion(handler: RequestHandler, name: string, value?: string): number | null {
  cookieSecret(handler, 'secure cookies');
  const signed = value ?? handler.getCookie(name);
  return signed === undefined ? null : getSignatureKeyVersion(signed);
}
