/**
 * The stored form of the explanation steps (src/domain/steps-codec.ts): the per-kind encoder writes what
 * the generic one (field names of STEP_FIELDS) writes, for every kind, and decoding gives back exactly
 * `toJson` of the scoring module's steps.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toJson } from "../../src/domain/audit.js";
import type { LeftOutLines } from "../../src/domain/month-input.js";
import {
  decodeExplanation,
  decodeSteps,
  encodeExplanation,
  encodeStepGeneric,
  encodeSteps,
  STEP_FIELDS,
  type StoredExplanation,
} from "../../src/domain/steps-codec.js";
import { computeMonth, type ExplainStep, type MonthInput } from "../../src/scoring/index.js";
import { CATEGORIES, person, pts } from "../scoring/fixtures.js";

/**
 * Every kind of step: lines with labels and refs, lines summed by the caller, priced and unpriced tasks, a
 * floor, a veto, ties.
 */
const month: MonthInput = {
  month: "2026-10",
  categories: [
    ...CATEGORIES.slice(0, 3),
    { ...CATEGORIES[3]!, normGroup: "C" },
    { ...CATEGORIES[4]!, normGroup: "C" },
  ],
  people: [
    {
      ...person("p1", { section: "S1", discretionary: 500n }),
      lines: [
        {
          points: 4000n,
          count: 3,
          itemCode: "SV001",
          label: '发票发售 "quoted" \\ back',
          ref: "SV001@2000-01×2",
        },
        { points: 150n, count: 0, itemCode: null as unknown as string, label: undefined, ref: undefined },
      ],
      tempTasks: [
        { points: 6000n, ref: "t1", label: "临时任务" },
        { points: null, ref: "t2", label: null as unknown as string },
      ],
      quality: [
        { value: -500n, veto: false, reason: "late", ref: "q1" },
        { value: 200n, veto: false },
      ],
    },
    person("p2", { raw: pts(120), category: "ASSESS", quality: [{ value: -20000n, veto: false }] }),
    person("p3", {
      raw: pts(120),
      category: "INSPECT",
      quality: [{ value: 0n, veto: true, reason: "veto" }],
    }),
    { ...person("p4", { category: "MONITOR" }), linesTotal: { points: 123456n, lines: 17, units: 40 } },
    person("p5", { raw: pts(7), category: "GUIDANCE", section: "S1" }),
  ],
};

const stepsOf = (input: MonthInput): ExplainStep[][] => computeMonth(input).people.map((p) => p.steps);

describe("explanation steps as stored", () => {
  it("covers every kind, and the per-kind encoder writes what the generic one does", () => {
    const all = stepsOf(month).flat();
    expect(new Set(all.map((s) => s.kind))).toEqual(new Set(Object.keys(STEP_FIELDS)));
    for (const s of all) expect(encodeSteps([s])[0]).toEqual(encodeStepGeneric(s));
  });

  it("decodes to exactly toJson of the steps, through JSON", () => {
    for (const steps of stepsOf(month)) {
      const stored = JSON.parse(JSON.stringify(encodeSteps(steps)));
      expect(decodeSteps(stored)).toEqual(toJson(steps));
      expect(JSON.stringify(encodeSteps(steps))).toBe(JSON.stringify(steps.map(encodeStepGeneric)));
    }
  });

  it("random months encode alike both ways", () => {
    const line = fc.record({
      points: fc.bigInt({ min: 0n, max: 10_000n }),
      count: fc.integer({ min: 0, max: 50 }),
      itemCode: fc.option(fc.string(), { nil: undefined }),
      label: fc.option(fc.string(), { nil: undefined }),
      ref: fc.option(fc.string(), { nil: undefined }),
    });
    const someone = fc.record({
      lines: fc.array(line, { maxLength: 3 }),
      tempTasks: fc.array(
        fc.record({
          points: fc.option(fc.bigInt({ min: 0n, max: 9000n }), { nil: null }),
          label: fc.option(fc.string(), { nil: undefined }),
        }),
        { maxLength: 2 },
      ),
      quality: fc.array(
        fc.record({
          value: fc.bigInt({ min: -12_000n, max: 2_000n }),
          veto: fc.boolean(),
          reason: fc.option(fc.string(), { nil: undefined }),
        }),
        { maxLength: 3 },
      ),
      category: fc.constantFrom("SERVICE", "MONITOR", "ASSESS"),
      section: fc.constantFrom(null, "S1", "S2"),
    });
    fc.assert(
      fc.property(fc.array(someone, { minLength: 1, maxLength: 6 }), (ps) => {
        const input: MonthInput = {
          month: "2026-10",
          categories: CATEGORIES,
          people: ps.map((p, i) => ({
            ...person(`p${i}`, { category: p.category, section: p.section }),
            lines: p.lines,
            tempTasks: p.tempTasks,
            quality: p.quality,
          })),
        };
        for (const steps of stepsOf(input)) {
          expect(JSON.stringify(encodeSteps(steps))).toBe(JSON.stringify(steps.map(encodeStepGeneric)));
          expect(decodeSteps(JSON.parse(JSON.stringify(encodeSteps(steps))))).toEqual(toJson(steps));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("explanation inputs as stored (v: 2)", () => {
  it("are what JSON.stringify writes of them, and decode back", () => {
    const text = fc.option(fc.string({ unit: "binary" }), { nil: undefined });
    const someone = fc.record({
      total: fc.option(
        fc.record(
          { points: fc.bigInt({ min: 0n, max: 10n ** 15n }), lines: fc.nat(), units: fc.nat() },
          { requiredKeys: ["points"] },
        ),
        { nil: undefined },
      ),
      tempTasks: fc.array(
        fc.record({
          points: fc.option(fc.bigInt({ min: 0n, max: 9000n }), { nil: null }),
          ref: text,
          label: text,
        }),
        { maxLength: 2 },
      ),
      quality: fc.array(
        fc.record({
          value: fc.bigInt({ min: -12_000n, max: 2_000n }),
          veto: fc.boolean(),
          reason: text,
          ref: text,
        }),
        { maxLength: 3 },
      ),
      leftOut: fc.array(fc.tuple(fc.string(), fc.nat(), fc.nat(), fc.nat()), { maxLength: 2 }),
      category: fc.constantFrom("SERVICE", "MONITOR", "ASSESS"),
      section: fc.constantFrom(null, "S1", "S2"),
    });
    fc.assert(
      fc.property(fc.array(someone, { minLength: 1, maxLength: 6 }), (ps) => {
        const input: MonthInput = {
          month: "2026-10",
          categories: CATEGORIES,
          people: ps.map((p, i) => ({
            ...person(`p${i}`, { category: p.category, section: p.section }),
            lines: [],
            ...(p.total ? { linesTotal: p.total } : {}),
            tempTasks: p.tempTasks,
            quality: p.quality,
          })),
        };
        const result = computeMonth(input, { explain: false });
        ps.forEach((p, i) => {
          const given = input.people[i]!;
          const r = result.people.find((x) => x.personId === given.personId)!;
          const leftOut = p.leftOut as LeftOutLines[];
          // the object form, as it was built before the text was written directly
          const e: StoredExplanation = {
            v: 2,
            r: [
              [r.places.overall.of, r.places.overall.sharedBy],
              [r.places.category.of, r.places.category.sharedBy],
              [r.places.section.of, r.places.section.sharedBy],
            ],
          };
          if (given.linesTotal) {
            const { lines, units, points } = given.linesTotal;
            if (lines === undefined || units === undefined) {
              e.l = [0, 0, `${points}`];
              e.c = 0;
            } else e.l = [lines, units, `${points}`];
          }
          if (given.tempTasks.length)
            e.t = given.tempTasks.map((t) => [
              t.points === null ? null : `${t.points}`,
              t.ref ?? null,
              t.label ?? null,
            ]);
          if (given.quality.length)
            e.q = given.quality.map((q) => [`${q.value}`, q.veto, q.reason ?? null, q.ref ?? null]);
          if (leftOut.length) e.m = leftOut;
          const written = encodeExplanation(given, r, leftOut);
          expect(written).toBe(JSON.stringify(e));
          expect(decodeExplanation(JSON.parse(written))).toEqual(e);
        });
      }),
      { numRuns: 200 },
    );
  });
});
