/**
 * @module `computeProbability(n)` of kube-proxy: `fmt.Sprintf("%0.10f", 1.0/float64(n))`, Go's
 * correctly rounded 10 decimals (ties to even on the exact binary value, where JavaScript's
 * toFixed rounds ties up), cached like upstream's precomputed table.
 */
const cache = new Map<number, string>();

/** Go's `%0.10f` of 1/n. */
export function probability(n: number): string {
  let text = cache.get(n);
  if (text === undefined) {
    text = formatTenDecimals(1 / n);
    if (cache.size < 1001) cache.set(n, text);
  }
  return text;
}

/** `%0.10f` for a value in [0, 1]. */
export function formatTenDecimals(x: number): string {
  const fixed = x.toFixed(10);
  // An exact tie shows as ...5 followed by zeros in the long expansion; toFixed rounded it up.
  const long = x.toFixed(30);
  const rest = long.slice(long.indexOf('.') + 11);
  if (!/^50*$/.test(rest)) return fixed;
  const lastKept = Number(long[long.indexOf('.') + 10]);
  if (lastKept % 2 === 1) return fixed; // rounding up reaches the even digit
  return long.slice(0, long.indexOf('.') + 11);
}
