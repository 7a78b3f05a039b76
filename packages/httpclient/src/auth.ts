/**
 * `Basic` credentials (RFC 7617): username and password normalised to NFC, joined by `:`, UTF-8,
 * base64. A colon in the username cannot be represented, so it is refused.
 * @throws {TypeError} when the username holds a colon.
 */
export function basicAuthorization(username: string, password: string): string {
  if (username.includes(':')) throw new TypeError('A username for basic authentication cannot contain ":"');
  return `Basic ${Buffer.from(`${username.normalize('NFC')}:${password.normalize('NFC')}`, 'utf8').toString('base64')}`;
}

/** The authorization for a mode and credentials. @throws {TypeError} for a mode other than basic. */
export function authorization(mode: string | undefined, username: string, password: string): string {
  if (mode !== undefined && mode !== 'basic') throw new TypeError(`Unsupported auth mode ${JSON.stringify(mode)}`);
  return basicAuthorization(username, password);
}
