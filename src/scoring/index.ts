/**
 * Public entry point of the shared scoring module (pure, exact, no I/O).
 *
 * Implements SCHEME.md "Scoring: the formula" (raw, quantity, quality and veto, discretionary pool,
 * final, rounding, ranks, quarter) with the per-category coefficients of "Work categories and
 * coefficients". See each file's header for the rule it implements:
 * - rational.ts — exact bigint rationals (no floats anywhere);
 * - decimal.ts  — hundredths ⇄ strings, weights, the single half-up rounding;
 * - pool.ts     — discretionary pool (10 points × staff assessed, never overspent);
 * - rank.ts     — competition ranking 1, 2, 2, 4;
 * - month.ts    — computeMonth with a step-by-step explanation per person;
 * - quarter.ts  — quarterly sums and ranks.
 */
export { formatHundredths, parseHundredths, parseWeight, roundHalfUpToHundredths } from "./decimal.js";
export { PoolOverspentError, ScoringError, ScoringInputError } from "./errors.js";
export { type ComputeOptions, compareStrings, computeMonth, explainPerson } from "./month.js";
export { assertPoolNotOverspent, DEFAULT_POOL_PER_STAFF, type PoolStatus, poolStatus } from "./pool.js";
export {
  type QuarterMonthInput,
  type QuarterPersonResult,
  quarterMonths,
  quarterOf,
  rollUpQuarter,
} from "./quarter.js";
export { competitionPlaces, competitionRanks, rankCompetition } from "./rank.js";
export { Rational } from "./rational.js";
export type {
  CategoryConfig,
  ExplainStep,
  GroupContext,
  GroupSummary,
  LineInput,
  LinesTotal,
  MonthInput,
  MonthResult,
  PersonInput,
  PersonResult,
  QualityAdjustmentInput,
  RankPlace,
  RankScope,
  TempTaskInput,
} from "./types.js";
