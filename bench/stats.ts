/**
 * The median of some measurements (the upper middle one of an even count): every bench section
 * reports medians, so that one slow round on a shared machine does not move a figure.
 *
 * @param values - the measurements, in any order (not changed)
 * @returns the median
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
