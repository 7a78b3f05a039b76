// The README's example, as written there (so the documentation cannot drift from what works).
import { Application, RequestHandler } from '@tornado-ts/web';
import { accessLog, appLog } from '@tornado-ts/ioloop';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { captureLogs, expectLog, startTestServer, type TestServer } from '../src/index';

class Hello extends RequestHandler {
  get() {
    this.write({ hello: this.getArgument('name', 'world') });
  }
}
class Broken extends RequestHandler {
  get() {
    throw new Error('boom');
  }
}

let server: TestServer;
let access: ReturnType<typeof captureLogs>;
beforeEach(async () => {
  access = captureLogs(accessLog);
  server = await startTestServer(new Application([['/', Hello], ['/broken', Broken]]));
});
afterEach(async () => {
  await server.close();
  access.restore();
});

it('greets', async () => {
  const response = await server.fetch('/?name=tornado');
  expect(response.code).toBe(200);
  expect(response.json()).toEqual({ hello: 'tornado' });
});

it('answers 500 and logs the error', async () => {
  const response = await expectLog(appLog, /Uncaught exception/, () => server.fetch('/broken'));
  expect(response.code).toBe(500);
});
