// The cookie secret kept in the data directory: made once with 32 random bytes, then read by every
// start and every worker, so sessions survive restarts and every worker verifies the same cookies.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The secret in `dataDir/cookie-secret`, created (readable by this user only) when missing. */
export async function loadCookieSecret(dataDir) {
  const path = join(dataDir, 'cookie-secret');
  try {
    await writeFile(path, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  const secret = (await readFile(path, 'utf8')).trim();
  if (secret.length < 16) throw new Error(`${path} holds no usable secret: delete it to make a new one`);
  return secret;
}
