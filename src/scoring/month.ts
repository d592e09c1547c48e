/**
 * The month's computation: raw → quantity → quality → final → rounding → ranks, with an explanation.
 *
 * SCHEME.md, "Scoring: the formula", for person p in month m:
 * - raw(p) = Σ approved lines (count × points per unit in force; given line by line, or already summed as
 *   `linesTotal`, or both) + priced temporary tasks
 *   ("Temporary tasks": until priced they count 0).
 * - quantity(p) = 100 × raw(p) / max raw(q) over q in p's normalisation group; 0 when that max is 0.
 * - quality(p) = 100 + Σ adjustments, never below 0; an applied veto sets quality(p) = 0.
 * - discretionary(p) ≥ 0; Σ ≤ pool = poolPerStaff × staff assessed (see pool.ts).
 * - final(p) = quality × qualityWeight(cat) + quantity × quantityWeight(cat) + discretionary(p),
 *   exact; rounded once, half up, to hundredths.
 * - ranks by the rounded final, descending, competition style (1, 2, 2, 4): overall, within category,
 *   within section.
 * "Work categories and coefficients": weights per category; MONITOR and GUIDANCE share coefficient
 * group B — whether categories are normalised together is the `normGroup` setting (default: own code).
 *
 * Pure: no I/O, no clock, no floats. The result does not depend on the order of people, categories
 * (or, except for step indexes, lines) in the input.
 */
import { parseWeight, roundHalfUpToHundredths } from "./decimal.js";
import { ScoringInputError } from "./errors.js";
import { assertPoolNotOverspent, DEFAULT_POOL_PER_STAFF } from "./pool.js";
import { competitionPlaces } from "./rank.js";
import { formatHundredths, Rational } from "./rational.js";
import type {
  CategoryConfig,
  ExplainStep,
  GroupContext,
  GroupSummary,
  MonthInput,
  MonthResult,
  PersonInput,
  PersonResult,
  RankPlace,
  RankScope,
} from "./types.js";

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Code-unit string order (locale-independent, so results are the same on every machine). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface ResolvedCategory {
  code: string;
  qualityWeight: string;
  quantityWeight: string;
  qw: Rational;
  nw: Rational;
  normGroup: string;
}

function fail(message: string, path: string): never {
  throw new ScoringInputError(message, path);
}

function checkNonEmptyString(v: unknown, path: string): string {
  if (typeof v !== "string" || v.length === 0) fail(`must be a non-empty string, got ${describe(v)}`, path);
  return v;
}

function checkOptionalString(v: unknown, path: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") fail(`must be a string, got ${describe(v)}`, path);
  return v;
}

function checkNonNegBigint(v: unknown, path: string, what: string): bigint {
  if (typeof v !== "bigint" || v < 0n)
    fail(`${what} must be a non-negative bigint (hundredths), got ${describe(v)}`, path);
  return v;
}

function describe(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

function resolveCategories(categories: unknown): Map<string, ResolvedCategory> {
  if (!Array.isArray(categories)) fail("must be an array", "categories");
  const out = new Map<string, ResolvedCategory>();
  categories.forEach((c: CategoryConfig, i) => {
    const path = `categories[${i}]`;
    if (typeof c !== "object" || c === null) fail("must be an object", path);
    const code = checkNonEmptyString(c.code, `${path}.code`);
    if (out.has(code)) fail(`duplicate category code ${JSON.stringify(code)}`, `${path}.code`);
    const qw = parseWeight(c.qualityWeight, `${path}.qualityWeight`);
    const nw = parseWeight(c.quantityWeight, `${path}.quantityWeight`);
    const normGroup =
      c.normGroup === undefined ? code : checkNonEmptyString(c.normGroup, `${path}.normGroup`);
    out.set(code, {
      code,
      qualityWeight: c.qualityWeight,
      quantityWeight: c.quantityWeight,
      qw,
      nw,
      normGroup,
    });
  });
  return out;
}

interface Prepared {
  input: PersonInput;
  name: string | null;
  sectionId: string | null;
  cat: ResolvedCategory;
  linesRaw: bigint;
  tempRaw: bigint;
  unpricedTempCount: number;
  raw: bigint;
  preSteps: ExplainStep[];
}

function preparePerson(
  p: PersonInput,
  i: number,
  cats: Map<string, ResolvedCategory>,
  explain: boolean,
): Prepared {
  const path = `people[${i}]`;
  if (typeof p !== "object" || p === null) fail("must be an object", path);
  checkNonEmptyString(p.personId, `${path}.personId`);
  const name = checkOptionalString(p.name, `${path}.name`);
  const code = checkNonEmptyString(p.categoryCode, `${path}.categoryCode`);
  const cat = cats.get(code);
  if (!cat) fail(`unknown category ${JSON.stringify(code)}`, `${path}.categoryCode`);
  const sectionId =
    p.sectionId === undefined || p.sectionId === null
      ? null
      : checkNonEmptyString(p.sectionId, `${path}.sectionId`);
  checkNonNegBigint(p.discretionary, `${path}.discretionary`, "discretionary award");
  for (const key of ["lines", "tempTasks", "quality"] as const) {
    if (!Array.isArray(p[key])) fail("must be an array", `${path}.${key}`);
  }

  const steps: ExplainStep[] = [];
  let linesRaw = 0n;
  p.lines.forEach((l, j) => {
    const lp = `${path}.lines[${j}]`;
    if (typeof l !== "object" || l === null) fail("must be an object", lp);
    const ppu = checkNonNegBigint(l.points, `${lp}.points`, "points per unit");
    if (typeof l.count !== "number" || !Number.isSafeInteger(l.count) || l.count < 0) {
      fail(`count must be a non-negative integer, got ${describe(l.count)}`, `${lp}.count`);
    }
    const pts = BigInt(l.count) * ppu;
    linesRaw += pts;
    // checked whether or not the steps are built: the input is checked in full either way
    const ref = checkOptionalString(l.ref, `${lp}.ref`);
    const itemCode = checkOptionalString(l.itemCode, `${lp}.itemCode`);
    const label = checkOptionalString(l.label, `${lp}.label`);
    if (explain)
      steps.push({
        kind: "line",
        index: j,
        ref,
        itemCode,
        label,
        count: l.count,
        pointsPerUnit: ppu,
        points: pts,
      });
  });

  if (p.linesTotal !== undefined) {
    const lp = `${path}.linesTotal`;
    const t = p.linesTotal;
    if (typeof t !== "object" || t === null) fail("must be an object", lp);
    const points = checkNonNegBigint(t.points, `${lp}.points`, "summed lines' points");
    for (const key of ["lines", "units"] as const) {
      const v = t[key];
      if (v !== undefined && (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0))
        fail(`${key} must be a non-negative integer when given, got ${describe(v)}`, `${lp}.${key}`);
    }
    linesRaw += points;
    if (explain) steps.push({ kind: "linesTotal", lines: t.lines ?? null, units: t.units ?? null, points });
  }

  let tempRaw = 0n;
  let unpricedTempCount = 0;
  p.tempTasks.forEach((t, j) => {
    const tp = `${path}.tempTasks[${j}]`;
    if (typeof t !== "object" || t === null) fail("must be an object", tp);
    const priced = t.points !== null;
    const pts = priced ? checkNonNegBigint(t.points, `${tp}.points`, "temporary task price") : 0n;
    if (priced) tempRaw += pts;
    else unpricedTempCount++;
    const ref = checkOptionalString(t.ref, `${tp}.ref`);
    const label = checkOptionalString(t.label, `${tp}.label`);
    if (explain) steps.push({ kind: "tempTask", index: j, ref, label, priced, points: pts });
  });

  p.quality.forEach((q, j) => {
    const qp = `${path}.quality[${j}]`;
    if (typeof q !== "object" || q === null) fail("must be an object", qp);
    if (typeof q.value !== "bigint")
      fail(`value must be a bigint (hundredths), got ${describe(q.value)}`, `${qp}.value`);
    if (typeof q.veto !== "boolean") fail(`veto must be a boolean, got ${describe(q.veto)}`, `${qp}.veto`);
    checkOptionalString(q.reason, `${qp}.reason`);
    checkOptionalString(q.ref, `${qp}.ref`);
  });

  const raw = linesRaw + tempRaw;
  if (explain) steps.push({ kind: "raw", linesRaw, tempRaw, raw, unpricedTempCount });
  return { input: p, name, sectionId, cat, linesRaw, tempRaw, unpricedTempCount, raw, preSteps: steps };
}

interface Quality {
  beforeFloor: Rational;
  value: Rational;
  vetoed: boolean;
  steps: ExplainStep[];
}

function computeQuality(p: PersonInput, explain: boolean): Quality {
  const steps: ExplainStep[] = [];
  let total = Rational.HUNDRED;
  if (explain) steps.push({ kind: "qualityBase", value: total });
  const vetoIdx: number[] = [];
  p.quality.forEach((q, j) => {
    total = total.add(Rational.fromHundredths(q.value));
    if (q.veto) vetoIdx.push(j);
    if (!explain) return;
    steps.push({
      kind: "qualityAdjustment",
      index: j,
      value: q.value,
      veto: q.veto,
      reason: q.reason ?? null,
      ref: q.ref ?? null,
      runningTotal: total,
    });
  });
  const floored = total.max(Rational.ZERO);
  const vetoed = vetoIdx.length > 0;
  const value = vetoed ? Rational.ZERO : floored;
  if (explain)
    steps.push(
      { kind: "qualityFloor", before: total, after: floored, applied: !floored.eq(total) },
      { kind: "veto", applied: vetoed, adjustmentIndexes: vetoIdx, before: floored, after: value },
      { kind: "quality", value },
    );
  return { beforeFloor: total, value, vetoed, steps };
}

export interface ComputeOptions {
  /**
   * Build each person's explanation steps (default true). Publishing computes without them (the
   * numbers are the same) and keeps what `explainPerson` needs to build them again for one person.
   */
  explain?: boolean;
}

interface Scored {
  p: Prepared;
  group: GroupContext;
  quantity: Rational;
  q: Quality;
  qualityWeighted: Rational;
  quantityWeighted: Rational;
  final: Rational;
  finalRounded: bigint;
  steps: ExplainStep[];
}

/** One person's quantity, quality, weighted parts and final, given their normalisation group. */
function scorePerson(p: Prepared, g: GroupContext, explain: boolean): Scored {
  const steps = p.preSteps;
  if (explain)
    steps.push({
      kind: "groupMax",
      normGroup: g.normGroup,
      categories: [...g.categories],
      members: g.members,
      max: g.max,
      maxHolders: [...g.maxHolders],
    });
  const zeroMax = g.max === 0n;
  const quantity = zeroMax ? Rational.ZERO : Rational.of(100n * p.raw, g.max);
  if (explain) steps.push({ kind: "quantity", raw: p.raw, groupMax: g.max, zeroMax, value: quantity });

  const q = computeQuality(p.input, explain);
  if (explain) steps.push(...q.steps);

  const qualityWeighted = q.value.mul(p.cat.qw);
  const quantityWeighted = quantity.mul(p.cat.nw);
  const disc = p.input.discretionary;
  const final = qualityWeighted.add(quantityWeighted).add(Rational.fromHundredths(disc));
  const finalRounded = roundHalfUpToHundredths(final);
  if (explain)
    steps.push(
      {
        kind: "weights",
        categoryCode: p.cat.code,
        qualityWeight: p.cat.qualityWeight,
        quantityWeight: p.cat.quantityWeight,
        qualityWeighted,
        quantityWeighted,
      },
      { kind: "discretionary", value: disc },
      { kind: "final", value: final },
      { kind: "round", mode: "half-up", exact: final, rounded: finalRounded },
    );
  return { p, group: g, quantity, q, qualityWeighted, quantityWeighted, final, finalRounded, steps };
}

function rankSteps(p: Prepared, places: PersonResult["places"]): ExplainStep[] {
  const step = (scope: RankScope, scopeKey: string | null, r: RankPlace): ExplainStep => ({
    kind: "rank",
    scope,
    scopeKey,
    rank: r.rank,
    of: r.of,
    sharedBy: r.sharedBy,
  });
  return [
    step("overall", null, places.overall),
    step("category", p.cat.code, places.category),
    step("section", p.sectionId, places.section),
  ];
}

/**
 * One person's explanation steps, exactly as computeMonth gives them for that month, from that person's
 * input, their category's weights, their normalisation group as the month had it, and their places in the
 * three rankings: what `/kpi why` needs to explain a published result without computing the whole month
 * again (computeMonth and this share the per-person code; tested equal for everyone).
 */
export function explainPerson(
  input: PersonInput,
  category: CategoryConfig,
  group: GroupContext,
  places: PersonResult["places"],
): ExplainStep[] {
  const cats = resolveCategories([category]);
  const p = preparePerson(input, 0, cats, true);
  if (p.cat.normGroup !== group.normGroup)
    fail(`category normalises in ${p.cat.normGroup}, not ${group.normGroup}`, "group.normGroup");
  const s = scorePerson(p, group, true);
  s.steps.push(...rankSteps(p, places));
  return s.steps;
}

/**
 * Compute a closed month. Throws ScoringInputError for invalid input (checked first, in full) and
 * PoolOverspentError when Σ discretionary > poolPerStaff × people.length.
 */
export function computeMonth(input: MonthInput, opts: ComputeOptions = {}): MonthResult {
  const explain = opts.explain ?? true;
  if (typeof input !== "object" || input === null) fail("must be an object", "input");
  if (typeof input.month !== "string" || !MONTH_RE.test(input.month)) {
    fail(`must be YYYY-MM, got ${describe(input.month)}`, "month");
  }
  const poolPerStaff =
    input.poolPerStaff === undefined
      ? DEFAULT_POOL_PER_STAFF
      : checkNonNegBigint(input.poolPerStaff, "poolPerStaff", "pool per staff");
  const cats = resolveCategories(input.categories);
  if (!Array.isArray(input.people)) fail("must be an array", "people");

  const seen = new Set<string>();
  const prepared = input.people.map((p, i) => {
    const pr = preparePerson(p, i, cats, explain);
    if (seen.has(p.personId))
      fail(`duplicate personId ${JSON.stringify(p.personId)}`, `people[${i}].personId`);
    seen.add(p.personId);
    return pr;
  });

  const pool = assertPoolNotOverspent(
    prepared.length,
    prepared.map((p) => p.input.discretionary),
    poolPerStaff,
  );

  // Normalisation groups: every group named by a configured category, with its max raw.
  const groupInfo = new Map<string, { categories: string[]; max: bigint; members: Prepared[] }>();
  for (const c of cats.values()) {
    const g = groupInfo.get(c.normGroup) ?? { categories: [], max: 0n, members: [] };
    g.categories.push(c.code);
    groupInfo.set(c.normGroup, g);
  }
  for (const p of prepared) {
    const g = groupInfo.get(p.cat.normGroup)!;
    g.members.push(p);
    if (p.raw > g.max) g.max = p.raw;
  }
  for (const g of groupInfo.values()) g.categories.sort(compareStrings);

  // Who holds each group's max, computed once per group (not once per member).
  const holders = new Map<object, string[]>();
  const holdersOf = (g: { max: bigint; members: Prepared[] }): string[] => {
    let h = holders.get(g);
    if (!h) {
      h =
        g.max === 0n
          ? []
          : g.members
              .filter((m) => m.raw === g.max)
              .map((m) => m.input.personId)
              .sort(compareStrings);
      holders.set(g, h);
    }
    return h;
  };

  // Each group as its members' explanations name it, built once per group.
  const contexts = new Map<string, GroupContext>();
  const contextOf = (normGroup: string): GroupContext => {
    let c = contexts.get(normGroup);
    if (!c) {
      const g = groupInfo.get(normGroup)!;
      c = {
        normGroup,
        categories: g.categories,
        members: g.members.length,
        max: g.max,
        maxHolders: holdersOf(g),
      };
      contexts.set(normGroup, c);
    }
    return c;
  };

  // Per-person scores (before ranks).
  const scored = prepared.map((p) => scorePerson(p, contextOf(p.cat.normGroup), explain));

  const keys = scored.map((s) => s.finalRounded);
  const [overall = [], byCategory = [], bySection = []] = competitionPlaces(keys, [
    () => "",
    (i) => scored[i]!.p.cat.code,
    (i) => scored[i]!.p.sectionId,
  ]);

  const people: PersonResult[] = scored.map((s, i) => {
    const { p } = s;
    const ro = overall[i]!;
    const rc = byCategory[i]!;
    const rs = bySection[i]!;
    if (explain) s.steps.push(...rankSteps(p, { overall: ro, category: rc, section: rs }));
    return {
      personId: p.input.personId,
      name: p.name,
      categoryCode: p.cat.code,
      sectionId: p.sectionId,
      normGroup: p.cat.normGroup,
      raw: p.raw,
      linesRaw: p.linesRaw,
      tempRaw: p.tempRaw,
      unpricedTempCount: p.unpricedTempCount,
      groupMax: s.group.max,
      quantity: s.quantity,
      quality: s.q.value,
      qualityBeforeFloor: s.q.beforeFloor,
      vetoed: s.q.vetoed,
      qualityWeight: p.cat.qualityWeight,
      quantityWeight: p.cat.quantityWeight,
      qualityWeighted: s.qualityWeighted,
      quantityWeighted: s.quantityWeighted,
      discretionary: p.input.discretionary,
      final: s.final,
      finalRounded: s.finalRounded,
      rankOverall: ro.rank!,
      rankCategory: rc.rank!,
      rankSection: rs.rank,
      places: { overall: ro, category: rc, section: rs },
      display: {
        raw: formatHundredths(p.raw),
        quantity: s.quantity.toFixed2(),
        quality: s.q.value.toFixed2(),
        discretionary: formatHundredths(p.input.discretionary),
        final: formatHundredths(s.finalRounded),
      },
      steps: s.steps,
    };
  });

  people.sort(
    (a, b) =>
      a.rankOverall - b.rankOverall ||
      compareStrings(a.name ?? "", b.name ?? "") ||
      compareStrings(a.personId, b.personId),
  );

  const groups: GroupSummary[] = [...groupInfo.keys()]
    .map((normGroup) => contextOf(normGroup))
    .sort((a, b) => compareStrings(a.normGroup, b.normGroup));

  let totalRaw = 0n;
  for (const p of people) totalRaw += p.raw;
  const spread = people.length === 0 ? 0n : people[0]!.finalRounded - people[people.length - 1]!.finalRounded;

  return {
    month: input.month,
    people,
    groups,
    pool: { ...pool, staffAssessed: people.length, poolPerStaff },
    totals: { raw: totalRaw, staff: people.length, spread: formatHundredths(spread) },
  };
}
