/** computeMonth against SCHEME.md "Scoring: the formula": worked example, rounding, edge cases, refusals. */
import { describe, expect, it } from "vitest";
import {
  computeMonth,
  type ExplainStep,
  type MonthInput,
  PoolOverspentError,
  Rational,
  ScoringInputError,
} from "../../src/scoring/index.js";
import { CATEGORIES, person, pts } from "./fixtures.js";

const month = (people: MonthInput["people"], extra: Partial<MonthInput> = {}): MonthInput => ({
  month: "2024-10",
  categories: CATEGORIES,
  people,
  ...extra,
});

const byId = (r: ReturnType<typeof computeMonth>, id: string) => {
  const p = r.people.find((x) => x.personId === id);
  if (!p) throw new Error(`no ${id}`);
  return p;
};

const R = (n: bigint, d: bigint = 1n) => Rational.of(n, d);

describe("SCHEME.md worked example (SERVICE 0.4 / 0.6, three staff, pool 30)", () => {
  const result = computeMonth(
    month([
      person("A", {
        raw: pts(3200),
        quality: [{ value: -500n, veto: false, reason: "late filing" }],
        discretionary: 500n,
      }),
      person("B", { raw: pts(2400), discretionary: 1000n }),
      person("C", { raw: pts(1600), quality: [{ value: 0n, veto: true, reason: "veto item" }] }),
    ]),
  );
  const [a, b, c] = ["A", "B", "C"].map((id) => byId(result, id));

  it("quantity 100 / 75 / 50", () => {
    expect(a!.quantity).toEqual(R(100n));
    expect(b!.quantity).toEqual(R(75n));
    expect(c!.quantity).toEqual(R(50n));
    expect(a!.groupMax).toBe(320000n);
  });

  it("quality 95 / 100 / 0 (veto)", () => {
    expect(a!.quality).toEqual(R(95n));
    expect(b!.quality).toEqual(R(100n));
    expect(c!.quality).toEqual(R(0n));
    expect(c!.vetoed).toBe(true);
    expect(c!.qualityBeforeFloor).toEqual(R(100n));
  });

  it("finals 103.00 / 95.00 / 30.00 to the cent, ranks 1, 2, 3", () => {
    expect([a!.finalRounded, b!.finalRounded, c!.finalRounded]).toEqual([10300n, 9500n, 3000n]);
    expect([a!.display.final, b!.display.final, c!.display.final]).toEqual(["103.00", "95.00", "30.00"]);
    expect([a!.rankOverall, b!.rankOverall, c!.rankOverall]).toEqual([1, 2, 3]);
    expect([a!.rankCategory, b!.rankCategory, c!.rankCategory]).toEqual([1, 2, 3]);
    expect(result.people.map((p) => p.personId)).toEqual(["A", "B", "C"]);
  });

  it("weighted parts as in the table", () => {
    expect(a!.qualityWeighted).toEqual(R(38n));
    expect(a!.quantityWeighted).toEqual(R(60n));
    expect(b!.qualityWeighted).toEqual(R(40n));
    expect(b!.quantityWeighted).toEqual(R(45n));
    expect(c!.quantityWeighted).toEqual(R(30n));
  });

  it("pool 30: 15 spent, 15 left; spread 73.00", () => {
    expect(result.pool).toEqual({
      size: 3000n,
      spent: 1500n,
      left: 1500n,
      staffAssessed: 3,
      poolPerStaff: 1000n,
    });
    expect(result.totals).toEqual({ raw: pts(7200), staff: 3, spread: "73.00" });
  });

  it("display strings", () => {
    expect(a!.display).toEqual({
      raw: "3200.00",
      quantity: "100.00",
      quality: "95.00",
      discretionary: "5.00",
      final: "103.00",
    });
  });

  it("explains every step in order", () => {
    expect(a!.steps.map((s) => s.kind)).toEqual([
      "line",
      "raw",
      "groupMax",
      "quantity",
      "qualityBase",
      "qualityAdjustment",
      "qualityFloor",
      "veto",
      "quality",
      "weights",
      "discretionary",
      "final",
      "round",
      "rank",
      "rank",
      "rank",
    ]);
    const adj = a!.steps.find((s) => s.kind === "qualityAdjustment");
    expect(adj).toMatchObject({ value: -500n, veto: false, reason: "late filing", runningTotal: R(95n) });
    const gm = c!.steps.find((s) => s.kind === "groupMax");
    expect(gm).toMatchObject({ normGroup: "SERVICE", max: 320000n, members: 3, maxHolders: ["A"] });
    const veto = c!.steps.find((s): s is Extract<ExplainStep, { kind: "veto" }> => s.kind === "veto");
    expect(veto).toMatchObject({ applied: true, adjustmentIndexes: [0], before: R(100n), after: R(0n) });
    const ranks = c!.steps.filter((s) => s.kind === "rank");
    expect(ranks).toEqual([
      { kind: "rank", scope: "overall", scopeKey: null, rank: 3, of: 3, sharedBy: 1 },
      { kind: "rank", scope: "category", scopeKey: "SERVICE", rank: 3, of: 3, sharedBy: 1 },
      { kind: "rank", scope: "section", scopeKey: null, rank: null, of: 0, sharedBy: 0 },
    ]);
  });
});

describe("rounding: only the final is rounded, once, half up", () => {
  it("quantity 66.666… is shown as 66.67 but used exactly (83.33, not 83.34)", () => {
    const r = computeMonth(
      month([person("top", { raw: pts(300) }), person("x", { raw: pts(200) })], {
        categories: [{ code: "SERVICE", qualityWeight: "0.5", quantityWeight: "0.5" }],
      }),
    );
    const x = byId(r, "x");
    expect(x.quantity).toEqual(R(200n, 3n));
    expect(x.display.quantity).toBe("66.67");
    expect(x.final).toEqual(R(250n, 3n)); // 50 + 33.333…
    expect(x.finalRounded).toBe(8333n); // rounding 66.67 first would give 50 + 33.335 = 83.34
    expect(x.display.final).toBe("83.33");
  });

  it("an exact x.xx5 final rounds up (25.005 → 25.01), not to even, not truncated", () => {
    const r = computeMonth(
      month([person("p", { quality: [{ value: 2n, veto: false }] })], {
        categories: [{ code: "SERVICE", qualityWeight: "0.25", quantityWeight: "0.75" }],
      }),
    );
    const p = byId(r, "p");
    expect(p.quality).toEqual(R(10002n, 100n));
    expect(p.final).toEqual(R(25005n, 1000n));
    expect(p.finalRounded).toBe(2501n);
    const round = p.steps.find((s) => s.kind === "round");
    expect(round).toEqual({ kind: "round", mode: "half-up", exact: R(25005n, 1000n), rounded: 2501n });
  });

  it("4-decimal weights stay exact (100/3 × 0.0003 = 0.01)", () => {
    const r = computeMonth(
      month([person("top", { raw: 3n }), person("x", { raw: 1n })], {
        categories: [{ code: "SERVICE", qualityWeight: "0", quantityWeight: "0.0003" }],
      }),
    );
    // x: quantity 100/3, × 0.0003 = 0.01 exactly; top: 100 × 0.0003 = 0.03
    expect(byId(r, "x").final).toEqual(R(1n, 100n));
    expect(byId(r, "x").finalRounded).toBe(1n);
    expect(byId(r, "top").finalRounded).toBe(3n);
  });
});

describe("edge cases", () => {
  it("empty input: no people, empty pool, groups listed with max 0", () => {
    const r = computeMonth(month([]));
    expect(r.people).toEqual([]);
    expect(r.pool).toEqual({ size: 0n, spent: 0n, left: 0n, staffAssessed: 0, poolPerStaff: 1000n });
    expect(r.totals).toEqual({ raw: 0n, staff: 0, spread: "0.00" });
    expect(r.groups.map((g) => [g.normGroup, g.max, g.members])).toEqual([
      ["ASSESS", 0n, 0],
      ["GUIDANCE", 0n, 0],
      ["INSPECT", 0n, 0],
      ["MONITOR", 0n, 0],
      ["SERVICE", 0n, 0],
    ]);
  });

  it("empty input with no categories at all", () => {
    const r = computeMonth({ month: "2024-01", categories: [], people: [] });
    expect(r.groups).toEqual([]);
  });

  it("a group where everyone is at 0: quantity 0, not NaN", () => {
    const r = computeMonth(month([person("a", { raw: 0n }), person("b")]));
    for (const p of r.people) {
      expect(p.quantity).toEqual(Rational.ZERO);
      expect(p.display.quantity).toBe("0.00");
      expect(p.finalRounded).toBe(4000n); // 100 × 0.4
      expect(p.rankOverall).toBe(1);
    }
    const q = r.people[0]!.steps.find((s) => s.kind === "quantity");
    expect(q).toMatchObject({ zeroMax: true, groupMax: 0n });
  });

  it("a single person with raw > 0 gets quantity 100", () => {
    const r = computeMonth(month([person("solo", { raw: 7n })]));
    expect(r.people[0]!.quantity).toEqual(R(100n));
    expect(r.people[0]!.finalRounded).toBe(10000n);
  });

  it("a veto plus bonuses still gives quality 0", () => {
    const r = computeMonth(
      month([
        person("v", {
          raw: pts(10),
          quality: [
            { value: 2000n, veto: false, reason: "bonus" },
            { value: 0n, veto: true, reason: "veto" },
            { value: 500n, veto: false, reason: "bonus" },
          ],
        }),
      ]),
    );
    const v = r.people[0]!;
    expect(v.qualityBeforeFloor).toEqual(R(125n));
    expect(v.quality).toEqual(Rational.ZERO);
    expect(v.vetoed).toBe(true);
    expect(v.finalRounded).toBe(6000n);
  });

  it("quality is floored at 0 with large deductions", () => {
    const r = computeMonth(
      month([
        person("d", {
          raw: pts(10),
          quality: [
            { value: -8000n, veto: false },
            { value: -5000n, veto: false },
          ],
        }),
      ]),
    );
    const d = r.people[0]!;
    expect(d.qualityBeforeFloor).toEqual(R(-30n));
    expect(d.quality).toEqual(Rational.ZERO);
    expect(d.vetoed).toBe(false);
    expect(d.steps.find((s) => s.kind === "qualityFloor")).toEqual({
      kind: "qualityFloor",
      before: R(-30n),
      after: Rational.ZERO,
      applied: true,
    });
    expect(d.finalRounded).toBe(6000n);
  });

  it("bonuses may take quality above 100 (no ceiling in the scheme)", () => {
    const r = computeMonth(month([person("b", { quality: [{ value: 350n, veto: false }] })]));
    expect(r.people[0]!.quality).toEqual(R(10350n, 100n));
  });

  it("pool exactly spent is accepted", () => {
    const r = computeMonth(
      month([person("a", { discretionary: 1500n }), person("b", { discretionary: 1500n }), person("c")]),
    );
    expect(r.pool).toMatchObject({ size: 3000n, spent: 3000n, left: 0n });
  });

  it("pool overspent by 0.01 is refused, with the numbers", () => {
    const input = month([
      person("a", { discretionary: 1501n }),
      person("b", { discretionary: 1500n }),
      person("c"),
    ]);
    expect(() => computeMonth(input)).toThrow(PoolOverspentError);
    try {
      computeMonth(input);
    } catch (e) {
      const err = e as PoolOverspentError;
      expect(err.size).toBe(3000n);
      expect(err.spent).toBe(3001n);
      expect(err.over).toBe(1n);
      expect(err.staffAssessed).toBe(3);
      expect(err.message).toContain("30.01");
      expect(err.message).toContain("30.00");
      expect(err.message).toContain("0.01");
    }
  });

  it("poolPerStaff is configurable", () => {
    expect(() => computeMonth(month([person("a", { discretionary: 501n })], { poolPerStaff: 500n }))).toThrow(
      PoolOverspentError,
    );
    expect(
      computeMonth(month([person("a", { discretionary: 500n })], { poolPerStaff: 500n })).pool.left,
    ).toBe(0n);
  });

  it("a person with no lines: raw 0, quantity 0, still scored on quality", () => {
    const r = computeMonth(month([person("busy", { raw: pts(50) }), person("idle")]));
    const idle = byId(r, "idle");
    expect(idle.raw).toBe(0n);
    expect(idle.quantity).toEqual(Rational.ZERO);
    expect(idle.finalRounded).toBe(4000n);
    expect(idle.rankOverall).toBe(2);
  });

  it("raw = Σ count × points + priced temp tasks; unpriced temp tasks count 0", () => {
    const r = computeMonth(
      month([
        {
          personId: "t",
          categoryCode: "SERVICE",
          lines: [
            { points: 250n, count: 4, itemCode: "INV-SALE", ref: "e1" }, // 10.00
            { points: 1000n, count: 0, ref: "e2" }, // 0
            { points: 333n, count: 3, ref: "e3" }, // 9.99
          ],
          tempTasks: [
            { points: 1200n, ref: "t1", label: "flood relief" },
            { points: null, ref: "t2", label: "awaiting pricing" },
          ],
          quality: [],
          discretionary: 0n,
        },
        person("u", { raw: pts(100) }),
      ]),
    );
    const t = byId(r, "t");
    expect(t.linesRaw).toBe(1999n);
    expect(t.tempRaw).toBe(1200n);
    expect(t.raw).toBe(3199n);
    expect(t.unpricedTempCount).toBe(1);
    expect(t.quantity).toEqual(R(3199n, 100n));
    expect(t.steps.filter((s) => s.kind === "line").map((s) => (s.kind === "line" ? s.points : 0n))).toEqual([
      1000n,
      0n,
      999n,
    ]);
    expect(t.steps.filter((s) => s.kind === "tempTask")).toEqual([
      { kind: "tempTask", index: 0, ref: "t1", label: "flood relief", priced: true, points: 1200n },
      { kind: "tempTask", index: 1, ref: "t2", label: "awaiting pricing", priced: false, points: 0n },
    ]);
    expect(t.steps.find((s) => s.kind === "raw")).toEqual({
      kind: "raw",
      linesRaw: 1999n,
      tempRaw: 1200n,
      raw: 3199n,
      unpricedTempCount: 1,
    });
  });

  it("an unpriced temp task alone counts 0", () => {
    const p = person("x");
    p.tempTasks = [{ points: null }];
    const r = computeMonth(month([p]));
    expect(r.people[0]!.raw).toBe(0n);
    expect(r.people[0]!.quantity).toEqual(Rational.ZERO);
  });

  it("normGroup shared across two categories: MONITOR + GUIDANCE normalised together", () => {
    const cats = CATEGORIES.map((c) =>
      c.code === "MONITOR" || c.code === "GUIDANCE" ? { ...c, normGroup: "B" } : c,
    ).map((c) => (c.code === "GUIDANCE" ? { ...c, qualityWeight: "0.7", quantityWeight: "0.3" } : c));
    const r = computeMonth(
      month(
        [
          person("m1", { category: "MONITOR", raw: pts(400) }),
          person("g1", { category: "GUIDANCE", raw: pts(100) }),
          person("s1", { category: "SERVICE", raw: pts(10) }),
        ],
        { categories: cats },
      ),
    );
    const g1 = byId(r, "g1");
    expect(g1.normGroup).toBe("B");
    expect(g1.groupMax).toBe(pts(400));
    expect(g1.quantity).toEqual(R(25n));
    expect(g1.final).toEqual(R(7750n, 100n)); // 100 × 0.7 + 25 × 0.3 — own category's weights
    expect(byId(r, "m1").quantity).toEqual(R(100n));
    expect(byId(r, "s1").quantity).toEqual(R(100n)); // SERVICE on its own
    expect(r.groups.find((g) => g.normGroup === "B")).toEqual({
      normGroup: "B",
      categories: ["GUIDANCE", "MONITOR"],
      max: pts(400),
      members: 2,
      maxHolders: ["m1"],
    });
    expect(g1.steps.find((s) => s.kind === "groupMax")).toMatchObject({
      normGroup: "B",
      categories: ["GUIDANCE", "MONITOR"],
      maxHolders: ["m1"],
    });
  });

  it("without normGroup, MONITOR and GUIDANCE are normalised separately", () => {
    const r = computeMonth(
      month([
        person("m1", { category: "MONITOR", raw: pts(400) }),
        person("g1", { category: "GUIDANCE", raw: pts(100) }),
      ]),
    );
    expect(byId(r, "g1").quantity).toEqual(R(100n));
  });

  it("weights need not sum to 1", () => {
    const r = computeMonth(
      month([person("p", { raw: 1n })], {
        categories: [{ code: "SERVICE", qualityWeight: "0.55", quantityWeight: "0.6" }],
      }),
    );
    expect(r.people[0]!.final).toEqual(R(115n)); // 55 + 60
  });
});

describe("invalid input is refused with ScoringInputError", () => {
  const bad = (mutate: (i: MonthInput) => void, pathPart: string) => {
    const input = month([person("a", { raw: pts(1) }), person("b", { raw: pts(2) })]);
    mutate(input);
    expect(() => computeMonth(input)).toThrow(ScoringInputError);
    try {
      computeMonth(input);
    } catch (e) {
      expect((e as ScoringInputError).path).toContain(pathPart);
    }
  };

  it("negative count", () => bad((i) => (i.people[1]!.lines[0]!.count = -1), "people[1].lines[0].count"));
  it("fractional count", () => bad((i) => (i.people[1]!.lines[0]!.count = 1.5), "count"));
  it("NaN count", () => bad((i) => (i.people[1]!.lines[0]!.count = Number.NaN), "count"));
  it("negative points per unit", () => bad((i) => (i.people[0]!.lines[0]!.points = -1n), "points"));
  it("negative summed lines' points", () =>
    bad(
      (i) => (i.people[0]!.linesTotal = { points: -1n, lines: 1, units: 1 }),
      "people[0].linesTotal.points",
    ));
  it("fractional summed units", () =>
    bad(
      (i) => (i.people[1]!.linesTotal = { points: 1n, lines: 1, units: 0.5 }),
      "people[1].linesTotal.units",
    ));
  it("summed lines not an object", () =>
    bad((i) => ((i.people[1] as { linesTotal: unknown }).linesTotal = 7), "people[1].linesTotal"));
  it("number instead of bigint points", () =>
    bad((i) => ((i.people[0]!.lines[0] as { points: unknown }).points = 100), "points"));
  it("negative temp task price", () =>
    bad((i) => i.people[0]!.tempTasks.push({ points: -1n }), "tempTasks[0]"));
  it("unknown category", () => bad((i) => (i.people[0]!.categoryCode = "NOPE"), "people[0].categoryCode"));
  it("negative discretionary", () => bad((i) => (i.people[0]!.discretionary = -1n), "discretionary"));
  it("non-boolean veto", () =>
    bad((i) => i.people[0]!.quality.push({ value: 0n, veto: "yes" as unknown as boolean }), "veto"));
  it("duplicate personId", () => bad((i) => (i.people[1]!.personId = "a"), "personId"));
  it("empty sectionId", () => bad((i) => (i.people[1]!.sectionId = ""), "sectionId"));
  it("bad month", () => bad((i) => (i.month = "2024-13"), "month"));
  it("duplicate category", () =>
    bad((i) => (i.categories = [...CATEGORIES, CATEGORIES[0]!]), "categories[5]"));
  it("negative pool per staff", () => bad((i) => (i.poolPerStaff = -1n), "poolPerStaff"));
  for (const w of ["", "abc", "-0.4", "0.12345", ".4", "4.", "0,4", " 0.4", "1e-1", "NaN"]) {
    it(`bad weight string ${JSON.stringify(w)}`, () =>
      bad(
        (i) => (i.categories = CATEGORIES.map((c) => (c.code === "ASSESS" ? { ...c, qualityWeight: w } : c))),
        "categories[3].qualityWeight",
      ));
  }
  it("bad normGroup", () => bad((i) => (i.categories = [{ ...CATEGORIES[0]!, normGroup: "" }]), "normGroup"));

  it("input errors are reported before the pool check", () => {
    const input = month([person("a", { discretionary: 999999n }), person("b", { category: "NOPE" })]);
    expect(() => computeMonth(input)).toThrow(ScoringInputError);
  });
});
