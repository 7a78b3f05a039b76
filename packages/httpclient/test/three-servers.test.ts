// Wire interoperability: Tornado's common client cases against our HTTPServer, node:http and
// Python Tornado's HTTPServer (python3-tornado must be installed: CI installs it).
import { describe, expect, it } from 'vitest';
import { runClientSuite } from './httpclient.suite';
import { startNodeServer, startOurServer, startTornadoServer, tornadoUnavailable } from './servers';

runClientSuite('our HTTPServer', startOurServer);
runClientSuite('node:http', startNodeServer);

describe('Python Tornado', () => {
  it('is installed (python3-tornado)', () => {
    expect(tornadoUnavailable(), 'install python3-tornado: apt-get install python3-tornado').toBeNull();
  });
});
runClientSuite('Python Tornado HTTPServer', startTornadoServer);
