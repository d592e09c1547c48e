/**
 * What the assessment group's and the branch chief's use-cases share (pricing.ts, quality.ts, awards.ts):
 * - every refusal is audited through guard.ts refusalsAudited (outcome REFUSED, with the code and its
 *   values), outside the refused transaction so the refusal is kept;
 * - a month whose results are published (MonthClose.state PUBLISHED) takes no more pricing, quality
 *   scores or awards: assess.monthPublished;
 * - the month these commands mean when none is given: last month until its results are published, then
 *   this month (quality is scored and awards given for the month being closed).
 * - amounts typed by people ("5", "-2.5", "+3") → signed hundredths, exactly.
 */
import type { Db, Tx } from "../db/client.js";
import { type Clock, currentMonth, isMonth, shiftMonth } from "../util/time.js";
import { DomainError } from "./errors.js";
import { isClosedMonth } from "./guard.js";

export interface AssessmentDeps {
  clock: Clock;
  timeZone: string;
}

export function checkMonthArg(month: string): void {
  if (typeof month !== "string" || !isMonth(month)) throw new DomainError("log.badMonth", { value: month });
}

/**
 * Refuses when the month's results are published. Inside a transaction the MonthClose row (when there is
 * one) is share-locked, so a publish that updates it waits for this change or runs before it.
 */
export async function requireMonthOpen(tx: Db | Tx, month: string): Promise<void> {
  const rows = await tx.$queryRaw<{ state: string }[]>`
    SELECT state::text AS state FROM "MonthClose" WHERE month = ${month} FOR SHARE`;
  if (rows[0]?.state === "PUBLISHED") throw new DomainError("assess.monthPublished", { month });
}

/** Last month until it is published, then this month. */
export async function defaultAssessmentMonth(db: Db | Tx, deps: AssessmentDeps): Promise<string> {
  const now = currentMonth(deps.timeZone, deps.clock());
  const last = shiftMonth(now, -1);
  return (await isClosedMonth(db, last)) ? now : last;
}

const AMOUNT_RE = /^([+-]?)(\d{1,6})(?:\.(\d{1,2}))?$/;

/**
 * "5" → 500, "-2.5" → -250, "+3" → 300, "−1" (typographic minus) → -100, "1,5" is refused. Returns null when
 * the text is not a number with at most 2 decimals.
 */
export function parseSignedAmount(text: string): number | null {
  const s = String(text ?? "")
    .trim()
    .replace(/^[−–—]/, "-")
    .replace(/\s+/g, "");
  const m = AMOUNT_RE.exec(s);
  if (!m) return null;
  const v = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] === "-" ? -v : v;
}

/** Hundredths → "12.50" / "-3.00" (display). */
export function showAmount(h: number | bigint): string {
  const v = BigInt(h);
  const neg = v < 0n;
  const a = neg ? -v : v;
  return `${neg ? "-" : ""}${a / 100n}.${String(a % 100n).padStart(2, "0")}`;
}

export const MAX_REASON_LENGTH = 500;
export const MAX_EVIDENCE_LENGTH = 500;

/** A required reason: trimmed, 1…500 characters. */
export function requireReason(reason: unknown): string {
  const r = String(reason ?? "")
    .replace(/\s+/g, " ")
    .trim();
  if (!r) throw new DomainError("assess.noReason", {});
  if (r.length > MAX_REASON_LENGTH)
    throw new DomainError("assess.reasonTooLong", { length: r.length, max: MAX_REASON_LENGTH });
  return r;
}
