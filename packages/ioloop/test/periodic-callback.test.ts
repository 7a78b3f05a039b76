import { afterEach, describe, expect, it, vi } from 'vitest';
import { IOLoop, PeriodicCallback, appLog, expectLog, sleep } from '@tornado-ts/ioloop';
import { nextPeriodicDeadline } from '../src/periodic-callback';
import { busy, captureLog, delay } from './helpers';

/**
 * Feeds a schedule: each call starts at the returned deadline and lasts `durations[i]` ms
 * (negative: the clock stepped back). Returns the run times, as Tornado's simulate_calls does.
 */
function simulate(period: number, durations: number[], jitter = 0, random: () => number = Math.random): number[] {
  const calls: number[] = [];
  let now = 1_000_000;
  let scheduled = now;
  for (const duration of durations) {
    scheduled = nextPeriodicDeadline(scheduled, now, period, jitter, random);
    calls.push(scheduled);
    now = scheduled + duration;
  }
  return calls;
}

/**
 * Records the deadlines PeriodicCallbacks ask the loop for. Unlike the times runs actually start,
 * these do not move when the machine is loaded, so spacing can be checked exactly.
 */
function trackDeadlines(): number[] {
  const deadlines: number[] = [];
  const original = IOLoop.prototype.callAt;
  vi.spyOn(IOLoop.prototype, 'callAt').mockImplementation(function (this: IOLoop, deadline, fn, ...args) {
    if (fn.name.startsWith('PeriodicCallback(')) deadlines.push(deadline);
    return original.call(this, deadline, fn, ...args);
  });
  return deadlines;
}

/** Gaps between consecutive deadlines, in periods (whole numbers when the schedule holds). */
function gapsInPeriods(deadlines: number[], period: number): number[] {
  return deadlines.slice(1).map((d, i) => Math.round(((d - deadlines[i]) / period) * 1000) / 1000);
}

const running: PeriodicCallback[] = [];

/** A started PeriodicCallback that is stopped after the test even if it fails. */
function startPeriodic(fn: () => unknown, ms: number, jitter?: number): PeriodicCallback {
  const pc = new PeriodicCallback(fn, ms, { jitter });
  running.push(pc);
  pc.start();
  return pc;
}

afterEach(() => {
  for (const pc of running.splice(0)) pc.stop();
  vi.restoreAllMocks();
});

describe('schedule math', () => {
  it('runs once per period when calls are quick', () => {
    expect(simulate(10_000, [0, 0, 0, 0, 0])).toEqual([1_010_000, 1_020_000, 1_030_000, 1_040_000, 1_050_000]);
  });

  it('skips whole periods after an overrun to get back on schedule', () => {
    const durations = [9, 9, 10, 11, 20, 20, 35, 35, 0, 0, 0].map((s) => s * 1000);
    expect(simulate(10_000, durations).map((t) => t / 1000)).toEqual([
      1010, 1020, 1030, // on schedule
      1050, 1070, // one period skipped each
      1100, 1130, // two skipped
      1170, 1210, // three skipped
      1220, 1230, // back on schedule
    ]);
  });

  it('still advances when the clock steps backwards', () => {
    expect(simulate(10_000, [-2000, -1000, -3000, -2000, 0])).toEqual([1_010_000, 1_020_000, 1_030_000, 1_040_000, 1_050_000]);
    expect(simulate(10_000, [-100_000, 0, 0])).toEqual([1_010_000, 1_020_000, 1_030_000]);
  });

  it('spreads each period by up to ±jitter/2', () => {
    const randoms = [0.5, 1, 0, 0.75];
    const random = () => randoms.shift() as number;
    expect(simulate(10_000, [0, 0, 0, 0], 0.5, random)).toEqual([1_010_000, 1_022_500, 1_030_000, 1_041_250]);
  });
});

describe('PeriodicCallback', () => {
  it('validates its period and jitter', () => {
    for (const ms of [0, -5, Number.NaN, Infinity]) expect(() => new PeriodicCallback(() => undefined, ms)).toThrow(RangeError);
    for (const jitter of [-0.1, 1.5, Number.NaN]) {
      expect(() => new PeriodicCallback(() => undefined, 10, { jitter })).toThrow(RangeError);
    }
    const pc = new PeriodicCallback(() => undefined, 25, { jitter: 0.2 });
    expect(pc.callbackTime).toBe(25);
    expect(pc.jitter).toBe(0.2);
    expect(pc.isRunning()).toBe(false);
  });

  it('calls a plain function every period until stopped', async () => {
    const loop = IOLoop.current();
    const times: number[] = [];
    const began = loop.time();
    await new Promise<void>((resolve) => {
      const pc = startPeriodic(() => {
        times.push(loop.time() - began);
        if (times.length === 3) {
          pc.stop();
          resolve();
        }
      }, 10);
      expect(pc.isRunning()).toBe(true);
    });
    await delay(30);
    expect(times).toHaveLength(3);
    expect(times[0]).toBeGreaterThanOrEqual(10);
    expect(times[2]).toBeGreaterThanOrEqual(30);
    expect(times[2]).toBeLessThan(500);
  });

  it('awaits an async function before scheduling the next run, so runs never overlap', async () => {
    const counts = [0, 0];
    const deadlines = trackDeadlines();
    await new Promise<void>((resolve) => {
      const pc = startPeriodic(async () => {
        counts[0]++;
        await sleep(25);
        counts[1]++;
        if (counts[1] === 3) {
          pc.stop();
          resolve();
        }
      }, 10);
    });
    await delay(40);
    expect(counts).toEqual([3, 3]);
    // Each run lasts over 25 ms, so the next one is scheduled on a later multiple of 10 ms: 3 or more periods on.
    expect(deadlines).toHaveLength(3);
    for (const gap of gapsInPeriods(deadlines, 10)) {
      expect(Number.isInteger(gap)).toBe(true);
      expect(gap).toBeGreaterThanOrEqual(3);
    }
  });

  it('skips the runs missed while a call blocked, instead of bursting', async () => {
    let calls = 0;
    const deadlines = trackDeadlines();
    startPeriodic(() => {
      if (++calls === 1) busy(35);
    }, 10);
    await delay(120);
    expect(calls).toBeGreaterThanOrEqual(2);
    // The first call ran 35 ms: the runs due 10, 20 and 30 ms after it are skipped, the next is 40 ms on.
    const gaps = gapsInPeriods(deadlines, 10);
    expect(gaps[0]).toBeGreaterThanOrEqual(4);
    expect(gaps.every((gap) => Number.isInteger(gap) && gap >= 1)).toBe(true);
    expect(calls).toBeLessThanOrEqual(10);
  });

  it('applies jitter around the period', async () => {
    const loop = IOLoop.current();
    // random() 0 and 1 are the two ends of the window: 20 ms * (1 ± 0.5 / 2).
    for (const [random, step] of [
      [0, 15],
      [1, 25],
    ] as const) {
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const deadlines = trackDeadlines();
      const began = loop.time();
      let calls = 0;
      await new Promise<void>((resolve) => {
        const pc = startPeriodic(() => {
          if (++calls === 4) {
            pc.stop();
            resolve();
          }
        }, 20, 0.5);
      });
      vi.restoreAllMocks();
      expect(deadlines[0] - began).toBeGreaterThanOrEqual(step);
      expect(deadlines[0] - began).toBeLessThan(step + 5);
      for (const gap of gapsInPeriods(deadlines, step)) {
        expect(Number.isInteger(gap)).toBe(true);
        expect(gap).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('logs errors, sync or async, and keeps running', async () => {
    let calls = 0;
    await expectLog(appLog, /Exception in callback flaky[\s\S]*(failure 1|failure 2)/, async () => {
      await new Promise<void>((resolve) => {
        const pc = startPeriodic(async function flaky() {
          calls++;
          if (calls === 1) throw new Error('failure 1');
          if (calls === 2) {
            await null;
            throw new Error('failure 2');
          }
          pc.stop();
          resolve();
        }, 5);
      });
    });
    expect(calls).toBe(3);
  });

  it('start() twice does not double the rate; stop() then start() resumes', async () => {
    let calls = 0;
    const deadlines = trackDeadlines();
    const pc = startPeriodic(() => calls++, 20);
    pc.start();
    await delay(110);
    pc.stop();
    // One schedule: every deadline a whole number of periods after the one before.
    expect(gapsInPeriods(deadlines, 20).every((gap) => Number.isInteger(gap) && gap >= 1)).toBe(true);
    expect(pc.isRunning()).toBe(false);
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThanOrEqual(6);
    const stoppedAt = calls;
    await delay(50);
    expect(calls).toBe(stoppedAt);
    pc.start();
    await delay(50);
    expect(calls).toBeGreaterThan(stoppedAt);
  });

  it('restarted while an async run is in flight schedules only one next run', async () => {
    let started = 0;
    let release!: () => void;
    const pc = startPeriodic(async () => {
      started++;
      if (started === 1) await new Promise<void>((resolve) => (release = resolve));
    }, 10);
    await delay(25);
    expect(started).toBe(1);
    pc.stop();
    pc.start();
    release();
    await delay(65);
    pc.stop();
    // One schedule from the restart: about one run per 10 ms, not two.
    expect(started).toBeGreaterThanOrEqual(3);
    expect(started).toBeLessThanOrEqual(8);
  });

  it('is named after its function in blocking warnings', async () => {
    const loop = IOLoop.current();
    loop.setBlockingLogThreshold(5);
    try {
      const records = await captureLog(appLog, async () => {
        await new Promise<void>((resolve) => {
          const pc = startPeriodic(function heavyTick() {
            busy(15);
            pc.stop();
            resolve();
          }, 5);
        });
      });
      expect(records.map((r) => r.text)).toEqual([expect.stringMatching(/by timeout PeriodicCallback\(heavyTick\)/)]);
    } finally {
      loop.setBlockingLogThreshold(null);
    }
  });
});
