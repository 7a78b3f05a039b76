// What a result was measured on: date, commit, Node, OS and CPUs.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** A one-line description of this run's machine and tree. */
export function describeMachine() {
  const cpus = os.cpus();
  return [
    new Date().toISOString().slice(0, 10),
    commit(),
    `Node ${process.version}`,
    `${os.platform()} ${os.arch()}`,
    `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'})`,
  ].join(', ');
}

function commit() {
  try {
    const git = (...args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    // The report file itself changes as each suite of a run writes its section: not a code change.
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)docs/benchmarks.md') !== '';
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'no git commit';
  }
}
