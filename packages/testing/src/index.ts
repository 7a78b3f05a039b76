export {
  startTestServer,
  type TestServer,
  type TestServerTarget,
  type TestServerOptions,
  type TestServerCloseOptions,
  type TestFetchOptions,
} from './test-server';
export { bindUnusedPort, type UnusedPort } from './bind-unused-port';
export { captureLogs, type CapturedLogs, type CapturedRecord } from './log-capture';
export { asyncTest, getAsyncTestTimeout, DEFAULT_ASYNC_TEST_TIMEOUT, type AsyncTestOptions } from './async-test';
export { defaultTlsOptions, TEST_TLS_CERT, TEST_TLS_KEY } from './test-certificate';
// One implementation of Tornado's ExpectLog, in ioloop next to the loggers; re-exported here where tests look for it.
export { expectLog, type ExpectLogOptions } from '@tornado-ts/ioloop';
