/** Competition ranking (SCHEME.md "Scoring: the formula" → Ranks: 1, 2, 2, 4; overall, category, section). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  competitionPlaces,
  competitionRanks,
  computeMonth,
  rankCompetition,
} from "../../src/scoring/index.js";
import { CATEGORIES, person, pts } from "./fixtures.js";

describe("rankCompetition", () => {
  it("1, 2, 2, 4 by descending key", () => {
    const items = [{ k: 50n }, { k: 90n }, { k: 70n }, { k: 70n }];
    const ranks = rankCompetition(items, (x) => x.k);
    expect(items.map((i) => ranks.get(i))).toEqual([4, 1, 2, 2]);
  });

  it("all equal share rank 1; empty is empty", () => {
    expect(competitionRanks([5n, 5n, 5n])).toEqual([1, 1, 1]);
    expect(competitionRanks([])).toEqual([]);
    expect(competitionRanks([1n, 2n, 2n, 2n, 0n])).toEqual([4, 1, 1, 1, 5]);
  });
});

describe("competitionPlaces", () => {
  it("ranks within buckets, with the bucket's size and the tie's size; null is not ranked", () => {
    const keys = [10n, 30n, 30n, 5n, 30n];
    const [all, parity] = competitionPlaces(keys, [() => "", (i) => (i === 3 ? null : String(i % 2))]);
    expect(all!.map((p) => [p.rank, p.of, p.sharedBy])).toEqual([
      [4, 5, 1],
      [1, 5, 3],
      [1, 5, 3],
      [5, 5, 1],
      [1, 5, 3],
    ]);
    // bucket "0": items 0, 2, 4 (10, 30, 30); bucket "1": item 1 (30); item 3 not ranked
    expect(parity!.map((p) => [p.rank, p.of, p.sharedBy])).toEqual([
      [3, 3, 1],
      [1, 1, 1],
      [1, 3, 2],
      [null, 0, 0],
      [1, 3, 2],
    ]);
  });

  it("equals competitionRanks over each bucket, for safe and unsafe (bigint-only) keys alike", () => {
    const key = fc.oneof(
      fc.bigInt({ min: -5n, max: 5n }),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
      fc.constantFrom(BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER) + 1n, 2n ** 53n + 2n),
    );
    const item = fc.record({ key, bucket: fc.option(fc.constantFrom("a", "b", "c"), { nil: null }) });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (items) => {
        const keys = items.map((x) => x.key);
        const [places] = competitionPlaces(keys, [(i) => items[i]!.bucket]);
        items.forEach((x, i) => {
          const p = places![i]!;
          if (x.bucket === null) {
            expect(p).toEqual({ rank: null, of: 0, sharedBy: 0 });
            return;
          }
          const mates = items.map((y, j) => [y, j] as const).filter(([y]) => y.bucket === x.bucket);
          const ranks = competitionRanks(mates.map(([y]) => y.key));
          const at = mates.findIndex(([, j]) => j === i);
          expect(p).toEqual({
            rank: ranks[at],
            of: mates.length,
            sharedBy: mates.filter(([y]) => y.key === x.key).length,
          });
        });
      }),
    );
  });
});

describe("computeMonth ranks", () => {
  // SERVICE 0.4/0.6, quality 100 → final = 40 + 0.6 × quantity (+ discretionary).
  const r = computeMonth({
    month: "2024-11",
    categories: CATEGORIES,
    people: [
      person("s1", { name: "Zhao", category: "SERVICE", section: "hall", raw: pts(100) }), // 100
      person("s2", {
        name: "Qian",
        category: "SERVICE",
        section: "hall",
        raw: pts(50),
        discretionary: 1500n,
      }), // 40+30+15 = 85
      person("s3", { name: "Sun", category: "SERVICE", section: "hall", raw: pts(75), discretionary: 0n }), // 40+45 = 85
      person("s4", { name: "Li", category: "SERVICE", section: null, raw: pts(50) }), // 70
      // ASSESS 0.6/0.4: final = 60 + 0.4 × quantity
      person("a1", { name: "Zhou", category: "ASSESS", section: "eval", raw: pts(10) }), // 100
      person("a2", { name: "Wu", category: "ASSESS", section: "eval", raw: pts(5), discretionary: 500n }), // 60+20+5 = 85
      person("a3", { name: "Zheng", category: "ASSESS", section: "hall", raw: 0n }), // 60
    ],
  });
  const get = (id: string) => r.people.find((p) => p.personId === id)!;

  it("finals as designed", () => {
    expect(["s1", "s2", "s3", "s4", "a1", "a2", "a3"].map((id) => get(id).display.final)).toEqual([
      "100.00",
      "85.00",
      "85.00",
      "70.00",
      "100.00",
      "85.00",
      "60.00",
    ]);
  });

  it("overall: 1, 1, 3, 3, 3, 6, 7", () => {
    expect(r.people.map((p) => [p.personId, p.rankOverall])).toEqual([
      ["s1", 1], // Zhao
      ["a1", 1], // Zhou — ties listed by name
      ["s2", 3], // Qian
      ["s3", 3], // Sun
      ["a2", 3], // Wu
      ["s4", 6],
      ["a3", 7],
    ]);
  });

  it("within category", () => {
    expect(["s1", "s2", "s3", "s4"].map((id) => get(id).rankCategory)).toEqual([1, 2, 2, 4]);
    expect(["a1", "a2", "a3"].map((id) => get(id).rankCategory)).toEqual([1, 2, 3]);
  });

  it("within section; null without a section", () => {
    // hall: s1 100, s2 85, s3 85, a3 60
    expect(["s1", "s2", "s3", "a3"].map((id) => get(id).rankSection)).toEqual([1, 2, 2, 4]);
    expect(["a1", "a2"].map((id) => get(id).rankSection)).toEqual([1, 2]);
    expect(get("s4").rankSection).toBeNull();
  });

  it("rank steps carry scope, size and ties", () => {
    expect(get("s3").steps.filter((s) => s.kind === "rank")).toEqual([
      { kind: "rank", scope: "overall", scopeKey: null, rank: 3, of: 7, sharedBy: 3 },
      { kind: "rank", scope: "category", scopeKey: "SERVICE", rank: 2, of: 4, sharedBy: 2 },
      { kind: "rank", scope: "section", scopeKey: "hall", rank: 2, of: 4, sharedBy: 2 },
    ]);
  });

  it("ranks use the rounded final: exact finals differing below a cent share a rank", () => {
    const res = computeMonth({
      month: "2024-11",
      categories: [{ code: "SERVICE", qualityWeight: "0", quantityWeight: "0.0001" }],
      people: [person("x", { raw: 3n }), person("y", { raw: 2n })],
    });
    // x: 100 × 0.0001 = 0.01; y: 66.67 × 0.0001 = 0.00666… → 0.01
    expect(res.people.map((p) => [p.personId, p.finalRounded, p.rankOverall])).toEqual([
      ["x", 1n, 1],
      ["y", 1n, 1],
    ]);
    expect(res.people[0]!.final.gt(res.people[1]!.final)).toBe(true);
  });
});
