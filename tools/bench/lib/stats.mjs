// Summary statistics of a list of samples.

/** Mean, median, sample standard deviation, min and max of `values` (at least one). */
export function summarize(values) {
  const n = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = n > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1) : 0;
  const sorted = [...values].sort((a, b) => a - b);
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { n, mean, median, stddev: Math.sqrt(variance), min: sorted[0], max: sorted[n - 1] };
}
