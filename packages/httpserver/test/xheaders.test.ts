// Tornado's XHeaderTest, SSLXHeaderTest and ManualProtocolTest, plus the parsing rules of
// forwardedIp / forwardedProtocol on their own.
import { HTTPHeaders, type HTTPServerRequest } from '@tornado-ts/httputil';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardedIp, forwardedProtocol } from '../src/xheaders';
import { closeAll, connect, jsonCallback, readResponse, serve } from './helpers';

afterEach(closeAll);

const whoAmI = jsonCallback((request: HTTPServerRequest) => ({
  remoteIp: request.remoteIp,
  protocol: request.protocol,
  contextIp: request.context?.remoteIp,
}));

const none = new Set<string>();

describe('forwardedIp', () => {
  const peer = '127.0.0.1';
  const ip = (fields: Record<string, string>, trusted: ReadonlySet<string> = none) => forwardedIp(new HTTPHeaders(fields), peer, trusted);

  it('keeps the peer address without proxy headers', () => {
    expect(ip({})).toBe(peer);
  });

  it.each([
    [{ 'X-Real-Ip': '4.4.4.4' }, '4.4.4.4'],
    [{ 'X-Forwarded-For': '127.0.0.1, 4.4.4.4' }, '4.4.4.4'],
    [{ 'X-Real-Ip': '2620:0:1cfe:face:b00c::3' }, '2620:0:1cfe:face:b00c::3'],
    [{ 'X-Forwarded-For': '::1, 2620:0:1cfe:face:b00c::3' }, '2620:0:1cfe:face:b00c::3'],
    [{ 'X-Real-Ip': '4.4.4.4<script>' }, peer],
    [{ 'X-Forwarded-For': '4.4.4.4, 5.5.5.5<script>' }, peer],
    [{ 'X-Real-Ip': 'www.google.com' }, peer],
    [{ 'X-Forwarded-For': '' }, peer],
    [{ 'X-Forwarded-For': '1.2.3.4,' }, peer],
    // X-Real-Ip wins over X-Forwarded-For, even when it is invalid (as Tornado).
    [{ 'X-Real-Ip': '6.6.6.6', 'X-Forwarded-For': '4.4.4.4' }, '6.6.6.6'],
    [{ 'X-Real-Ip': 'bogus', 'X-Forwarded-For': '4.4.4.4' }, peer],
  ])('%o gives %s (Tornado test_ip_headers)', (fields, expected) => {
    expect(ip(fields)).toBe(expected);
  });

  it('trims SP and HTAB around each entry, nothing else', () => {
    expect(ip({ 'X-Forwarded-For': '1.1.1.1 ,\t 4.4.4.4 \t' })).toBe('4.4.4.4');
    expect(ip({ 'X-Forwarded-For': '1.1.1.1,4.4.4.4' })).toBe('4.4.4.4');
    expect(ip({ 'X-Forwarded-For': '1.1.1.1, \u00a04.4.4.4' })).toBe(peer);
    expect(ip({ 'X-Forwarded-For': '1.1.1.1, 4.4.4.4\u0085' })).toBe(peer);
    expect(ip({ 'X-Forwarded-For': '1.1.1.1, 4.4. 4.4' })).toBe(peer);
  });

  it('takes the right-most address not in trustedDownstream (Tornado test_trusted_downstream)', () => {
    const trusted = new Set(['5.5.5.5']);
    expect(ip({ 'X-Forwarded-For': '127.0.0.1, 4.4.4.4, 5.5.5.5' }, trusted)).toBe('4.4.4.4');
    expect(ip({ 'X-Forwarded-For': '127.0.0.1, 4.4.4.4, 5.5.5.5' })).toBe('5.5.5.5');
    expect(ip({ 'X-Forwarded-For': '3.3.3.3, 4.4.4.4, 5.5.5.5, 6.6.6.6' }, new Set(['5.5.5.5', '6.6.6.6']))).toBe('4.4.4.4');
    // A spoofed entry behind an untrusted hop is never reached.
    expect(ip({ 'X-Forwarded-For': '9.9.9.9, 4.4.4.4, 5.5.5.5' }, trusted)).toBe('4.4.4.4');
    // Every entry trusted: the left-most, as Tornado.
    expect(ip({ 'X-Forwarded-For': '5.5.5.5, 5.5.5.5' }, trusted)).toBe('5.5.5.5');
  });

  it('joins repeated X-Forwarded-For lines in order', () => {
    const headers = new HTTPHeaders();
    headers.add('X-Forwarded-For', '1.1.1.1');
    headers.add('X-Forwarded-For', '4.4.4.4, 5.5.5.5');
    expect(forwardedIp(headers, peer, new Set(['5.5.5.5']))).toBe('4.4.4.4');
  });

  it('falls back to null (a unix socket) when nothing valid is forwarded', () => {
    expect(forwardedIp(new HTTPHeaders({ 'X-Real-Ip': 'nope' }), null, none)).toBeNull();
    expect(forwardedIp(new HTTPHeaders({ 'X-Real-Ip': '10.0.0.7' }), null, none)).toBe('10.0.0.7');
  });
});

describe('forwardedProtocol', () => {
  const proto = (fields: Record<string, string>, fallback = 'http') => forwardedProtocol(new HTTPHeaders(fields), fallback);

  it.each([
    [{}, 'http'],
    [{ 'X-Scheme': 'https' }, 'https'],
    [{ 'X-Forwarded-Proto': 'https' }, 'https'],
    [{ 'X-Forwarded-Proto': 'https , http' }, 'http'],
    [{ 'X-Forwarded-Proto': 'http,https' }, 'https'],
    [{ 'X-Forwarded-Proto': 'unknown' }, 'http'],
    [{ 'X-Forwarded-Proto': 'HTTPS' }, 'https'],
    [{ 'X-Forwarded-Proto': '\u00a0https' }, 'http'],
    [{ 'X-Scheme': 'http', 'X-Forwarded-Proto': 'https' }, 'http'],
    [{ 'X-Scheme': 'ftp', 'X-Forwarded-Proto': 'https' }, 'http'],
  ])('%o gives %s (Tornado test_scheme_headers)', (fields, expected) => {
    expect(proto(fields)).toBe(expected);
  });

  it('keeps https when the proxy names no valid scheme (Tornado SSLXHeaderTest)', () => {
    expect(proto({}, 'https')).toBe('https');
    expect(proto({ 'X-Scheme': 'http' }, 'https')).toBe('http');
    expect(proto({ 'X-Scheme': 'unknown' }, 'https')).toBe('https');
  });
});

describe('HTTPServer with xheaders', () => {
  async function ask(port: number, fields: Record<string, string> = {}) {
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers: fields });
    expect(response.status).toBe(200);
    return (await response.json()) as { remoteIp: string; protocol: string };
  }

  it('rewrites remoteIp and protocol from the proxy headers', async () => {
    const server = await serve(whoAmI, { xheaders: true, trustedDownstream: ['5.5.5.5'] });
    expect(await ask(server.port)).toMatchObject({ remoteIp: '127.0.0.1', protocol: 'http' });
    expect(await ask(server.port, { 'X-Real-IP': '4.4.4.4' })).toMatchObject({ remoteIp: '4.4.4.4' });
    expect(await ask(server.port, { 'X-Forwarded-For': '127.0.0.1, 4.4.4.4, 5.5.5.5' })).toMatchObject({ remoteIp: '4.4.4.4' });
    expect(await ask(server.port, { 'X-Real-IP': '4.4.4.4<script>' })).toMatchObject({ remoteIp: '127.0.0.1' });
    expect(await ask(server.port, { 'X-Scheme': 'https' })).toMatchObject({ protocol: 'https' });
    expect(await ask(server.port, { 'X-Forwarded-Proto': 'https , http' })).toMatchObject({ protocol: 'http' });
  });

  it('ignores the proxy headers without xheaders', async () => {
    const server = await serve(whoAmI);
    expect(await ask(server.port, { 'X-Real-IP': '4.4.4.4', 'X-Scheme': 'https' })).toMatchObject({
      remoteIp: '127.0.0.1',
      protocol: 'http',
    });
  });

  it('does not leak one request\u2019s proxy headers into the next on a kept-alive connection', async () => {
    const server = await serve(whoAmI, { xheaders: true });
    const stream = await connect(server.port);
    await stream.write('GET / HTTP/1.1\r\nHost: a\r\nX-Real-Ip: 4.4.4.4\r\nX-Scheme: https\r\n\r\n');
    const first = JSON.parse((await readResponse(stream)).body.toString());
    await stream.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const second = JSON.parse((await readResponse(stream)).body.toString());
    expect(first).toEqual({ remoteIp: '4.4.4.4', protocol: 'https', contextIp: '4.4.4.4' });
    expect(second).toEqual({ remoteIp: '127.0.0.1', protocol: 'http', contextIp: '127.0.0.1' });
  });

  it('the protocol option forces request.protocol (Tornado ManualProtocolTest)', async () => {
    const server = await serve(whoAmI, { protocol: 'https' });
    expect(await ask(server.port)).toMatchObject({ protocol: 'https' });
  });
});
