// A self-signed certificate for tests only (CN=localhost, SAN localhost, 127.0.0.1, ::1; EC P-256,
// valid until 2126), as Tornado ships tornado/test/test.key: never use it to protect anything.

/** PEM private key of the bundled testing certificate; public on purpose, for tests only. */
export const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgpFBRMOYyFEkQ1Y+g
melhN/+ybk5eputJ94xsnPEVMUOhRANCAAQ0EE8x41t0sFItUgGIXXUeRk9c0hzk
L9NgaLwT6t8vSs8JsFvyMXibqNlhaE+0kBtI9oE2lR3L4cxgzEoy8mLv
-----END PRIVATE KEY-----
`;

/** PEM self-signed certificate for localhost, 127.0.0.1 and ::1, valid until 2126. */
export const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIB6DCCAY6gAwIBAgIUTOF0Cd/3cnucQzClbE2+lhl9T+8wCgYIKoZIzj0EAwIw
MTESMBAGA1UEAwwJbG9jYWxob3N0MRswGQYDVQQKDBJ0b3JuYWRvLXRzIHRlc3Rp
bmcwIBcNMjYxMTIxMTAyOTA4WhgPMjEyNjEwMjgxMDI5MDhaMDExEjAQBgNVBAMM
CWxvY2FsaG9zdDEbMBkGA1UECgwSdG9ybmFkby10cyB0ZXN0aW5nMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAENBBPMeNbdLBSLVIBiF11HkZPXNIc5C/TYGi8E+rf
L0rPCbBb8jF4m6jZYWhPtJAbSPaBNpUdy+HMYMxKMvJi76OBgTB/MB0GA1UdDgQW
BBTJELzTt5IHAiJyX+0b/wHUhd3+pDAfBgNVHSMEGDAWgBTJELzTt5IHAiJyX+0b
/wHUhd3+pDAPBgNVHRMBAf8EBTADAQH/MCwGA1UdEQQlMCOCCWxvY2FsaG9zdIcE
fwAAAYcQAAAAAAAAAAAAAAAAAAAAATAKBggqhkjOPQQDAgNIADBFAiBfUoM7OSgl
6hHFA93Do5M9OTOsDAJVUlJ+gkeTgDZw6AIhAOs3TnhuAK12Uv2CTa3YED9d+VuR
du8E/wdNHsFOrJgK
-----END CERTIFICATE-----
`;

/**
 * TLS server options with the bundled self-signed certificate (Tornado's
 * `AsyncHTTPSTestCase.default_ssl_options`); what `startTestServer(app, { tls: true })` uses.
 */
export function defaultTlsOptions(): { key: string; cert: string } {
  return { key: TEST_TLS_KEY, cert: TEST_TLS_CERT };
}
