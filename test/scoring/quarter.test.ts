/** Quarter roll-up (SCHEME.md "Scoring: the formula" → Quarter: sum of the monthly finals, each month's rank). */
import { describe, expect, it } from "vitest";
import { quarterMonths, quarterOf, rollUpQuarter, ScoringInputError } from "../../src/scoring/index.js";

const res = (personId: string, finalRounded: bigint, rankOverall: number, name?: string) => ({
  personId,
  finalRounded,
  rankOverall,
  ...(name === undefined ? {} : { name }),
});

describe("rollUpQuarter", () => {
  const rows = rollUpQuarter([
    // deliberately out of order
    {
      month: "2024-03",
      results: [res("a", 9000n, 1, "An"), res("b", 8000n, 2, "Bo"), res("c", 7000n, 3, "Cai")],
    },
    { month: "2024-01", results: [res("a", 10000n, 1, "An"), res("b", 9000n, 2), res("c", 8000n, 3)] },
    // c missing in February → counts 0
    { month: "2024-02", results: [res("a", 8000n, 2), res("b", 10000n, 1, "Bo"), res("d", 26000n, 1, "Du")] },
  ]);

  it("sums, with a missing month counting 0 and shown as null", () => {
    const byId = Object.fromEntries(rows.map((r) => [r.personId, r]));
    expect(byId.a!.sum).toBe(27000n);
    expect(byId.b!.sum).toBe(27000n);
    expect(byId.c!.sum).toBe(15000n);
    expect(byId.d!.sum).toBe(26000n);
    expect(byId.c!.months).toEqual([
      { month: "2024-01", finalRounded: 8000n, rank: 3 },
      { month: "2024-02", finalRounded: null, rank: null },
      { month: "2024-03", finalRounded: 7000n, rank: 3 },
    ]);
    expect(byId.d!.months.map((m) => m.finalRounded)).toEqual([null, 26000n, null]);
  });

  it("ranks by sum with shared ties, listed by rank then name", () => {
    expect(rows.map((r) => [r.personId, r.name, r.rank])).toEqual([
      ["a", "An", 1],
      ["b", "Bo", 1],
      ["d", "Du", 3],
      ["c", "Cai", 4],
    ]);
  });

  it("empty input gives no rows", () => {
    expect(rollUpQuarter([])).toEqual([]);
    expect(rollUpQuarter([{ month: "2024-04", results: [] }])).toEqual([]);
  });

  it("refuses duplicate months, mixed quarters and duplicate people", () => {
    expect(() =>
      rollUpQuarter([
        { month: "2024-01", results: [] },
        { month: "2024-01", results: [] },
      ]),
    ).toThrow(ScoringInputError);
    expect(() =>
      rollUpQuarter([
        { month: "2024-03", results: [] },
        { month: "2024-04", results: [] },
      ]),
    ).toThrow(ScoringInputError);
    expect(() => rollUpQuarter([{ month: "2024-1", results: [] }])).toThrow(ScoringInputError);
    expect(() => rollUpQuarter([{ month: "2024-01", results: [res("a", 1n, 1), res("a", 2n, 2)] }])).toThrow(
      ScoringInputError,
    );
  });
});

describe("quarter helpers", () => {
  it("quarterOf / quarterMonths", () => {
    expect(quarterOf("2024-01")).toBe("2024-Q1");
    expect(quarterOf("2024-06")).toBe("2024-Q2");
    expect(quarterOf("2024-12")).toBe("2024-Q4");
    expect(quarterMonths("2024-Q3")).toEqual(["2024-07", "2024-08", "2024-09"]);
    expect(() => quarterMonths("2024-Q5")).toThrow(ScoringInputError);
  });
});
