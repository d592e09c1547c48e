/**
 * The branch chief's discretionary pool (分局长机动分).
 *
 * SCHEME.md, "Scoring: the formula": "discretionary(p) ≥ 0, given by the branch chief; the month's pool
 * is 10 points × the number of staff assessed that month, and the pool is never overspent."
 * The 10 points per head is the default `poolPerStaff` (1000n hundredths) and is configuration.
 * Spending exactly the whole pool is allowed; one hundredth more is refused.
 */
import { PoolOverspentError, ScoringInputError } from "./errors.js";

/** Default pool per assessed staff member: 10 points, in hundredths. */
export const DEFAULT_POOL_PER_STAFF = 1000n;

export interface PoolStatus {
  /** poolPerStaff × staffAssessed (hundredths). */
  size: bigint;
  /** Σ awards (hundredths). */
  spent: bigint;
  /** size − spent; negative when overspent (poolStatus does not throw for that, assertPoolNotOverspent does). */
  left: bigint;
}

/** Pool arithmetic without judging it. Throws ScoringInputError on a negative award/pool or a bad head count. */
export function poolStatus(
  staffAssessed: number,
  awards: readonly bigint[],
  poolPerStaff: bigint = DEFAULT_POOL_PER_STAFF,
): PoolStatus {
  if (!Number.isSafeInteger(staffAssessed) || staffAssessed < 0) {
    throw new ScoringInputError(
      `must be a non-negative integer, got ${String(staffAssessed)}`,
      "staffAssessed",
    );
  }
  if (typeof poolPerStaff !== "bigint" || poolPerStaff < 0n) {
    throw new ScoringInputError(
      `must be a non-negative bigint (hundredths), got ${String(poolPerStaff)}`,
      "poolPerStaff",
    );
  }
  let spent = 0n;
  awards.forEach((a, i) => {
    if (typeof a !== "bigint" || a < 0n) {
      throw new ScoringInputError(
        `discretionary award must be a non-negative bigint (hundredths), got ${String(a)}`,
        `awards[${i}]`,
      );
    }
    spent += a;
  });
  const size = poolPerStaff * BigInt(staffAssessed);
  return { size, spent, left: size - spent };
}

/** As poolStatus, but throws PoolOverspentError (carrying size, spent, over) when Σ awards > size. */
export function assertPoolNotOverspent(
  staffAssessed: number,
  awards: readonly bigint[],
  poolPerStaff: bigint = DEFAULT_POOL_PER_STAFF,
): PoolStatus {
  const st = poolStatus(staffAssessed, awards, poolPerStaff);
  if (st.spent > st.size) {
    throw new PoolOverspentError({ size: st.size, spent: st.spent, staffAssessed, poolPerStaff });
  }
  return st;
}
