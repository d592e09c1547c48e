/**
 * Input/output shapes of the monthly computation and its machine-readable explanation.
 *
 * SCHEME.md, "Scoring: the formula" (raw, quantity, quality, veto, discretionary, final, rounding,
 * ranks) and "Work categories and coefficients" (per-category quality/quantity weights, coefficient
 * groups). Amounts: integer hundredths (`bigint`) at the boundary; intermediate values exact `Rational`s
 * in points (quantity 200/3 means 66.666… points).
 */
import type { Rational } from "./rational.js";

export interface CategoryConfig {
  /** Category code, e.g. "SERVICE". */
  code: string;
  /** Decimal string, ≤ 4 decimals, ≥ 0, e.g. "0.4". */
  qualityWeight: string;
  /** Decimal string, ≤ 4 decimals, ≥ 0, e.g. "0.6". Need not sum to 1 with qualityWeight. */
  quantityWeight: string;
  /** Normalisation group for quantity; defaults to `code` when omitted. */
  normGroup?: string;
}

/** One approved sheet line (the caller passes approved lines only, with the points version in force). */
export interface LineInput {
  /** Standard points per unit, hundredths, ≥ 0. */
  points: bigint;
  /** Units, non-negative integer. */
  count: number;
  ref?: string;
  itemCode?: string;
  label?: string;
}

/** Lines summed by the caller (see PersonInput.linesTotal). */
export interface LinesTotal {
  /** Σ count × points per unit, hundredths, ≥ 0. */
  points: bigint;
  /**
   * Sheet lines summed, non-negative integer, when the caller counted them (explanations only: publishing
   * does not count them, `/kpi why` counts the lines it reads back).
   */
  lines?: number;
  /** Σ count, non-negative integer, when the caller counted them (as `lines`). */
  units?: number;
}

export interface TempTaskInput {
  /** Price in hundredths (≥ 0), or null while awaiting pricing (counts 0). */
  points: bigint | null;
  ref?: string;
  label?: string;
}

/** A quality deduction (negative) or bonus (positive), in hundredths. `veto: true` = an applied 一票否决. */
export interface QualityAdjustmentInput {
  value: bigint;
  veto: boolean;
  reason?: string;
  ref?: string;
}

export interface PersonInput {
  personId: string;
  name?: string;
  categoryCode: string;
  sectionId?: string | null;
  lines: LineInput[];
  /**
   * Approved lines the caller has already summed (publishing has the database add up a month's lines:
   * twenty thousand totals to read, not two hundred thousand item rows): Σ count × points per unit, and
   * how many sheet lines and units that is. Counted in raw after `lines`, explained as one "linesTotal"
   * step; the line-by-line detail is read back from the locked sheet when someone asks (`/kpi why`).
   */
  linesTotal?: LinesTotal;
  tempTasks: TempTaskInput[];
  quality: QualityAdjustmentInput[];
  /** Branch chief's award, hundredths, ≥ 0. */
  discretionary: bigint;
}

export interface MonthInput {
  /** "YYYY-MM". */
  month: string;
  categories: CategoryConfig[];
  /** Everyone assessed this month (the pool is sized on this head count). */
  people: PersonInput[];
  /** Pool per assessed staff member, hundredths; default 1000n (10 points). */
  poolPerStaff?: bigint;
}

export type RankScope = "overall" | "category" | "section";

/** One step of a person's score, in computation order. Amounts: bigint = hundredths; Rational = exact points. */
export type ExplainStep =
  | {
      kind: "line";
      index: number;
      ref: string | null;
      itemCode: string | null;
      label: string | null;
      count: number;
      pointsPerUnit: bigint;
      /** count × pointsPerUnit. */
      points: bigint;
    }
  | {
      /** PersonInput.linesTotal: approved lines summed by the caller. */
      kind: "linesTotal";
      /** null when the caller did not count them (LinesTotal) */
      lines: number | null;
      units: number | null;
      points: bigint;
    }
  | {
      kind: "tempTask";
      index: number;
      ref: string | null;
      label: string | null;
      priced: boolean;
      /** The price, or 0n while unpriced. */
      points: bigint;
    }
  | { kind: "raw"; linesRaw: bigint; tempRaw: bigint; raw: bigint; unpricedTempCount: number }
  | {
      kind: "groupMax";
      normGroup: string;
      /** Category codes normalised together. */
      categories: string[];
      members: number;
      max: bigint;
      /** personIds whose raw equals the max (empty when max is 0). */
      maxHolders: string[];
    }
  | {
      kind: "quantity";
      /** 100 × raw / groupMax; 0 when groupMax is 0. */
      raw: bigint;
      groupMax: bigint;
      zeroMax: boolean;
      value: Rational;
    }
  | { kind: "qualityBase"; value: Rational }
  | {
      kind: "qualityAdjustment";
      index: number;
      value: bigint;
      veto: boolean;
      reason: string | null;
      ref: string | null;
      /** 100 + adjustments so far (before floor/veto). */
      runningTotal: Rational;
    }
  | { kind: "qualityFloor"; before: Rational; after: Rational; applied: boolean }
  | {
      kind: "veto";
      applied: boolean;
      /** Indexes (into the person's quality adjustments) of the veto items. */
      adjustmentIndexes: number[];
      before: Rational;
      after: Rational;
    }
  | { kind: "quality"; value: Rational }
  | {
      kind: "weights";
      categoryCode: string;
      qualityWeight: string;
      quantityWeight: string;
      /** quality × qualityWeight. */
      qualityWeighted: Rational;
      /** quantity × quantityWeight. */
      quantityWeighted: Rational;
    }
  | { kind: "discretionary"; value: bigint }
  | {
      kind: "final";
      /** qualityWeighted + quantityWeighted + discretionary, exact. */
      value: Rational;
    }
  | { kind: "round"; mode: "half-up"; exact: Rational; rounded: bigint }
  | {
      kind: "rank";
      scope: RankScope;
      /** Category code / sectionId / null for overall or for a person without a section. */
      scopeKey: string | null;
      /** null for scope "section" when the person has no section. */
      rank: number | null;
      /** Number of people ranked in this scope. */
      of: number;
      /** Number of people in this scope sharing this rank (1 = no tie). */
      sharedBy: number;
    };

/** A person's place in one ranking. */
export interface RankPlace {
  /** null for the section ranking of a person without a section */
  rank: number | null;
  /** people ranked in this scope */
  of: number;
  /** people in this scope sharing this rank (1 = no tie) */
  sharedBy: number;
}

/** A normalisation group as a member's explanation names it (the "groupMax" step). */
export interface GroupContext {
  normGroup: string;
  /** category codes normalised together, sorted */
  categories: string[];
  members: number;
  /** max raw in the group, hundredths */
  max: bigint;
  /** personIds whose raw equals the max, sorted (empty when max is 0) */
  maxHolders: string[];
}

export interface PersonResult {
  personId: string;
  name: string | null;
  categoryCode: string;
  sectionId: string | null;
  normGroup: string;
  /** Σ count × points (itemized lines and linesTotal) + Σ priced temp tasks, hundredths, exact. */
  raw: bigint;
  linesRaw: bigint;
  tempRaw: bigint;
  unpricedTempCount: number;
  /** Max raw in the normalisation group, hundredths. */
  groupMax: bigint;
  quantity: Rational;
  quality: Rational;
  /** 100 + Σ adjustments, before the floor at 0 and the veto. */
  qualityBeforeFloor: Rational;
  vetoed: boolean;
  qualityWeight: string;
  quantityWeight: string;
  qualityWeighted: Rational;
  quantityWeighted: Rational;
  discretionary: bigint;
  final: Rational;
  /** final rounded once, half up, hundredths. */
  finalRounded: bigint;
  rankOverall: number;
  rankCategory: number;
  rankSection: number | null;
  /** the three places with their scope sizes and ties (what the "rank" steps say) */
  places: { overall: RankPlace; category: RankPlace; section: RankPlace };
  /** 2-decimal display strings (half up). Display only; never fed back into computation. */
  display: { raw: string; quantity: string; quality: string; discretionary: string; final: string };
  /** empty when computed with `explain: false` */
  steps: ExplainStep[];
}

/** A normalisation group of the month: its members, its max raw and who holds it. */
export type GroupSummary = GroupContext;

export interface MonthResult {
  month: string;
  /** Sorted by rankOverall, then name, then personId. */
  people: PersonResult[];
  /** Every normalisation group of the configured categories, sorted by normGroup. */
  groups: GroupSummary[];
  pool: { size: bigint; spent: bigint; left: bigint; staffAssessed: number; poolPerStaff: bigint };
  /** spread = top − bottom rounded final, 2 decimals ("0.00" with fewer than two people). */
  totals: { raw: bigint; staff: number; spread: string };
}
