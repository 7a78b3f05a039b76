// Summary statistics of a list of samples.

/** Mean, sample standard deviation, min and max of `values` (at least one). */
export function summarize(values) {
  const n = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = n > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, stddev: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}
