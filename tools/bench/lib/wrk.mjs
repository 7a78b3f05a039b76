// The second kind of load generator: wrk (Debian package `wrk`), for HTTP servers. A suite takes it
// with `load: 'wrk'`. Each sample is one wrk run of whole seconds with `--latency`, and its output
// is parsed: requests, elapsed time, latency p50/p99. A sample with any socket error or any non-2xx
// response is invalid (the harness then drops the peer). wrk's CPU time is that of the harness's
// waited-for children, read from /proc around the run. Before the first run, one GET checks that
// the server answers what the suite expects, twice on one keep-alive connection.
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { cpuTimeMs, exited, pinned, track } from './child.mjs';

const CHECK_TIMEOUT_MS = 5_000;

export class WrkLoad {
  #config;

  constructor(config) {
    this.#config = config;
  }

  /**
   * What the harness says about wrk: its version, or an Error saying how to install it.
   * (`wrk -v` prints its version and exits 1.)
   */
  static version() {
    const { stdout, error } = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
    const line = stdout?.split('\n')[0] ?? '';
    if (error || !line.startsWith('wrk ')) {
      throw new Error(`wrk is needed to load HTTP servers and was not found (${error?.message ?? line}): apt-get install wrk`);
    }
    return line.split(' ').slice(0, 2).join(' ');
  }

  /**
   * config: { host, port, connections, threads = 1, path = '/', cpu = null, expect }; `expect`
   * ({ status, headers, body }) is what one GET of `path` must answer before any load.
   */
  static async start(config) {
    await checkResponse(config);
    return new WrkLoad(config);
  }

  /** One wrk run of `ms` rounded to whole seconds; resolves to { ops, ms, cpuMs, latencyMs: { p50, p99 } }. */
  async sample(ms) {
    const { host, port, connections, threads = 1, path = '/', cpu = null } = this.#config;
    const seconds = Math.max(1, Math.round(ms / 1000));
    const url = `http://${host}:${port}${path}`;
    const argv = pinned(['wrk', `-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', url], cpu);
    const cpu0 = cpuTimeMs('self', { children: true });
    const child = track(spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text) => (output += text));
    await exited(child);
    const cpuMs = cpuTimeMs('self', { children: true }) - cpu0;
    if (child.exitCode !== 0) throw new Error(`${argv.join(' ')} exited with ${child.exitCode ?? child.signalCode}: ${output.trim()}`);
    return { ...parseWrk(output), cpuMs };
  }

  /** Nothing runs between samples; a wrk still running (when interrupted) is ended by its PID. */
  async stop() {}
}

/**
 * The figures of one wrk --latency report: { ops, ms, latencyMs: { p50, p99 } }, ms being the run
 * time wrk divided by (requests / Requests/sec). Throws when a request failed: socket errors
 * (connect, read, write, timeout) or responses with a status of 400 and above.
 */
export function parseWrk(output) {
  const match = (re, what) => {
    const found = output.match(re);
    if (!found) throw new Error(`wrk printed no ${what}:\n${output}`);
    return found;
  };
  // wrk prints these two lines only when they are not zero.
  const socketErrors = output.match(/Socket errors: (.*)/)?.[1];
  const badStatus = output.match(/Non-2xx or 3xx responses: (\d+)/)?.[1];
  const errors = [socketErrors && `socket errors: ${socketErrors}`, badStatus && `${badStatus} responses of status 400 or above`].filter(Boolean);
  if (errors.length > 0) throw new Error(`invalid sample, requests failed: ${errors.join('; ')}`);
  const ops = Number(match(/(\d+) requests in /, 'request count')[1]);
  const rate = Number(match(/Requests\/sec:\s+([\d.]+)/, 'Requests/sec')[1]);
  const percentile = (p) => {
    const [, value, unit] = match(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm'), `${p}% latency (--latency)`);
    return Number(value) * { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit];
  };
  return { ops, ms: (ops / rate) * 1000, latencyMs: { p50: percentile(50), p99: percentile(99) } };
}

/**
 * Fails unless two GETs of `path`, on one keep-alive HTTP/1.1 connection, each answer
 * `expect.status` with `expect.headers` (names in lower case, each value a string to equal or a
 * RegExp to match; other headers may come too) and the body `expect.body`, so that every peer is
 * measured doing the same work.
 */
async function checkResponse({ host, port, path = '/', expect }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const attempt of ['first', 'second']) {
      const { res, body, reused } = await get(agent, host, port, path);
      const wrong = [];
      if (res.httpVersion !== '1.1') wrong.push(`HTTP/${res.httpVersion}`);
      if (res.statusCode !== expect.status) wrong.push(`status ${res.statusCode}`);
      for (const [name, value] of Object.entries(expect.headers ?? {})) {
        const actual = res.headers[name];
        if (value instanceof RegExp ? !value.test(actual ?? '') : actual !== value) wrong.push(`${name}: ${actual ?? '(none)'}`);
      }
      if (body !== expect.body) wrong.push(`body ${JSON.stringify(body)}`);
      if (res.headers.connection?.toLowerCase() === 'close') wrong.push('Connection: close');
      if (attempt === 'second' && !reused) wrong.push('a new connection (no keep-alive)');
      if (wrong.length > 0) {
        throw new Error(`GET ${path} (${attempt} on the connection) answered ${wrong.join(', ')}; expected ${JSON.stringify(expect)}`);
      }
    }
  } finally {
    agent.destroy();
  }
}

function get(agent, host, port, path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, agent, timeout: CHECK_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (text) => (body += text));
      res.on('end', () => resolve({ res, body, reused: req.reusedSocket }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}
