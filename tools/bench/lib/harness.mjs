// Runs one suite. Every peer runs in its own child process: in a suite with a `load`, a server
// loaded by its own load generator with the same parameters for every peer (the suite's Node load
// module in its own process, or wrk, run once per sample: see wrk.mjs); in a suite without one, a
// work-loop worker that runs its operation itself (see work-loop.mjs) after the outputs of all
// workers were checked equal. A suite's `cpus` ({ server, load }) pins servers and the load
// generator to those cores. After a warm-up per peer, `samples` rounds measure each peer once, in
// an order that rotates per round, so drift in the machine's load falls on all peers alike. A peer
// whose sample fails (a server that died, wrk's failed requests) is dropped with the reason.
import { AssertionError, strictEqual } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build.mjs';
import { LoadProcess } from './load-process.mjs';
import { PeerProcess } from './peer-process.mjs';
import { summarize } from './stats.mjs';
import { WrkLoad } from './wrk.mjs';

/**
 * Measures `suite`'s peers; params: { samples, durationMs, warmupMs, connections, build, nodeFlags }.
 * Resolves to { peers: [{ name, version, ...totals }], skipped: [{ name, reason }], loadTool }
 * (see totals; loadTool names wrk's version, else it is null).
 * Rejects when a tool the suite needs is missing (saying how to install it), and, with a diff, when
 * a worker's output differs from the first worker's.
 */
export async function runSuite(suite, params) {
  const cwd = fileURLToPath(suite.dir);
  const loadTool = checkTools(suite);
  const { reasons, versions } = checkPeers(suite.peers, params);
  const skipped = suite.peers.filter((peer) => reasons.has(peer.name)).map(({ name }) => ({ name, reason: reasons.get(name) }));
  const runs = [];
  const live = () => runs.filter((run) => !run.failed);
  try {
    for (const peer of suite.peers.filter((p) => !reasons.has(p.name))) {
      const run = { peer, process: null, load: null, samples: [], failed: false };
      try {
        run.process = await PeerProcess.start(peer.command, { cwd, nodeFlags: params.nodeFlags, cpu: suite.cpus?.server });
        if (suite.load) run.load = await startLoad(suite, run.process.hello.port, params);
        runs.push(run);
      } catch (err) {
        await run.process?.stop();
        skipped.push({ name: peer.name, reason: `did not start: ${err.message.split('\n')[0]}` });
      }
    }
    checkOutputs(suite, runs);
    const sample = async (run, ms, when) => {
      try {
        return await measure(run, ms);
      } catch (err) {
        run.failed = true;
        skipped.push({ name: run.peer.name, reason: `dropped, ${when}: ${err.message.split('\n')[0]}` });
        log(`${suite.name}: ${run.peer.name} dropped, ${when}: ${err.message}`);
        await run.load?.stop();
        await run.process.stop();
        return null;
      }
    };
    for (const run of runs) {
      log(`${suite.name}: warm-up ${run.peer.name}`);
      await sample(run, params.warmupMs, 'in its warm-up');
    }
    for (let round = 0; round < params.samples; round++) {
      for (let i = 0; i < runs.length; i++) {
        const run = runs[(round + i) % runs.length];
        if (run.failed) continue;
        const result = await sample(run, params.durationMs, `in round ${round + 1}`);
        if (result) run.samples.push(result);
      }
      log(`${suite.name}: round ${round + 1}/${params.samples}: ${live().map(brief).join(', ')}`);
    }
  } finally {
    for (const run of live()) await run.load?.stop();
    for (const run of live()) await run.process.stop();
  }
  const peers = live().map(({ peer, samples }) => ({ name: peer.name, version: versions.get(peer.name), ...totals(samples) }));
  return { peers, skipped, loadTool };
}

/** The suite's load generator for the server on `port`: wrk, or its Node load module in its own process. */
function startLoad(suite, port, params) {
  const config = { host: '127.0.0.1', port, connections: params.connections, cpu: suite.cpus?.load, ...suite.loadOptions };
  if (suite.load === 'wrk') return WrkLoad.start(config);
  return LoadProcess.start(fileURLToPath(new URL(suite.load, suite.dir)), config);
}

/**
 * Checks the tools outside Node that the suite needs: wrk for `load: 'wrk'`, taskset (and enough
 * cores) for `cpus`. Throws saying how to install what is missing; returns wrk's version, or null.
 */
function checkTools(suite) {
  if (suite.cpus) {
    const { status, error } = spawnSync('taskset', ['-V'], { encoding: 'utf8' });
    if (status !== 0) {
      throw new Error(`taskset is needed to pin processes to cores and was not found (${error?.message ?? `exit ${status}`}): apt-get install util-linux`);
    }
    const highest = Math.max(...Object.values(suite.cpus));
    const cores = availableParallelism();
    if (highest >= cores) throw new Error(`the suite pins a process to core ${highest}, and this machine has ${cores} cores`);
  }
  return suite.load === 'wrk' ? WrkLoad.version() : null;
}

/**
 * rate: operations per second per sample (mean, stddev, min, max); cpu (the peer's process: server
 * or worker), loadCpu (the load generator's; NaN without one): share of one core used; usPerOp: the
 * peer's CPU time per operation in µs, which other load on the machine moves much less than it
 * moves the rate; latencyMs: { p50, p99 } over the samples' percentiles (summaries), when the load
 * generator measures latency (wrk), else null.
 */
function totals(samples) {
  const sum = (key) => samples.reduce((total, sample) => total + sample[key], 0);
  const latency = (p) => summarize(samples.map((s) => s.latencyMs[p]));
  return {
    rate: summarize(samples.map((s) => (s.ops * 1000) / s.ms)),
    cpu: sum('cpuMs') / sum('ms'),
    loadCpu: sum('loadCpuMs') / sum('ms'),
    usPerOp: (sum('cpuMs') * 1000) / sum('ops'),
    latencyMs: samples[0]?.latencyMs ? { p50: latency('p50'), p99: latency('p99') } : null,
  };
}

/**
 * Workers print what their operation returns; every one must equal the first worker's after
 * `suite.normalizeOutput` (if any), else the suite fails with a diff of the two.
 */
function checkOutputs(suite, runs) {
  const workers = runs.filter((run) => typeof run.process.hello.output === 'string');
  const normalize = suite.normalizeOutput ?? ((output) => output);
  const [reference, ...others] = workers.map((run) => ({ name: run.peer.name, output: normalize(run.process.hello.output) }));
  for (const { name, output } of others) {
    try {
      strictEqual(output, reference.output);
    } catch (err) {
      if (!(err instanceof AssertionError)) throw err;
      throw new Error(`${suite.name}: the output of ${name} (+) differs from that of ${reference.name} (-):\n${err.message}`);
    }
  }
  if (others.length > 0) log(`${suite.name}: the outputs of ${workers.length} peers are equal`);
}

/**
 * Checks each peer: its probe command must succeed (what it prints becomes the peer's `version`),
 * its npm packages must be installed (their versions become its `version`) and its workspace
 * packages must be built. Returns { reasons: name -> why skipped, versions: name -> text }.
 */
function checkPeers(peers, params) {
  const reasons = new Map();
  const versions = new Map();
  for (const peer of peers.filter((p) => p.npm)) {
    try {
      versions.set(peer.name, peer.npm.map(npmVersion).join(', '));
    } catch {
      reasons.set(peer.name, `${peer.npm.join(', ')} not installed in tools/bench; run \`pnpm install\``);
    }
  }
  for (const peer of peers.filter((p) => p.probe)) {
    const [command, ...args] = peer.probe;
    const { status, stdout, stderr, error } = spawnSync(command, args, { encoding: 'utf8' });
    if (status === 0) versions.set(peer.name, stdout.trim());
    else reasons.set(peer.name, `\`${peer.probe.join(' ')}\` failed: ${error?.message ?? stderr.trim().split('\n').at(-1)}`);
  }
  const needed = [...new Set(peers.filter((p) => !reasons.has(p.name)).flatMap((p) => p.packages ?? []))];
  const builds = ensureBuilt(needed, { build: params.build });
  for (const peer of peers.filter((p) => !reasons.has(p.name))) {
    const reason = (peer.packages ?? []).map((name) => builds.get(name)).find(Boolean);
    if (reason) reasons.set(peer.name, reason);
  }
  return { reasons, versions };
}

/** `name version` of an npm package this package depends on (linked in its node_modules/). */
function npmVersion(name) {
  const { version } = JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8'));
  return `${name} ${version}`;
}

/** One sample: { ops, ms, cpuMs, loadCpuMs, latencyMs }, from the load generator or else from the worker itself. */
async function measure(run, ms) {
  const cpu0 = run.process.cpuMs();
  const { ops, ms: elapsed, cpuMs = Number.NaN, latencyMs = null } = await (run.load ?? run.process).sample(ms);
  return { ops, ms: elapsed, cpuMs: run.process.cpuMs() - cpu0, loadCpuMs: cpuMs, latencyMs };
}

function brief(run) {
  const { ops, ms } = run.samples.at(-1);
  return `${run.peer.name} ${Math.round((ops * 1000) / ms)}`;
}

function log(line) {
  process.stderr.write(`${line}\n`);
}
