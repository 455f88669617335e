// The nearest-rank percentile the benchmarks print (p in 0–100); NaN when there is nothing to rank.
// In bench/lib/ so bench/run.mjs does not run it as a benchmark.
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
