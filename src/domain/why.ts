/**
 * `/kpi why [@person] [month]`: every step from a person's lines to their final and rank (SCHEME.md
 * "Scoring: the formula"), built by the scoring module from what publishing kept (MonthResult's columns
 * and steps, MonthClose's groups; months published before kept the steps themselves), and replayed here
 * from those steps alone to show the final is reproduced exactly.
 * A month published with its lines summed (a "linesTotal" step) is explained line by line from the
 * person's locked sheet, read back now: the replay checks those lines add up to the published total.
 *
 * Who may see whose: everyone their own; a section chief the members of the sections they lead; the
 * assessment group everyone. A month not yet published is explained to the assessment group only (computed
 * now, marked as a preview); others are told it is not published.
 *
 * DomainError codes: auth.forbidden (audited), month.invalid, why.unknownPerson { who },
 * why.notAssessed { name, month }, why.notPublished { month }, why.nothingPublished.
 */
import type { Db } from "../db/client.js";
import type { MonthResult as MonthResultRow } from "../generated/prisma/client.js";
import { Role } from "../generated/prisma/enums.js";
import { computeMonth, explainPerson, type PersonInput, parseWeight, Rational } from "../scoring/index.js";
import { isMonth } from "../util/time.js";
import { audit, toJson } from "./audit.js";
import type { CloseRecord } from "./close.js";
import { DomainError } from "./errors.js";
import { type LeftOutLines, loadMonthInput, loadPersonLines, parseLineRef } from "./month-input.js";
import { type Actor, hasRole } from "./people.js";
import { decodeExplanation, decodeSteps } from "./steps-codec.js";

/** A step as stored (JSON): bigints as decimal strings, rationals as "num/den" strings. */
export type StoredStep = { kind: string } & Record<string, unknown>;

export interface Explanation {
  month: string;
  status: "published" | "preview";
  person: { personId: string; slackUserId: string; name: string; nameEn: string | null };
  categoryCode: string;
  sectionCode: string | null;
  steps: StoredStep[];
  /** names of people referred to by the steps (group max holders) */
  names: Record<string, string>;
  /** item code → { name, nameEn } for the line steps */
  items: Record<string, { name: string; nameEn: string }>;
  /** the final as stored (hundredths) */
  final: bigint;
  /** the final replayed from the steps alone (hundredths) and whether every step agrees */
  replay: Replay;
}

export interface Replay {
  final: bigint;
  ok: boolean;
  /** the first step that does not follow from the ones before it */
  problem: string | null;
}

const big = (v: unknown) => BigInt(String(v));
const rat = (v: unknown) => Rational.parse(String(v));

/**
 * Recomputes raw, quantity, quality, the weighted parts and the rounded final from the steps only, and
 * checks each stored step against it.
 */
export function replaySteps(steps: StoredStep[]): Replay {
  let linesRaw = 0n;
  let tempRaw = 0n;
  let raw = 0n;
  let quantity = Rational.ZERO;
  let quality = Rational.HUNDRED;
  let vetoed = false;
  let qualityW = Rational.ZERO;
  let quantityW = Rational.ZERO;
  let disc = 0n;
  let final = Rational.ZERO;
  let rounded = -1n;
  const bad = (why: string): Replay => ({ final: rounded, ok: false, problem: why });
  for (const s of steps) {
    switch (s.kind) {
      case "line": {
        const pts = BigInt(Number(s.count)) * big(s.pointsPerUnit);
        if (pts !== big(s.points))
          return bad(`line ${s.index}: ${s.count} × ${s.pointsPerUnit} ≠ ${s.points}`);
        linesRaw += pts;
        break;
      }
      case "linesTotal":
        // with `detail`, the line steps before it are the summed lines read back from the sheet
        if (s.detail) {
          if (linesRaw !== big(s.points)) return bad(`lines ${linesRaw} ≠ published total ${s.points}`);
        } else linesRaw += big(s.points);
        break;
      case "tempTask":
        if (s.priced) tempRaw += big(s.points);
        break;
      case "raw":
        raw = linesRaw + tempRaw;
        if (raw !== big(s.raw)) return bad(`raw ${s.raw} ≠ ${raw}`);
        break;
      case "groupMax":
        break;
      case "quantity": {
        const max = big(s.groupMax);
        quantity = max === 0n ? Rational.ZERO : Rational.of(100n * raw, max);
        if (!quantity.eq(rat(s.value))) return bad(`quantity ${s.value} ≠ ${quantity}`);
        break;
      }
      case "qualityBase":
        quality = rat(s.value);
        break;
      case "qualityAdjustment":
        quality = quality.add(Rational.fromHundredths(big(s.value)));
        if (s.veto) vetoed = true;
        break;
      case "qualityFloor":
        quality = quality.max(Rational.ZERO);
        break;
      case "veto":
        if (vetoed) quality = Rational.ZERO;
        break;
      case "quality":
        if (!quality.eq(rat(s.value))) return bad(`quality ${s.value} ≠ ${quality}`);
        break;
      case "weights":
        qualityW = quality.mul(parseWeight(String(s.qualityWeight)));
        quantityW = quantity.mul(parseWeight(String(s.quantityWeight)));
        if (!qualityW.eq(rat(s.qualityWeighted)) || !quantityW.eq(rat(s.quantityWeighted)))
          return bad("weighted parts");
        break;
      case "discretionary":
        disc = big(s.value);
        break;
      case "final":
        final = qualityW.add(quantityW).add(Rational.fromHundredths(disc));
        if (!final.eq(rat(s.value))) return bad(`final ${s.value} ≠ ${final}`);
        break;
      case "round":
        rounded = final.toHundredthsHalfUp();
        if (rounded !== big(s.rounded)) return bad(`rounded ${s.rounded} ≠ ${rounded}`);
        break;
      default:
        break;
    }
  }
  if (rounded < 0n) return bad("no rounding step");
  return { final: rounded, ok: true, problem: null };
}

/**
 * A published result's explanation steps. Rows that keep their explanation's inputs (StoredExplanation)
 * get them built by the scoring module's explainPerson from those inputs, the row's columns and the month's
 * normalisation groups (MonthClose, CloseRecord.groups): the same steps computing the month gave. Rows of
 * months published before keep the steps themselves. What cannot be read gives no steps (the replay then
 * says so).
 */
export function publishedSteps(
  r: Pick<
    MonthResultRow,
    | "personId"
    | "categoryCode"
    | "sectionId"
    | "normGroup"
    | "qualityWeight"
    | "quantityWeight"
    | "discretionary"
    | "rankOverall"
    | "rankCategory"
    | "rankSection"
    | "steps"
  >,
  closeRecord: unknown,
): StoredStep[] {
  const e = decodeExplanation(r.steps);
  if (!e) return decodeSteps(r.steps);
  const g = (closeRecord as CloseRecord | null)?.groups?.find((x) => x.normGroup === r.normGroup);
  if (!g) return [];
  const input: PersonInput = {
    personId: r.personId,
    categoryCode: r.categoryCode,
    sectionId: r.sectionId,
    lines: [],
    ...(e.l
      ? {
          linesTotal:
            e.c === 0 ? { points: BigInt(e.l[2]) } : { points: BigInt(e.l[2]), lines: e.l[0], units: e.l[1] },
        }
      : {}),
    tempTasks: (e.t ?? []).map(([points, ref, label]) => ({
      points: points === null ? null : BigInt(points),
      ref: ref ?? undefined,
      label: label ?? undefined,
    })),
    quality: (e.q ?? []).map(([value, veto, reason, ref]) => ({
      value: BigInt(value),
      veto,
      reason: reason ?? undefined,
      ref: ref ?? undefined,
    })),
    discretionary: r.discretionary,
  };
  const place = (rank: number | null, [of, sharedBy]: [number, number]) => ({ rank, of, sharedBy });
  const steps = explainPerson(
    input,
    {
      code: r.categoryCode,
      qualityWeight: r.qualityWeight.toString(),
      quantityWeight: r.quantityWeight.toString(),
      normGroup: r.normGroup,
    },
    { ...g, max: BigInt(g.max) },
    {
      overall: place(r.rankOverall, e.r[0]!),
      category: place(r.rankCategory, e.r[1]!),
      section: place(r.rankSection, e.r[2]!),
    },
  );
  return toJson(steps) as StoredStep[];
}

/**
 * Published steps with their "linesTotal" step's lines, read back from the person's locked sheet less
 * those publishing recorded as left out for missing documents (`leftOut`), as
 * "line" steps just before it (marked `detail`, so the replay checks their sum against the total instead
 * of counting the lines twice). Steps without a total (months published line by line) are as stored.
 */
export async function withLineDetail(
  db: Db,
  month: string,
  personId: string,
  steps: StoredStep[],
  leftOut: readonly LeftOutLines[] = [],
): Promise<StoredStep[]> {
  const at = steps.findIndex((s) => s.kind === "linesTotal");
  if (at < 0) return steps;
  const lines = await loadPersonLines(db, month, personId, leftOut);
  const detail: StoredStep[] = lines.map((l, index) => ({
    kind: "line",
    index,
    ref: l.ref ?? null,
    itemCode: l.itemCode ?? null,
    label: null,
    count: l.count,
    pointsPerUnit: l.points.toString(),
    points: (BigInt(l.count) * l.points).toString(),
  }));
  // publishing does not count the lines and units of the total (months published before did): counted
  // here from the lines read back
  const total: StoredStep = { ...steps[at]!, detail: true };
  if (total.lines === null || total.lines === undefined)
    total.lines = lines.reduce((n, l) => n + (parseLineRef(l.ref ?? "")?.lines ?? 0), 0);
  if (total.units === null || total.units === undefined) total.units = lines.reduce((n, l) => n + l.count, 0);
  return [...steps.slice(0, at), ...detail, total, ...steps.slice(at + 1)];
}

async function latestPublished(db: Db): Promise<string | null> {
  const c = await db.monthClose.findFirst({
    where: { state: "PUBLISHED" },
    orderBy: { month: "desc" },
    select: { month: true },
  });
  return c?.month ?? null;
}

/** Whether `actor` may ask for someone else's explanation at all (the group: anyone; a chief: their section). */
export function mayExplainOthers(actor: Actor): boolean {
  return hasRole(actor, Role.ASSESSMENT_GROUP) || actor.chiefOf.length > 0;
}

/**
 * The explanation of `target`'s result (a Slack user id; default: the actor) for `month` (default: the
 * latest published month).
 */
export async function explainResult(
  db: Db,
  actor: Actor,
  input: { target?: string; month?: string },
): Promise<Explanation> {
  const targetSlack = input.target ?? actor.slackUserId;
  try {
    // someone who may only see their own result is refused before the name is looked up, so they
    // never learn whether it exists
    if (targetSlack !== actor.slackUserId && !mayExplainOthers(actor))
      throw new DomainError("auth.forbidden", { roles: "ASSESSMENT_GROUP, SECTION_CHIEF" });
    const person = await db.person.findUnique({
      where: { slackUserId: targetSlack },
      include: { section: true },
    });
    if (!person) throw new DomainError("why.unknownPerson", { who: targetSlack });
    const isGroup = hasRole(actor, Role.ASSESSMENT_GROUP);
    const own = person.id === actor.personId;
    const chief = person.sectionId !== null && actor.chiefOf.includes(person.sectionId);
    if (!own && !chief && !isGroup)
      throw new DomainError("auth.forbidden", { roles: "ASSESSMENT_GROUP, SECTION_CHIEF" });
    let month = input.month;
    if (month !== undefined && !isMonth(month)) throw new DomainError("month.invalid", { month });
    month ??= (await latestPublished(db)) ?? undefined;
    if (!month) throw new DomainError("why.nothingPublished");
    const close = await db.monthClose.findUnique({ where: { month } });
    const published = close?.state === "PUBLISHED";

    let steps: StoredStep[];
    let final: bigint;
    let categoryCode: string;
    if (published) {
      const r = await db.monthResult.findUnique({
        where: { month_personId: { month, personId: person.id } },
      });
      if (!r) throw new DomainError("why.notAssessed", { name: person.name, month });
      steps = await withLineDetail(
        db,
        month,
        person.id,
        publishedSteps(r, close?.exceptions ?? null),
        decodeExplanation(r.steps)?.m ?? [],
      );
      final = r.final;
      categoryCode = r.categoryCode;
    } else {
      if (!isGroup) throw new DomainError("why.notPublished", { month });
      const loaded = await loadMonthInput(db, month);
      const inPeople = loaded.input.people.filter((p) => p.personId === person.id);
      if (inPeople.length === 0) throw new DomainError("why.notAssessed", { name: person.name, month });
      const result = computeMonth(loaded.input);
      const p = result.people.find((x) => x.personId === person.id)!;
      steps = toJson(p.steps) as StoredStep[];
      final = p.finalRounded;
      categoryCode = p.categoryCode;
    }

    const holderIds = steps
      .filter((s) => s.kind === "groupMax")
      .flatMap((s) => (Array.isArray(s.maxHolders) ? (s.maxHolders as string[]) : []));
    const holders = await db.person.findMany({
      where: { id: { in: holderIds } },
      select: { id: true, name: true },
    });
    const codes = steps
      .filter((s) => s.kind === "line")
      .map((s) => parseLineRef((s.ref as string | null) ?? null)?.itemCode ?? (s.itemCode as string | null))
      .filter((c): c is string => !!c);
    const items = await db.workItem.findMany({
      where: { code: { in: codes } },
      select: { code: true, name: true, nameEn: true },
    });
    return {
      month,
      status: published ? "published" : "preview",
      person: {
        personId: person.id,
        slackUserId: person.slackUserId,
        name: person.name,
        nameEn: person.nameEn,
      },
      categoryCode,
      sectionCode: person.section?.code ?? null,
      steps,
      names: Object.fromEntries(holders.map((h) => [h.id, h.name])),
      items: Object.fromEntries(items.map((i) => [i.code, { name: i.name, nameEn: i.nameEn }])),
      final,
      replay: replaySteps(steps),
    };
  } catch (e) {
    if (e instanceof DomainError && e.code === "auth.forbidden") {
      await audit(db, {
        actor: actor.slackUserId,
        action: "result.explain",
        entityType: "MonthResult",
        entityId: `${input.month ?? "latest"}:${targetSlack}`,
        outcome: "REFUSED",
        reason: e.code,
      }).catch(() => {});
    }
    throw e;
  }
}
