// Error pages and error logging cases of Tornado's web_test.py that had no counterpart yet, in our
// words: the default error page for thrown errors and HTTPErrors of standard and unknown codes
// (ErrorResponseTest.test_default), writeError with and without an error at hand
// (ErrorResponseTest.test_write_error), a request summary without a remote address
// (RequestSummaryTest) and a percent sign in an invalid argument reaching the log intact
// (RequestEncodingTest.test_error).
// Not applicable: Python's exc_info triple (our writeError gets `details.error`, the error itself).
import { accessLog, appLog, genLog } from '@tornado-ts/ioloop';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Application, HTTPError, RequestHandler, type ErrorDetails, type RouteSpec } from '../src';
import { captureLogs, closeAll, startServer } from './helpers';

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs(accessLog, appLog, genLog);
});
afterEach(async () => {
  logs.restore();
  await closeAll();
});

async function serve(routes: RouteSpec[]) {
  return startServer(new Application(routes));
}

describe('error responses (ErrorResponseTest)', () => {
  it('the default page names the status: 500 for a thrown error, the HTTPError status otherwise, "Unknown" for an unknown code (test_default)', async () => {
    class DefaultHandler extends RequestHandler {
      get() {
        const status = this.getArgument('status', null);
        if (status !== null) throw new HTTPError(Number(status));
        throw new RangeError('division by zero');
      }
    }
    const { fetch } = await serve([['/default', DefaultHandler]]);
    let response = await fetch('/default');
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('500: Internal Server Error');
    expect(logs.records.some((r) => r.level === 'error' && r.text.startsWith('Uncaught exception GET /default'))).toBe(true);

    response = await fetch('/default?status=503');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('503: Service Unavailable');

    response = await fetch('/default?status=435');
    expect(response.status).toBe(435);
    expect(response.statusText).toBe('Unknown');
    expect(await response.text()).toContain('435: Unknown');
  });

  it('writeError sees the error when there was one, and only the status after sendError(code) (test_write_error)', async () => {
    class WriteErrorHandler extends RequestHandler {
      get() {
        const status = this.getArgument('status', null);
        if (status !== null) this.sendError(Number(status));
        else throw new RangeError('division by zero');
      }
      override writeError(statusCode: number, details: ErrorDetails = {}) {
        this.setHeader('Content-Type', 'text/plain');
        if (details.error !== undefined) this.write(`Exception: ${(details.error as Error).name}`);
        else this.write(`Status: ${statusCode}`);
      }
    }
    const { fetch } = await serve([['/write_error', WriteErrorHandler]]);
    let response = await fetch('/write_error');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Exception: RangeError');
    expect(logs.records.some((r) => r.level === 'error' && r.text.startsWith('Uncaught exception GET /write_error'))).toBe(true);

    response = await fetch('/write_error?status=503');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('Status: 503');
  });
});

describe('log lines', () => {
  it('a request without a remote address is still summarised and logged (RequestSummaryTest.test_missing_remote_ip)', async () => {
    class NoRemoteIp extends RequestHandler {
      get() {
        this.request.remoteIp = null;
        this.write(this.requestSummary());
      }
    }
    const { fetch } = await serve([['/', NoRemoteIp]]);
    const response = await fetch('/');
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^GET \/ \(\w+\)$/);
    expect(logs.records.some((r) => r.level === 'info' && /^200 GET \/ \(\w+\) /.test(r.text))).toBe(true);
  });

  it('a percent sign in an argument that is not UTF-8 reaches the log intact, with a 400 (RequestEncodingTest.test_error)', async () => {
    class Echo extends RequestHandler {
      get() {
        this.write({ arg: this.getArgument('arg') });
      }
    }
    const { fetch } = await serve([['/group/(.*)', Echo]]);
    const response = await fetch('/group/?arg=%25%e9');
    expect(response.status).toBe(400);
    const line = logs.records.find((r) => r.level === 'warn' && r.text.includes('Invalid unicode'));
    expect(line?.text).toBeDefined();
    // The URI and the offending value are data, not format strings: they are printed as sent.
    expect(line?.text).toContain('/group/?arg=%25%e9');
    expect(line?.text).toContain('%\u00e9');
    expect(line?.text).not.toMatch(/%[sdr]/);
  });
});
