/** Discretionary pool (SCHEME.md "Scoring: the formula": 10 points × staff assessed, never overspent). */
import { describe, expect, it } from "vitest";
import {
  assertPoolNotOverspent,
  PoolOverspentError,
  poolStatus,
  ScoringError,
  ScoringInputError,
} from "../../src/scoring/index.js";

describe("poolStatus", () => {
  it("size = 10 points × staff by default", () => {
    expect(poolStatus(3, [500n, 1000n, 0n])).toEqual({ size: 3000n, spent: 1500n, left: 1500n });
    expect(poolStatus(0, [])).toEqual({ size: 0n, spent: 0n, left: 0n });
    expect(poolStatus(4, [100n], 250n)).toEqual({ size: 1000n, spent: 100n, left: 900n });
  });

  it("reports a negative left without throwing", () => {
    expect(poolStatus(1, [1001n]).left).toBe(-1n);
  });

  it("refuses negative awards and bad head counts", () => {
    expect(() => poolStatus(1, [-1n])).toThrow(ScoringInputError);
    expect(() => poolStatus(-1, [])).toThrow(ScoringInputError);
    expect(() => poolStatus(1.5, [])).toThrow(ScoringInputError);
    expect(() => poolStatus(1, [], -1n)).toThrow(ScoringInputError);
  });
});

describe("assertPoolNotOverspent", () => {
  it("exactly spent is fine", () => {
    expect(assertPoolNotOverspent(3, [1000n, 2000n])).toEqual({ size: 3000n, spent: 3000n, left: 0n });
  });

  it("0.01 over is refused with size, spent and over", () => {
    let caught: unknown;
    try {
      assertPoolNotOverspent(3, [1000n, 2001n]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PoolOverspentError);
    expect(caught).toBeInstanceOf(ScoringError);
    const err = caught as PoolOverspentError;
    expect([err.size, err.spent, err.over, err.staffAssessed, err.poolPerStaff]).toEqual([
      3000n,
      3001n,
      1n,
      3,
      1000n,
    ]);
    expect(err.name).toBe("PoolOverspentError");
    expect(err.message).toBe(
      "discretionary pool overspent: awarded 30.01 of 30.00 (3 staff × 10.00), over by 0.01",
    );
  });

  it("any award with nobody assessed is over", () => {
    expect(() => assertPoolNotOverspent(0, [1n])).toThrow(PoolOverspentError);
  });
});
