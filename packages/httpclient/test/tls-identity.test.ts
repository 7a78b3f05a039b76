// The pool key of a connection's TLS identity: equal settings share connections, different ones
// never do, and PEM strings seen over a long life do not pile up.
import { describe, expect, it } from 'vitest';
import { type TLSSettings, tlsIdentity } from '../src/target';

const settings = (ca: string | undefined, clientCert?: string): TLSSettings => ({ validateCert: true, ca, clientKey: undefined, clientCert, tls: undefined });

describe('tlsIdentity', () => {
  it('is empty for the defaults and equal for the same PEM text, even as separate strings', () => {
    expect(tlsIdentity(settings(undefined))).toBe('');
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const copy = [...pem].join('');
    expect(tlsIdentity(settings(pem))).toBe(tlsIdentity(settings(copy)));
    expect(tlsIdentity(settings(pem))).not.toBe(tlsIdentity(settings(undefined, pem)));
    expect(tlsIdentity({ ...settings(undefined), validateCert: false })).not.toBe('');
  });

  it('never gives two different strings the same key, across more strings than it remembers', () => {
    const keys = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const pem = `-----BEGIN CERTIFICATE-----\n${i}\n-----END CERTIFICATE-----\n`;
      const key = tlsIdentity(settings(pem));
      // Asked again at once, the same string keeps its key (its pooled connections stay usable).
      expect(tlsIdentity(settings(pem))).toBe(key);
      expect(keys.has(key), `key ${key} given twice`).toBe(false);
      keys.set(key, pem);
    }
  });
});
