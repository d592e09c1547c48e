/**
 * The explanation steps as stored in MonthResult.steps: each step an array, its kind first and then its
 * fields in a fixed order (bigints as decimal strings, rationals as their exact "num/den"), so twenty
 * thousand people's explanations stay a few tens of megabytes rather than a hundred. `decodeSteps` gives
 * back exactly `toJson(steps)` of what the scoring module produced (tested), and reads the plain object
 * form too.
 */
import type { ExplainStep } from "../scoring/index.js";

/** Field order per kind (the order of src/scoring/types.ts). */
export const STEP_FIELDS: Record<ExplainStep["kind"], readonly string[]> = {
  line: ["index", "ref", "itemCode", "label", "count", "pointsPerUnit", "points"],
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
  return steps.map((s) => {
    const rec = s as unknown as Record<string, unknown>;
    const fields = STEP_FIELDS[s.kind];
    const out: unknown[] = [s.kind];
    for (const f of fields) out.push(plain(rec[f]));
    return out;
  });
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
