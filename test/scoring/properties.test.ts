/**
 * Property tests (fast-check) for SCHEME.md "Scoring: the formula": quantity scale, normalisation,
 * order independence, the pool limit, competition ranks, single rounding, quarter roll-up.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CategoryConfig,
  computeMonth,
  explainPerson,
  formatHundredths,
  type MonthInput,
  type MonthResult,
  type PersonInput,
  PoolOverspentError,
  parseHundredths,
  Rational,
  rollUpQuarter,
} from "../../src/scoring/index.js";

const RUNS = { numRuns: 200 };
const CODES = ["SERVICE", "MONITOR", "GUIDANCE", "ASSESS", "INSPECT"] as const;
const HUNDRED = Rational.of(100n);

const weightArb = fc.integer({ min: 0, max: 15000 }).map((n) => {
  const frac = String(n % 10000)
    .padStart(4, "0")
    .replace(/0+$/, "");
  return frac === "" ? String(Math.floor(n / 10000)) : `${Math.floor(n / 10000)}.${frac}`;
});

const categoriesArb: fc.Arbitrary<CategoryConfig[]> = fc
  .tuple(fc.array(fc.tuple(weightArb, weightArb), { minLength: 5, maxLength: 5 }), fc.boolean())
  .map(([ws, shareB]) =>
    CODES.map((code, i) => {
      const [qualityWeight, quantityWeight] = ws[i]!;
      const c: CategoryConfig = { code, qualityWeight, quantityWeight };
      if (shareB && (code === "MONITOR" || code === "GUIDANCE")) c.normGroup = "B";
      if (code === "ASSESS" || code === "INSPECT") c.normGroup = "C"; // always shared
      return c;
    }),
  );

const personArb = (maxDisc: bigint) =>
  fc.record({
    name: fc.option(fc.constantFrom("Li", "Wang", "Zhang", "Liu"), { nil: undefined }),
    categoryCode: fc.constantFrom(...CODES),
    sectionId: fc.constantFrom(null, "S1", "S2"),
    lines: fc.array(
      fc.record({
        // few distinct values, so equal raws (and tied finals) are common
        points: fc.oneof(fc.constantFrom(0n, 100n, 250n, 1000n), fc.bigInt({ min: 0n, max: 5000n })),
        count: fc.integer({ min: 0, max: 30 }),
      }),
      { maxLength: 4 },
    ),
    tempTasks: fc.array(fc.record({ points: fc.option(fc.bigInt({ min: 0n, max: 5000n }), { nil: null }) }), {
      maxLength: 2,
    }),
    quality: fc.array(
      fc.record({
        value: fc.oneof(fc.constantFrom(-500n, 0n, 200n), fc.bigInt({ min: -6000n, max: 1000n })),
        veto: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), // ~10% vetoes
      }),
      { maxLength: 3 },
    ),
    discretionary: fc.bigInt({ min: 0n, max: maxDisc }),
  });

const withIds = (ps: Omit<PersonInput, "personId">[]): PersonInput[] =>
  ps.map((p, i) => ({ ...p, personId: `p${String(i).padStart(2, "0")}` }));

/** Inputs that never overspend (each award ≤ the per-head pool). */
const monthArb: fc.Arbitrary<MonthInput> = fc
  .tuple(categoriesArb, fc.array(personArb(1000n), { maxLength: 12 }))
  .map(([categories, ps]) => ({ month: "2024-05", categories, people: withIds(ps) }));

/** Independent decimal-string → Rational (not the module's parseWeight). */
const decimal = (s: string): Rational => {
  const [whole, frac = ""] = s.split(".");
  return Rational.of(BigInt(`${whole}${frac}`), 10n ** BigInt(frac.length));
};

const shuffleArb = <T>(xs: readonly T[]): fc.Arbitrary<T[]> =>
  fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });

function expectRanksConsistent(r: MonthResult) {
  const scopes: [
    string,
    (p: MonthResult["people"][number]) => string | null,
    "rankOverall" | "rankCategory" | "rankSection",
  ][] = [
    ["overall", () => "", "rankOverall"],
    ["category", (p) => p.categoryCode, "rankCategory"],
    ["section", (p) => p.sectionId, "rankSection"],
  ];
  for (const [, scopeOf, field] of scopes) {
    for (const p of r.people) {
      const scope = scopeOf(p);
      if (scope === null) {
        expect(p[field]).toBeNull();
        continue;
      }
      const peers = r.people.filter((q) => scopeOf(q) === scope);
      expect(p[field]).toBe(1 + peers.filter((q) => q.finalRounded > p.finalRounded).length);
      for (const q of peers) {
        if (q.finalRounded === p.finalRounded) expect(q[field]).toBe(p[field]);
        if (q.finalRounded > p.finalRounded) expect(q[field]!).toBeLessThan(p[field]!);
      }
    }
  }
}

describe("computeMonth properties", () => {
  it("quantity in [0, 100]; quality ≥ 0; final = parts exactly; rounded once half up", () => {
    fc.assert(
      fc.property(monthArb, (input) => {
        const r = computeMonth(input);
        for (const p of r.people) {
          const given = input.people.find((x) => x.personId === p.personId)!;
          expect(p.vetoed).toBe(given.quality.some((q) => q.veto));
          expect(p.quantity.sign()).toBeGreaterThanOrEqual(0);
          expect(p.quantity.cmp(HUNDRED)).toBeLessThanOrEqual(0);
          expect(p.quality.sign()).toBeGreaterThanOrEqual(0);
          if (p.vetoed) expect(p.quality.isZero()).toBe(true);
          expect(p.raw).toBe(p.linesRaw + p.tempRaw);
          // recompute the final independently from the exposed components
          const qw = decimal(p.qualityWeight);
          const nw = decimal(p.quantityWeight);
          const expected = p.quality.mul(qw).add(p.quantity.mul(nw)).add(Rational.of(p.discretionary, 100n));
          expect(p.final).toEqual(expected);
          // |final − rounded| ≤ 0.005, and ties (exactly 0.005 away) went up
          const diff = p.final.sub(Rational.of(p.finalRounded, 100n));
          expect(diff.cmp(Rational.of(1n, 200n))).toBe(-1);
          expect(diff.cmp(Rational.of(-1n, 200n))).toBeGreaterThanOrEqual(0);
          expect(p.display.final).toBe(formatHundredths(p.finalRounded));
        }
      }),
      RUNS,
    );
  });

  it("each group with max > 0 has someone at exactly 100; max 0 ⇒ everyone 0", () => {
    fc.assert(
      fc.property(monthArb, (input) => {
        const r = computeMonth(input);
        for (const g of r.groups) {
          const members = r.people.filter((p) => p.normGroup === g.normGroup);
          expect(members.length).toBe(g.members);
          if (members.length === 0) continue;
          let max = 0n;
          for (const p of members) if (p.raw > max) max = p.raw;
          expect(g.max).toBe(max);
          if (max > 0n) {
            expect(members.some((p) => p.quantity.eq(HUNDRED))).toBe(true);
            for (const p of members) expect(p.quantity).toEqual(Rational.of(100n * p.raw, max));
          } else {
            for (const p of members) expect(p.quantity.isZero()).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it("results are identical under shuffled people and categories", () => {
    const arb = monthArb.chain((input) =>
      fc.tuple(fc.constant(input), shuffleArb(input.people), shuffleArb(input.categories)),
    );
    fc.assert(
      fc.property(arb, ([input, people, categories]) => {
        expect(computeMonth({ ...input, people, categories })).toEqual(computeMonth(input));
      }),
      RUNS,
    );
  });

  it("shuffling a person's lines, temp tasks and adjustments changes no number", () => {
    const strip = (r: MonthResult) => r.people.map(({ steps: _steps, ...rest }) => rest);
    const arb = monthArb.chain((input) =>
      fc.tuple(
        fc.constant(input),
        fc.tuple(
          ...input.people.map((p) =>
            fc
              .tuple(shuffleArb(p.lines), shuffleArb(p.tempTasks), shuffleArb(p.quality))
              .map(([lines, tempTasks, quality]) => ({ ...p, lines, tempTasks, quality })),
          ),
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([input, people]) => {
        expect(strip(computeMonth({ ...input, people }))).toEqual(strip(computeMonth(input)));
      }),
      RUNS,
    );
  });

  it("summing any part of a person's lines into linesTotal changes no number; the steps account for it", () => {
    const strip = (r: MonthResult) => r.people.map(({ steps: _steps, ...rest }) => rest);
    // per person: how many of the lines (a prefix) the caller sums
    const arb = monthArb.chain((input) =>
      fc.tuple(fc.constant(input), fc.tuple(...input.people.map((p) => fc.nat({ max: p.lines.length })))),
    );
    fc.assert(
      fc.property(arb, ([input, cuts]) => {
        const people = input.people.map((p, i) => {
          const summed = p.lines.slice(0, cuts[i]);
          return {
            ...p,
            lines: p.lines.slice(cuts[i]),
            linesTotal: {
              points: summed.reduce((a, l) => a + BigInt(l.count) * l.points, 0n),
              lines: summed.length,
              units: summed.reduce((a, l) => a + l.count, 0),
            },
          };
        });
        const r = computeMonth({ ...input, people });
        expect(strip(r)).toEqual(strip(computeMonth(input)));
        for (const p of r.people) {
          const given = people.find((x) => x.personId === p.personId)!;
          const total = p.steps.filter((s) => s.kind === "linesTotal");
          expect(total).toEqual([{ kind: "linesTotal", ...given.linesTotal }]);
          expect(p.steps.filter((s) => s.kind === "line")).toHaveLength(given.lines.length);
        }
      }),
      RUNS,
    );
  });

  it("explainPerson gives each person's steps exactly as computeMonth does; explain: false the same numbers", () => {
    const strip = (r: MonthResult) => r.people.map(({ steps: _steps, ...rest }) => rest);
    fc.assert(
      fc.property(monthArb, (input) => {
        const r = computeMonth(input);
        const bare = computeMonth(input, { explain: false });
        expect(strip(bare)).toEqual(strip(r));
        expect(bare.people.every((p) => p.steps.length === 0)).toBe(true);
        for (const p of r.people) {
          const given = input.people.find((x) => x.personId === p.personId)!;
          const category = input.categories.find((c) => c.code === p.categoryCode)!;
          const group = r.groups.find((x) => x.normGroup === p.normGroup)!;
          // who holds the max, as the group says: those of its members whose raw is the max
          const holders = r.people
            .filter((x) => x.normGroup === p.normGroup && group.max > 0n && x.raw === group.max)
            .map((x) => x.personId)
            .sort();
          expect(group.maxHolders).toEqual(holders);
          expect(explainPerson(given, category, group, p.places)).toEqual(p.steps);
        }
      }),
      RUNS,
    );
  });

  it("the pool is never overspent: throws iff Σ discretionary > poolPerStaff × staff", () => {
    const arb = fc.tuple(
      categoriesArb,
      fc.array(personArb(2500n), { maxLength: 8 }),
      fc.option(fc.bigInt({ min: 0n, max: 2000n }), { nil: undefined }),
    );
    fc.assert(
      fc.property(arb, ([categories, ps, poolPerStaff]) => {
        const people = withIds(ps);
        const input: MonthInput = { month: "2024-05", categories, people, poolPerStaff };
        const size = (poolPerStaff ?? 1000n) * BigInt(people.length);
        const spent = people.reduce((s, p) => s + p.discretionary, 0n);
        if (spent > size) {
          let err: unknown;
          try {
            computeMonth(input);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(PoolOverspentError);
          expect((err as PoolOverspentError).over).toBe(spent - size);
        } else {
          const r = computeMonth(input);
          expect(r.pool).toMatchObject({ size, spent, left: size - spent, staffAssessed: people.length });
          expect(r.pool.left >= 0n).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("ranks: rank = 1 + number with a strictly greater rounded final (overall, category, section)", () => {
    fc.assert(
      fc.property(monthArb, (input) => {
        const r = computeMonth(input);
        expectRanksConsistent(r);
        // listing order: by rank, then name, then personId
        for (let i = 1; i < r.people.length; i++) {
          const a = r.people[i - 1]!;
          const b = r.people[i]!;
          expect(a.rankOverall).toBeLessThanOrEqual(b.rankOverall);
          if (a.rankOverall === b.rankOverall) {
            const key = (p: typeof a) => [p.name ?? "", p.personId] as const;
            const [an, ai] = key(a);
            const [bn, bi] = key(b);
            expect(an < bn || (an === bn && ai < bi)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });
});

describe("other properties", () => {
  it("parseHundredths(formatHundredths(x)) = x", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (x) => {
        expect(parseHundredths(formatHundredths(x))).toBe(x);
      }),
      RUNS,
    );
  });

  it("quarter: sum of present months; rank = 1 + number with a strictly greater sum", () => {
    const monthResults = fc.uniqueArray(
      fc.record({
        personId: fc.constantFrom("a", "b", "c", "d", "e"),
        finalRounded: fc.bigInt({ min: 0n, max: 500n }),
      }),
      { selector: (r) => r.personId, maxLength: 5 },
    );
    fc.assert(
      fc.property(fc.tuple(monthResults, monthResults, monthResults), (ms) => {
        const months = ms.map((results, i) => ({
          month: `2024-0${i + 4}`,
          results: results.map((r) => ({ ...r, rankOverall: 1 })),
        }));
        const rows = rollUpQuarter(months);
        const ids = new Set(ms.flat().map((r) => r.personId));
        expect(rows.length).toBe(ids.size);
        for (const row of rows) {
          const expected = ms
            .flat()
            .filter((r) => r.personId === row.personId)
            .reduce((s, r) => s + r.finalRounded, 0n);
          expect(row.sum).toBe(expected);
          expect(row.rank).toBe(1 + rows.filter((o) => o.sum > row.sum).length);
          expect(row.months.map((m) => m.month)).toEqual(["2024-04", "2024-05", "2024-06"]);
        }
      }),
      RUNS,
    );
  });
});
