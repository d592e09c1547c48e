/**
 * Errors raised by the scoring module.
 *
 * SCHEME.md, "Scoring: the formula": "the pool is never overspent" (PoolOverspentError); every other
 * rule violation in the input (unknown category, negative count, negative discretionary award, bad
 * weight, …) is a ScoringInputError naming the offending field.
 */
import { formatHundredths } from "./rational.js";

/** Base class, so callers can catch every scoring refusal at once. */
export class ScoringError extends Error {
  override name = "ScoringError";
}

/** The input breaks a rule of the scheme or the API contract. `path` names the field, e.g. "people[2].lines[0].count". */
export class ScoringInputError extends ScoringError {
  override name = "ScoringInputError";
  readonly path: string;

  constructor(message: string, path: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

/** Σ discretionary awards exceeds the month's pool. All amounts are integer hundredths. */
export class PoolOverspentError extends ScoringError {
  override name = "PoolOverspentError";
  /** Pool size = poolPerStaff × staffAssessed. */
  readonly size: bigint;
  /** Σ awards. */
  readonly spent: bigint;
  /** spent − size (> 0). */
  readonly over: bigint;
  readonly staffAssessed: number;
  readonly poolPerStaff: bigint;

  constructor(args: { size: bigint; spent: bigint; staffAssessed: number; poolPerStaff: bigint }) {
    const over = args.spent - args.size;
    super(
      `discretionary pool overspent: awarded ${formatHundredths(args.spent)} of ${formatHundredths(args.size)} ` +
        `(${args.staffAssessed} staff × ${formatHundredths(args.poolPerStaff)}), over by ${formatHundredths(over)}`,
    );
    this.size = args.size;
    this.spent = args.spent;
    this.over = over;
    this.staffAssessed = args.staffAssessed;
    this.poolPerStaff = args.poolPerStaff;
  }
}
