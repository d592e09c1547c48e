/**
 * Competition ranking ("1, 2, 2, 4").
 *
 * SCHEME.md, "Scoring: the formula" → Ranks: "by the rounded final, descending; people shown with the
 * same final share a rank (1, 2, 2, 4). Ranked overall, within category and within section." The
 * quarter roll-up ranks the same way by the quarter sum.
 *
 * rank(x) = 1 + number of items whose key is strictly greater than key(x). Input order never matters.
 */

/** Ranks aligned with `keys` by index: [10n, 30n, 30n, 5n] → [3, 1, 1, 4]. */
export function competitionRanks(keys: readonly bigint[]): number[] {
  const order = keys
    .map((_, i) => i)
    .sort((a, b) => {
      const ka = keys[a]!;
      const kb = keys[b]!;
      return ka > kb ? -1 : ka < kb ? 1 : 0;
    });
  const ranks = new Array<number>(keys.length);
  let prev: bigint | undefined;
  let prevRank = 0;
  order.forEach((idx, pos) => {
    const k = keys[idx]!;
    const r = prev !== undefined && k === prev ? prevRank : pos + 1;
    ranks[idx] = r;
    prev = k;
    prevRank = r;
  });
  return ranks;
}

/**
 * Competition rank of each item by `key`, descending. Items are Map keys, so they are matched by
 * identity (pass distinct objects).
 */
export function rankCompetition<T>(items: readonly T[], key: (t: T) => bigint): Map<T, number> {
  const ranks = competitionRanks(items.map(key));
  const out = new Map<T, number>();
  items.forEach((it, i) => {
    out.set(it, ranks[i]!);
  });
  return out;
}
