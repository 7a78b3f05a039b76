// Runs one suite. Every peer's server runs in its own child process, loaded by its own load
// generator process (the suite's load module, same parameters for every peer). After a warm-up
// per peer, `samples` rounds measure each peer once, in an order that rotates per round, so drift
// in the machine's load falls on all peers alike.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build.mjs';
import { LoadProcess } from './load-process.mjs';
import { ServerProcess } from './server-process.mjs';
import { summarize } from './stats.mjs';

/**
 * Measures `suite`'s peers; params: { samples, durationMs, warmupMs, connections, build, nodeFlags }.
 * Resolves to { peers: [{ name, version, ...totals }], skipped: [{ name, reason }] } (see totals).
 */
export async function runSuite(suite, params) {
  const cwd = fileURLToPath(suite.dir);
  const { reasons, versions } = checkPeers(suite.peers, params);
  const skipped = suite.peers.filter((peer) => reasons.has(peer.name)).map(({ name }) => ({ name, reason: reasons.get(name) }));
  const runs = [];
  try {
    for (const peer of suite.peers.filter((p) => !reasons.has(p.name))) {
      const run = { peer, server: null, load: null, samples: [] };
      try {
        run.server = await ServerProcess.start(peer.command, { cwd, nodeFlags: params.nodeFlags });
        const config = { host: '127.0.0.1', port: run.server.port, connections: params.connections, ...suite.loadOptions };
        run.load = await LoadProcess.start(fileURLToPath(new URL(suite.load, suite.dir)), config);
        runs.push(run);
      } catch (err) {
        await run.server?.stop();
        skipped.push({ name: peer.name, reason: `did not start: ${err.message.split('\n')[0]}` });
      }
    }
    for (const run of runs) {
      log(`${suite.name}: warm-up ${run.peer.name}`);
      await measure(run, params.warmupMs);
    }
    for (let round = 0; round < params.samples; round++) {
      for (let i = 0; i < runs.length; i++) {
        const run = runs[(round + i) % runs.length];
        run.samples.push(await measure(run, params.durationMs));
      }
      log(`${suite.name}: round ${round + 1}/${params.samples}: ${runs.map(brief).join(', ')}`);
    }
  } finally {
    for (const run of runs) await run.load?.stop();
    for (const run of runs) await run.server.stop();
  }
  return { peers: runs.map(({ peer, samples }) => ({ name: peer.name, version: versions.get(peer.name), ...totals(samples) })), skipped };
}

/**
 * rate: operations per second per sample (mean, stddev, min, max); serverCpu, loadCpu: share of one
 * core used; serverUsPerOp: server CPU time per operation in µs, which other load on the machine
 * moves much less than it moves the rate.
 */
function totals(samples) {
  const sum = (key) => samples.reduce((total, sample) => total + sample[key], 0);
  return {
    rate: summarize(samples.map((s) => (s.ops * 1000) / s.ms)),
    serverCpu: sum('serverCpuMs') / sum('ms'),
    loadCpu: sum('loadCpuMs') / sum('ms'),
    serverUsPerOp: (sum('serverCpuMs') * 1000) / sum('ops'),
  };
}

/**
 * Checks each peer: its probe command must succeed (what it prints becomes the peer's `version`)
 * and its packages must be built. Returns { reasons: name -> why skipped, versions: name -> text }.
 */
function checkPeers(peers, params) {
  const reasons = new Map();
  const versions = new Map();
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

/** One sample: { ops, ms, serverCpuMs, loadCpuMs }. */
async function measure(run, ms) {
  const cpu0 = run.server.cpuMs();
  const { ops, ms: elapsed, cpuMs } = await run.load.sample(ms);
  return { ops, ms: elapsed, serverCpuMs: run.server.cpuMs() - cpu0, loadCpuMs: cpuMs };
}

function brief(run) {
  const { ops, ms } = run.samples.at(-1);
  return `${run.peer.name} ${Math.round((ops * 1000) / ms)}`;
}

function log(line) {
  process.stderr.write(`${line}\n`);
}
