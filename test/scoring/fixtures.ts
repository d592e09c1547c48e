/** Test fixtures for the scoring module: SCHEME.md "Work categories and coefficients" defaults. */
import type { CategoryConfig, PersonInput, QualityAdjustmentInput } from "../../src/scoring/index.js";

export const CATEGORIES: CategoryConfig[] = [
  { code: "SERVICE", qualityWeight: "0.4", quantityWeight: "0.6" },
  { code: "MONITOR", qualityWeight: "0.5", quantityWeight: "0.5" },
  { code: "GUIDANCE", qualityWeight: "0.5", quantityWeight: "0.5" },
  { code: "ASSESS", qualityWeight: "0.6", quantityWeight: "0.4" },
  { code: "INSPECT", qualityWeight: "0.6", quantityWeight: "0.4" },
];

export interface PersonOpts {
  name?: string;
  category?: string;
  section?: string | null;
  /** Raw points in hundredths, given as one line of count 1. */
  raw?: bigint;
  quality?: QualityAdjustmentInput[];
  discretionary?: bigint;
}

/** A person whose raw is one line (count 1 × raw) — or no lines when raw is omitted. */
export function person(personId: string, o: PersonOpts = {}): PersonInput {
  return {
    personId,
    name: o.name ?? personId,
    categoryCode: o.category ?? "SERVICE",
    sectionId: o.section ?? null,
    lines: o.raw === undefined ? [] : [{ points: o.raw, count: 1, ref: `${personId}-line` }],
    tempTasks: [],
    quality: o.quality ?? [],
    discretionary: o.discretionary ?? 0n,
  };
}

/** Points → hundredths, for readability: pts(3200) = 320000n. */
export const pts = (n: number): bigint => BigInt(n) * 100n;
