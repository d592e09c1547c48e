/**
 * Competition ranking ("1, 2, 2, 4").
 *
 * SCHEME.md, "Scoring: the formula" → Ranks: "by the rounded final, descending; people shown with the
 * same final share a rank (1, 2, 2, 4). Ranked overall, within category and within section." The
 * quarter roll-up ranks the same way by the quarter sum.
 *
 * rank(x) = 1 + number of items whose key is strictly greater than key(x). Input order never matters.
 */

import type { RankPlace } from "./types.js";

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

/**
 * Competition ranks of `keys` (descending) within buckets, for several bucketings at once: `scopes[s](i)`
 * names item i's bucket in scope s, or null when i is not ranked in it. Returns, per scope, each item's
 * place, aligned with `keys` by index. Within a bucket the ranks are those of competitionRanks over its
 * keys. The keys are sorted once for every scope (as numbers when all of them are safe integers, which
 * compares several times faster than bigints); each scope is then one pass in that order.
 */
export function competitionPlaces(
  keys: readonly bigint[],
  scopes: readonly ((i: number) => string | null)[],
): RankPlace[][] {
  const n = keys.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (keys.every((k) => k <= limit && k >= -limit)) {
    const num = Float64Array.from(keys, (k) => Number(k));
    order.sort((a, b) => num[b]! - num[a]!);
  } else {
    order.sort((a, b) => {
      const ka = keys[a]!;
      const kb = keys[b]!;
      return ka > kb ? -1 : ka < kb ? 1 : 0;
    });
  }
  return scopes.map((bucketOf) => {
    const places: RankPlace[] = new Array(n);
    // each bucket's items in descending key order
    const buckets = new Map<string, number[]>();
    for (const i of order) {
      const b = bucketOf(i);
      if (b === null) {
        places[i] = { rank: null, of: 0, sharedBy: 0 };
        continue;
      }
      let list = buckets.get(b);
      if (!list) {
        list = [];
        buckets.set(b, list);
      }
      list.push(i);
    }
    for (const list of buckets.values()) {
      // ties are consecutive: each run of equal keys shares the rank of its first position
      for (let start = 0; start < list.length; ) {
        const k = keys[list[start]!]!;
        let end = start + 1;
        while (end < list.length && keys[list[end]!]! === k) end++;
        for (let j = start; j < end; j++)
          places[list[j]!] = { rank: start + 1, of: list.length, sharedBy: end - start };
        start = end;
      }
    }
    return places;
  });
}
