// The bench report's arithmetic: summaries and how a latency target is judged.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs scripts without type declarations
import { renderSection } from '../bench/lib/report.mjs';
// @ts-expect-error plain .mjs scripts without type declarations
import { summarize } from '../bench/lib/stats.mjs';

describe('bench summaries', () => {
  it('gives the mean, the median (of an odd and an even count), the spread and the range', () => {
    expect(summarize([3, 1, 2])).toMatchObject({ n: 3, mean: 2, median: 2, min: 1, max: 3, stddev: 1 });
    expect(summarize([4, 1, 3, 2])).toMatchObject({ median: 2.5, min: 1, max: 4 });
    expect(summarize([7])).toMatchObject({ mean: 7, median: 7, stddev: 0 });
  });

  it('judges a p99 target on the medians of the samples, so one stalled sample does not decide it', () => {
    const suite = {
      name: 'demo',
      title: 'demo',
      about: 'about',
      unit: 'requests/s',
      load: 'wrk',
      baselines: ['base'],
      peers: [
        { name: 'mine', about: 'm' },
        { name: 'base', about: 'b' },
      ],
      targets: [{ peer: 'mine', baseline: 'base', latency: 'p99', atMost: 1 }],
    };
    const peer = (name: string, p99: number[]) => ({
      name,
      rate: summarize([100, 100]),
      cpu: 1,
      usPerOp: 10,
      loadCpu: 0.5,
      latencyMs: { p50: summarize(p99.map((v) => v / 2)), p99: summarize(p99) },
    });
    // Mine is faster in four samples of five; one sample stalled for 30 ms.
    const result = { peers: [peer('mine', [1, 1, 1, 1, 30]), peer('base', [2, 2, 2, 2, 2])], skipped: [] };
    const section: string = renderSection(suite, result, { connections: 50, warmupMs: 1, samples: 5, durationMs: 1 }, 'here');
    expect(section).toContain('mine p99 latency ≤ base\'s (medians of the samples): 1.00 ms vs 2.00 ms (0.50×; means 6.80 ms vs 2.00 ms), **met**');

    const worse = { peers: [peer('mine', [3, 3, 3, 1, 1]), peer('base', [2, 2, 2, 2, 2])], skipped: [] };
    expect(renderSection(suite, worse, { connections: 50, warmupMs: 1, samples: 5, durationMs: 1 }, 'here')).toContain('**missed**');
  });
});
