/**
 * Quarterly roll-up for rewards.
 *
 * SCHEME.md, "Scoring: the formula" → Quarter: "the sum of the three monthly finals (and each month's
 * rank), for quarterly rewards"; "The monthly cycle": "rewards are settled quarterly". Sums use the
 * published (rounded) monthly finals, so the quarter total is exactly what people saw each month.
 * A person missing from a month (not assessed) counts 0 for it, shown as null. Ranked by the sum,
 * competition style (1, 2, 2, 4), as for the monthly ranks.
 *
 * Quarters are calendar quarters (Q1 = Jan–Mar); all months given must fall in the same quarter.
 * Fewer than three months is allowed (a quarter in progress).
 */
import { ScoringInputError } from "./errors.js";
import { compareStrings } from "./month.js";
import { competitionRanks } from "./rank.js";

export interface QuarterMonthInput {
  month: string;
  results: { personId: string; name?: string | null; finalRounded: bigint; rankOverall: number }[];
}

export interface QuarterPersonResult {
  personId: string;
  name: string | null;
  /** One entry per month given, in month order; nulls where the person was not assessed. */
  months: { month: string; finalRounded: bigint | null; rank: number | null }[];
  /** Σ monthly finalRounded (missing = 0), hundredths. */
  sum: bigint;
  rank: number;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "2024-05" → "2024-Q2". */
export function quarterOf(month: string): string {
  const m = MONTH_RE.exec(month);
  if (!m) throw new ScoringInputError(`must be YYYY-MM, got ${JSON.stringify(month)}`, "month");
  return `${m[1]}-Q${Math.floor((Number(m[2]) - 1) / 3) + 1}`;
}

/** "2024-Q2" → ["2024-04", "2024-05", "2024-06"]. */
export function quarterMonths(quarter: string): [string, string, string] {
  const m = /^(\d{4})-Q([1-4])$/.exec(quarter);
  if (!m) throw new ScoringInputError(`must be YYYY-Qn, got ${JSON.stringify(quarter)}`, "quarter");
  const first = (Number(m[2]) - 1) * 3 + 1;
  const mm = (k: number) => `${m[1]}-${String(first + k).padStart(2, "0")}`;
  return [mm(0), mm(1), mm(2)];
}

/**
 * Sum each person's rounded monthly finals over the given months and rank by the sum. Output sorted by
 * rank, then name, then personId. Throws ScoringInputError on a bad/duplicate month, months from
 * different quarters, a duplicate personId within a month, or a non-bigint final.
 */
export function rollUpQuarter(months: readonly QuarterMonthInput[]): QuarterPersonResult[] {
  if (!Array.isArray(months)) throw new ScoringInputError("must be an array", "months");
  const seenMonths = new Set<string>();
  let quarter: string | null = null;
  months.forEach((m, i) => {
    const q = quarterOf(typeof m?.month === "string" ? m.month : String(m?.month));
    if (seenMonths.has(m.month)) {
      throw new ScoringInputError(`duplicate month ${m.month}`, `months[${i}].month`);
    }
    if (quarter !== null && q !== quarter) {
      throw new ScoringInputError(`${m.month} is not in ${quarter}`, `months[${i}].month`);
    }
    quarter = q;
    seenMonths.add(m.month);
    if (!Array.isArray(m.results)) throw new ScoringInputError("must be an array", `months[${i}].results`);
  });
  const ordered: QuarterMonthInput[] = [...months].sort((a, b) => compareStrings(a.month, b.month));

  const people = new Map<
    string,
    { name: string | null; byMonth: Map<string, { final: bigint; rank: number }> }
  >();
  for (const m of ordered) {
    const seen = new Set<string>();
    m.results.forEach((r, j) => {
      const path = `${m.month}.results[${j}]`;
      if (typeof r.personId !== "string" || r.personId.length === 0) {
        throw new ScoringInputError("personId must be a non-empty string", `${path}.personId`);
      }
      if (seen.has(r.personId)) {
        throw new ScoringInputError(`duplicate personId ${JSON.stringify(r.personId)}`, `${path}.personId`);
      }
      seen.add(r.personId);
      if (typeof r.finalRounded !== "bigint") {
        throw new ScoringInputError("finalRounded must be a bigint (hundredths)", `${path}.finalRounded`);
      }
      if (!Number.isSafeInteger(r.rankOverall) || r.rankOverall < 1) {
        throw new ScoringInputError("rankOverall must be a positive integer", `${path}.rankOverall`);
      }
      const entry = people.get(r.personId) ?? { name: null, byMonth: new Map() };
      // Latest month's name wins (months are processed in order).
      if (typeof r.name === "string") entry.name = r.name;
      entry.byMonth.set(m.month, { final: r.finalRounded, rank: r.rankOverall });
      people.set(r.personId, entry);
    });
  }

  const rows = [...people.entries()].map(([personId, e]) => {
    let sum = 0n;
    const ms = ordered.map((m) => {
      const v = e.byMonth.get(m.month);
      if (v) sum += v.final;
      return { month: m.month, finalRounded: v ? v.final : null, rank: v ? v.rank : null };
    });
    return { personId, name: e.name, months: ms, sum, rank: 0 };
  });
  const ranks = competitionRanks(rows.map((r) => r.sum));
  rows.forEach((r, i) => {
    r.rank = ranks[i]!;
  });
  rows.sort(
    (a, b) =>
      a.rank - b.rank || compareStrings(a.name ?? "", b.name ?? "") || compareStrings(a.personId, b.personId),
  );
  return rows;
}
