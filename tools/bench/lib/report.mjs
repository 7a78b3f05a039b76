// A suite's result as a markdown section (also what is printed), and its place in docs/benchmarks.md
// between <!-- bench:NAME:start --> and <!-- bench:NAME:end -->; other sections are kept as they are.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The markdown section for `result` of `suite`, run with `params` on `machine`. */
export function renderSection(suite, result, params, machine) {
  const byName = new Map(result.peers.map((peer) => [peer.name, peer]));
  const baselines = suite.baselines.filter((name) => byName.has(name));
  // A suite with a load generator measures servers; one without, workers that load themselves.
  const cpuColumns = suite.load ? ['server CPU', 'server µs/op', 'load CPU'] : ['CPU', 'µs/op'];
  // Latency columns when the load generator measures it (wrk): the median of the samples' percentiles.
  // A tail percentile of one sample jumps tenfold when the host stalls during it, whichever peer
  // runs then; the median keeps a few such samples from deciding the figure (their mean is in the targets).
  const latency = result.peers.some((peer) => peer.latencyMs) ? ['p50', 'p99'] : [];
  const header = [
    'peer',
    `mean ${suite.unit}`,
    'stddev',
    'min – max',
    ...baselines.map((b) => `vs ${b}`),
    ...latency.map((p) => `${p} latency`),
    ...cpuColumns,
  ];
  const rows = result.peers.map(({ name, rate, cpu, usPerOp, loadCpu, latencyMs }) => [
    name,
    integer(rate.mean),
    `± ${integer(rate.stddev)} (${percent(rate.stddev / rate.mean, 1)})`,
    `${integer(rate.min)} – ${integer(rate.max)}`,
    ...baselines.map((b) => (b === name ? '—' : ratio(rate.mean / byName.get(b).rate.mean))),
    ...latency.map((p) => (latencyMs ? milliseconds(latencyMs[p].median) : 'n/a')),
    percent(cpu),
    Number.isNaN(usPerOp) ? 'n/a' : usPerOp.toFixed(2),
    ...(suite.load ? [percent(loadCpu)] : []),
  ]);
  const targets = suite.targets.map((target) => (target.atMost === undefined ? rateTarget(target, byName) : latencyTarget(target, byName)));
  return [
    `<!-- bench:${suite.name}:start -->`,
    `## ${suite.name}: ${suite.title}`,
    '',
    suite.about,
    '',
    `Measured ${machine}.`,
    `${suite.load ? `${params.connections} connections${loadSetup(suite, result)}, warm-up` : 'Warm-up'} ${params.warmupMs} ms per peer, then ${params.samples} samples of ${params.durationMs} ms per peer, interleaved.`,
    '',
    ...table(header, rows),
    '',
    'Targets:',
    ...targets,
    '',
    'Peers:',
    ...suite.peers.map(({ name, about }) => {
      const skipped = result.skipped.find((s) => s.name === name);
      const version = byName.get(name)?.version;
      return `- ${name}: ${about}${version ? ` (${version})` : ''}${skipped ? `. **Skipped**: ${skipped.reason}` : ''}`;
    }),
    `<!-- bench:${suite.name}:end -->`,
  ].join('\n');
}

/** A goal on the rate: `peer` ≥ `atLeast` × `baseline`, a peer or a list of them meaning the fastest of them that was measured. */
function rateTarget({ peer, baseline, atLeast }, byName) {
  const goal = `${peer} ≥ ${atLeast}× ${Array.isArray(baseline) ? `the fastest of ${baseline.join(', ')}` : baseline}`;
  const [fastest] = [baseline]
    .flat()
    .filter((name) => byName.has(name))
    .sort((a, b) => byName.get(b).rate.mean - byName.get(a).rate.mean);
  if (!byName.has(peer) || fastest === undefined) return `- ${goal}: not measured`;
  const measured = byName.get(peer).rate.mean / byName.get(fastest).rate.mean;
  const which = Array.isArray(baseline) ? ` (${fastest})` : '';
  return `- ${goal}: ${ratio(measured)}${which}, **${measured >= atLeast ? 'met' : 'missed'}**`;
}

/** A goal on a latency percentile (`latency`: 'p50' or 'p99'): `peer`'s ≤ `atMost` × `baseline`'s. */
function latencyTarget({ peer, baseline, latency, atMost }, byName) {
  const goal = `${peer} ${latency} latency ≤ ${atMost === 1 ? '' : `${atMost}× `}${baseline}'s`;
  const [mine, theirs] = [peer, baseline].map((name) => byName.get(name)?.latencyMs?.[latency]);
  if (mine === undefined || theirs === undefined) return `- ${goal}: not measured`;
  const measured = mine.median / theirs.median;
  const means = `means ${milliseconds(mine.mean)} vs ${milliseconds(theirs.mean)}`;
  return `- ${goal} (medians of the samples): ${milliseconds(mine.median)} vs ${milliseconds(theirs.median)} (${ratio(measured)}; ${means}), **${measured <= atMost ? 'met' : 'missed'}**`;
}

/** How wrk ran (its version and threads) and the cores the processes were pinned to; empty for a Node load module. */
function loadSetup(suite, result) {
  const parts = [];
  const threads = suite.loadOptions?.threads ?? 1;
  if (result.loadTool) parts.push(`from ${result.loadTool}, ${threads} thread${threads === 1 ? '' : 's'}`);
  if (suite.cpus) parts.push(`servers on core ${suite.cpus.server} and the load generator on core ${suite.cpus.load} (taskset)`);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** Replaces (or appends) the section of suite `name` in the markdown file `path`. */
export function writeSection(path, name, section) {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  const updated =
    from !== -1 && to !== -1
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, updated);
}

function table(header, rows) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

const integer = (n) => Math.round(n).toLocaleString('en-US');
const percent = (fraction, digits = 0) => (Number.isNaN(fraction) ? 'n/a' : `${(fraction * 100).toFixed(digits)}%`);
const ratio = (r) => `${r.toFixed(2)}×`;
const milliseconds = (ms) => `${ms.toPrecision(3)} ms`;
