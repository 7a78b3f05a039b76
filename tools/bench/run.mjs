#!/usr/bin/env node
// Runs benchmark suites and records each one's section in docs/benchmarks.md.
// Usage: node tools/bench/run.mjs [suite ...] [--samples N] [--duration ms] [--warmup ms]
//        [--connections N] [--no-build] [--no-write] [--cpu-prof DIR]
// Knobs may also come from the environment: SAMPLES, DURATION, WARMUP, CONNECTIONS; a suite may
// set its own defaults for them (`defaults` in its suite.mjs).
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

// Defaults, which a suite's `defaults` may change for itself; the environment and flags win over both.
const DEFAULTS = { samples: 10, duration: 2000, warmup: 2000, connections: 32 };

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    samples: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
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
for (const option of Object.keys(DEFAULTS)) knob(option, {}); // a bad value fails before any suite runs

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
const failed = [];
for (const name of names) {
  const { default: suite } = await import(new URL(`${name}/suite.mjs`, SUITES_DIR).href);
  const params = {
    samples: knob('samples', suite),
    durationMs: knob('duration', suite),
    warmupMs: knob('warmup', suite),
    connections: knob('connections', suite),
    build: !values['no-build'],
    nodeFlags: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`] : [],
  };
  let result;
  try {
    result = await runSuite(suite, params);
  } catch (err) {
    // A missing tool or outputs that differ: say so, leave the suite's section as it was, go on.
    console.error(`${name}: ${err.message}`);
    failed.push(name);
    continue;
  }
  const section = renderSection(suite, result, params, describeMachine());
  console.log(`\n${section}\n`);
  if (!values['no-write']) writeSection(DOC, suite.name, section);
}
const wrote = names.length > failed.length && !values['no-write'] ? `; wrote ${DOC}` : '';
console.error(`done in ${((performance.now() - started) / 1000).toFixed(0)} s${wrote}${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}`);
if (failed.length > 0) process.exitCode = 1;

/** A knob's value for `suite`: its flag, else its environment variable, else the suite's default, else ours. */
function knob(option, suite) {
  const value = values[option] ?? process.env[option.toUpperCase()] ?? suite.defaults?.[option] ?? DEFAULTS[option];
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${option} (or ${option.toUpperCase()}) must be a positive integer, got "${value}"`);
  return n;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}
