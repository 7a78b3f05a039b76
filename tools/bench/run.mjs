#!/usr/bin/env node
// Runs benchmark suites and records each one's section in docs/benchmarks.md.
// Usage: node tools/bench/run.mjs [suite ...] [--samples N] [--duration ms] [--warmup ms]
//        [--connections N] [--no-build] [--no-write] [--cpu-prof DIR]
// Knobs may also come from the environment: SAMPLES, DURATION, WARMUP, CONNECTIONS.
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAll } from './lib/child.mjs';
import { runSuite } from './lib/harness.mjs';
import { describeMachine } from './lib/machine.mjs';
import { renderSection, writeSection } from './lib/report.mjs';

const SUITES_DIR = new URL('./suites/', import.meta.url);
const DOC = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
const USAGE = `usage: pnpm bench [suite ...] [--samples N] [--duration ms] [--warmup ms] [--connections N]
                  [--no-build] [--no-write] [--cpu-prof DIR]
suites: ${readdirSync(SUITES_DIR).join(', ')}`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    samples: { type: 'string', default: process.env.SAMPLES ?? '10' },
    duration: { type: 'string', default: process.env.DURATION ?? '2000' },
    warmup: { type: 'string', default: process.env.WARMUP ?? '2000' },
    connections: { type: 'string', default: process.env.CONNECTIONS ?? '32' },
    'no-build': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const params = {
  samples: positiveInteger('samples'),
  durationMs: positiveInteger('duration'),
  warmupMs: positiveInteger('warmup'),
  connections: positiveInteger('connections'),
  build: !values['no-build'],
  nodeFlags: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`] : [],
};
const names = positionals.length > 0 ? positionals : readdirSync(SUITES_DIR);
for (const name of names) {
  if (!existsSync(new URL(`${name}/suite.mjs`, SUITES_DIR))) fail(`unknown suite "${name}"\n${USAGE}`);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

const started = performance.now();
for (const name of names) {
  const { default: suite } = await import(new URL(`${name}/suite.mjs`, SUITES_DIR).href);
  const result = await runSuite(suite, params);
  const section = renderSection(suite, result, params, describeMachine());
  console.log(`\n${section}\n`);
  if (!values['no-write']) writeSection(DOC, suite.name, section);
}
console.error(`done in ${((performance.now() - started) / 1000).toFixed(0)} s${values['no-write'] ? '' : `; wrote ${DOC}`}`);

function positiveInteger(option) {
  const n = Number(values[option]);
  if (!Number.isInteger(n) || n < 1) fail(`--${option} (or ${option.toUpperCase()}) must be a positive integer, got "${values[option]}"`);
  return n;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}
