/**
 * What MonthResult.steps holds, in one of two forms.
 *
 * - Since months are published with their lines summed: the few inputs of a person's explanation that
 *   the row's columns do not hold (`StoredExplanation`: the summed lines, the temporary tasks, the quality
 *   adjustments, the sizes and ties of the three rankings). `/kpi why` gives them with the columns and
 *   the month's normalisation groups (MonthClose) to the scoring module's `explainPerson`, which builds
 *   the steps exactly as computing the month did; publishing does not build or encode twenty thousand
 *   explanations that are read one at a time.
 * - Months published before: the explanation steps themselves, each step an array, its kind first and then
 *   its fields in a fixed order (bigints as decimal strings, rationals as their exact "num/den").
 *   `decodeSteps` gives back exactly `toJson(steps)` of what the scoring module produced (tested), and
 *   reads the plain object form too.
 */
import type { ExplainStep, PersonInput, PersonResult } from "../scoring/index.js";
import type { LeftOutLines } from "./month-input.js";

/** A person's explanation inputs beyond the result row's columns (MonthResult.steps, `v: 2`). */
export interface StoredExplanation {
  v: 2;
  /** the summed lines: [lines, units, points (hundredths)]; absent when given line by line */
  l?: [number, number, string];
  /**
   * 0: the lines and units of `l` were not counted (written as 0, 0), as publishing no longer counts
   * them: `/kpi why` counts the lines it reads back. (Zeros, not nulls, so that the release before, which
   * requires numbers there, still explains these months while replicas are rolled.)
   */
  c?: 0;
  /** temporary tasks: [price (hundredths) or null while awaiting pricing, ref, label] */
  t?: [string | null, string | null, string | null][];
  /** quality adjustments: [value (hundredths), veto, reason, ref] */
  q?: [string, boolean, string | null, string | null][];
  /** per ranking (overall, category, section): [people ranked, people sharing the rank] */
  r: [number, number][];
  /**
   * approved lines left out of the summed lines for missing documents: [point version id, points per
   * unit, lines, Σ count] (the evidence rule as it stood at publishing)
   */
  m?: LeftOutLines[];
}

/**
 * The StoredExplanation of a person computed from `input`, as JSON text: what JSON.stringify writes of it
 * (tested), written directly for the parts every person has (publishing writes one per person; building
 * the object and its arrays to stringify them cost as much again).
 */
export function encodeExplanation(
  input: PersonInput,
  p: PersonResult,
  leftOut: readonly LeftOutLines[] = [],
): string {
  const { overall, category, section } = p.places;
  let out = `{"v":2,"r":[[${overall.of},${overall.sharedBy}],[${category.of},${category.sharedBy}],[${section.of},${section.sharedBy}]]`;
  const l = input.linesTotal;
  if (l)
    out +=
      l.lines === undefined || l.units === undefined
        ? `,"l":[0,0,"${l.points}"],"c":0`
        : `,"l":[${l.lines},${l.units},"${l.points}"]`;
  if (input.tempTasks.length)
    out += `,"t":${JSON.stringify(
      input.tempTasks.map((t) => [t.points === null ? null : `${t.points}`, t.ref ?? null, t.label ?? null]),
    )}`;
  if (input.quality.length)
    out += `,"q":${JSON.stringify(input.quality.map((q) => [`${q.value}`, q.veto, q.reason ?? null, q.ref ?? null]))}`;
  if (leftOut.length) out += `,"m":${JSON.stringify(leftOut)}`;
  return `${out}}`;
}

/** The stored explanation inputs, or null when `stored` holds steps (or nothing readable). */
export function decodeExplanation(stored: unknown): StoredExplanation | null {
  if (stored === null || typeof stored !== "object" || Array.isArray(stored)) return null;
  const e = stored as Partial<StoredExplanation>;
  return e.v === 2 && Array.isArray(e.r) && e.r.length === 3 ? (e as StoredExplanation) : null;
}

/** Field order per kind (the order of src/scoring/types.ts). */
export const STEP_FIELDS: Record<ExplainStep["kind"], readonly string[]> = {
  line: ["index", "ref", "itemCode", "label", "count", "pointsPerUnit", "points"],
  linesTotal: ["lines", "units", "points"],
  tempTask: ["index", "ref", "label", "priced", "points"],
  raw: ["linesRaw", "tempRaw", "raw", "unpricedTempCount"],
  groupMax: ["normGroup", "categories", "members", "max", "maxHolders"],
  quantity: ["raw", "groupMax", "zeroMax", "value"],
  qualityBase: ["value"],
  qualityAdjustment: ["index", "value", "veto", "reason", "ref", "runningTotal"],
  qualityFloor: ["before", "after", "applied"],
  veto: ["applied", "adjustmentIndexes", "before", "after"],
  quality: ["value"],
  weights: ["categoryCode", "qualityWeight", "quantityWeight", "qualityWeighted", "quantityWeighted"],
  discretionary: ["value"],
  final: ["value"],
  round: ["mode", "exact", "rounded"],
  rank: ["scope", "scopeKey", "rank", "of", "sharedBy"],
};

const plain = (v: unknown): unknown =>
  typeof v === "bigint"
    ? v.toString()
    : v !== null && typeof v === "object" && "toJSON" in v && typeof v.toJSON === "function"
      ? v.toJSON()
      : v;

/** Steps → compact arrays, JSON-ready (no bigint, no class instances left). */
export function encodeSteps(steps: readonly ExplainStep[]): unknown[][] {
  return steps.map(encodeStep);
}

/**
 * One step → its array, field by field in STEP_FIELDS order, written out per kind (publishing encodes
 * some 600,000 steps; a loop over the field names costs twice as much). Tested equal to the generic
 * form, `encodeStepGeneric`, for every kind.
 */
function encodeStep(s: ExplainStep): unknown[] {
  switch (s.kind) {
    case "line":
      return ["line", s.index, s.ref, s.itemCode, s.label, s.count, `${s.pointsPerUnit}`, `${s.points}`];
    case "linesTotal":
      return ["linesTotal", s.lines, s.units, `${s.points}`];
    case "tempTask":
      return ["tempTask", s.index, s.ref, s.label, s.priced, `${s.points}`];
    case "raw":
      return ["raw", `${s.linesRaw}`, `${s.tempRaw}`, `${s.raw}`, s.unpricedTempCount];
    case "groupMax":
      return ["groupMax", s.normGroup, s.categories, s.members, `${s.max}`, s.maxHolders];
    case "quantity":
      return ["quantity", `${s.raw}`, `${s.groupMax}`, s.zeroMax, s.value.toString()];
    case "qualityBase":
      return ["qualityBase", s.value.toString()];
    case "qualityAdjustment":
      return ["qualityAdjustment", s.index, `${s.value}`, s.veto, s.reason, s.ref, s.runningTotal.toString()];
    case "qualityFloor":
      return ["qualityFloor", s.before.toString(), s.after.toString(), s.applied];
    case "veto":
      return ["veto", s.applied, s.adjustmentIndexes, s.before.toString(), s.after.toString()];
    case "quality":
      return ["quality", s.value.toString()];
    case "weights":
      return [
        "weights",
        s.categoryCode,
        s.qualityWeight,
        s.quantityWeight,
        s.qualityWeighted.toString(),
        s.quantityWeighted.toString(),
      ];
    case "discretionary":
      return ["discretionary", `${s.value}`];
    case "final":
      return ["final", s.value.toString()];
    case "round":
      return ["round", s.mode, s.exact.toString(), `${s.rounded}`];
    case "rank":
      return ["rank", s.scope, s.scopeKey, s.rank, s.of, s.sharedBy];
    default:
      return encodeStepGeneric(s);
  }
}

/** One step → its array by STEP_FIELDS (what encodeStep writes out per kind). */
export function encodeStepGeneric(s: ExplainStep): unknown[] {
  const rec = s as unknown as Record<string, unknown>;
  const fields = STEP_FIELDS[s.kind];
  const out: unknown[] = [s.kind];
  for (const f of fields) out.push(plain(rec[f]));
  return out;
}

export type DecodedStep = { kind: string } & Record<string, unknown>;

/** Stored steps (compact arrays, or objects) → objects with the scoring module's field names. */
export function decodeSteps(stored: unknown): DecodedStep[] {
  if (!Array.isArray(stored)) return [];
  return stored.map((s) => {
    if (!Array.isArray(s)) return s as DecodedStep;
    const [kind, ...values] = s as [string, ...unknown[]];
    const fields = STEP_FIELDS[kind as ExplainStep["kind"]] ?? [];
    const out: DecodedStep = { kind };
    fields.forEach((f, i) => {
      if (values[i] !== undefined) out[f] = values[i];
    });
    return out;
  });
}
