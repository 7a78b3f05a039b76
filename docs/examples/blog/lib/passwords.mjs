// Password hashing with node:crypto's scrypt: no native module, nothing to build.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt);
const KEY_LENGTH = 32;
// N=2^14, r=8, p=1: Node's defaults, about 16 MiB and a few tens of ms per hash.
const PARAMS = { N: 16384, r: 8, p: 1 };

/** Hashes `password` with a fresh salt; the result names its parameters so they can change later. */
export async function hashPassword(password) {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFC'), salt, KEY_LENGTH, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when `password` matches `stored` (a `hashPassword` result); false for anything malformed. */
export async function verifyPassword(password, stored) {
  const parts = typeof stored === 'string' ? stored.split('$') : [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (![N, r, p].every(Number.isSafeInteger) || expected.length !== KEY_LENGTH) return false;
  const key = await scryptAsync(password.normalize('NFC'), salt, KEY_LENGTH, { N, r, p });
  return timingSafeEqual(key, expected);
}
