/**
 * Pricing temporary tasks (临时性工作), SCHEME.md "The work item catalog": the assessment group prices a
 * task by comparison with similar work of the same category and the ratio of necessary labour time; until
 * priced it counts 0. A priced task counts in its owner's raw points for its month (loadMonthInput reads
 * TempTask.status PRICED and points).
 *
 * The suggestion (points per minute × the task's minutes), explained by its basis:
 * - "item":     earlier priced tasks that named the same similar item: Σ their points / Σ their minutes;
 * - "category": else earlier priced tasks whose similar item is in the task's category (the similar item's
 *               category, else its owner's category for the month);
 * - "base":     else the scheme's base rate, 1 point per minute of normal handling time.
 * It is rounded once, half up, to hundredths. The group may set any other price with a reason.
 *
 * Rules:
 * - Only the assessment group lists or prices (auth.forbidden); nobody prices their own task
 *   (pricing.ownTask); a month whose results are published takes no pricing (assess.monthPublished).
 * - Pricing is one conditional update (status must still be AWAITING_PRICING), so of two group members
 *   pricing the same task one wins; the other is told who priced it, at what and when
 *   (pricing.alreadyPriced). The same actor repeating the same price and reason (a retry, a double click)
 *   gets the recorded result back (repeated: true) and nothing is written.
 * - Every pricing and every refusal is audited.
 *
 * DomainError codes (i18n keys under "errors.") and params:
 *   auth.forbidden         { roles }                       not in the assessment group
 *   pricing.notFound       { taskId }                      no such task
 *   pricing.taskDeleted    { taskId }                      its owner deleted it
 *   pricing.ownTask        { taskId }                      the actor's own task
 *   pricing.badPoints      { value, max }                  not a whole number of hundredths in 0…max
 *   pricing.alreadyPriced  { taskId, by, byUser, points, at }  someone else priced it (or another price)
 *   assess.noReason        {}                              empty reason
 *   assess.reasonTooLong   { length, max }
 *   assess.monthPublished        { month }
 *   log.badMonth           { value }                       a month filter that is not YYYY-MM
 */
import type { Db, Tx } from "../db/client.js";
import { Role, TempTaskStatus } from "../generated/prisma/enums.js";
import { localDateTime } from "../util/time.js";
import {
  type AssessmentDeps,
  checkMonthArg,
  requireMonthOpen,
  requireReason,
  showAmount,
} from "./assessment.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";
import { refusalsAudited } from "./guard.js";
import { requireActive } from "./logging.js";
import { type Actor, requireRole } from "./people.js";

/** The highest price: 10,000 points (a whole day at ~7 points a minute). */
export const MAX_TASK_POINTS = 1_000_000;
/** The scheme's base rate: 1 point (100 hundredths) per minute. */
export const BASE_RATE_PER_MINUTE = 100;

export interface PricingSuggestion {
  basis: "item" | "category" | "base";
  /** hundredths */
  points: number;
  /** the reference: Σ points (hundredths) and Σ minutes of the tasks it was drawn from (base: 100 / 1) */
  refPoints: number;
  refMinutes: number;
  /** how many priced tasks it was drawn from (0 for base) */
  refTasks: number;
  categoryCode: string | null;
}

export interface PricingTask {
  id: string;
  month: string;
  workDate: string;
  minutes: number;
  description: string;
  status: TempTaskStatus;
  points: number | null;
  pricingReason: string | null;
  pricedAt: Date | null;
  pricedBy: { personId: string; slackUserId: string; name: string } | null;
  owner: { personId: string; slackUserId: string; name: string; nameEn: string | null };
  sheetState: string;
  categoryCode: string | null;
  /** the category's names, for the explanation */
  category: { code: string; name: string; nameEn: string } | null;
  similarItem: {
    id: string;
    code: string;
    name: string;
    nameEn: string;
    categoryCode: string;
    unit: string;
    /** points per unit in force for the task's month (hundredths), null when none */
    pointsPerUnit: number | null;
  } | null;
  suggestion: PricingSuggestion;
}

export interface PricingQueue {
  month: string | null;
  tasks: PricingTask[];
  /** awaiting tasks in all open months (the list may be cut at `limit`) */
  total: number;
}

async function requireGroup(actor: Actor): Promise<void> {
  requireActive(actor);
  requireRole(actor, Role.ASSESSMENT_GROUP);
}

type TaskRow = {
  id: string;
  personId: string;
  month: string;
  workDate: string;
  minutes: number;
  description: string;
  status: TempTaskStatus;
  points: number | null;
  pricingReason: string | null;
  pricedById: string | null;
  pricedAt: Date | null;
  similarItemId: string | null;
  sheet: { state: string };
  person: {
    id: string;
    slackUserId: string;
    name: string;
    nameEn: string | null;
    categoryCode: string | null;
    monthCategories: { month: string; categoryCode: string }[];
  };
};

const TASK_INCLUDE = {
  sheet: { select: { state: true } },
  person: {
    select: {
      id: true,
      slackUserId: true,
      name: true,
      nameEn: true,
      categoryCode: true,
      monthCategories: { select: { month: true, categoryCode: true } },
    },
  },
} as const;

/** Half-up integer division of non-negative numbers. */
function divHalfUp(num: bigint, den: bigint): bigint {
  return (2n * num + den) / (2n * den);
}

async function suggestFor(
  db: Db | Tx,
  task: { id: string; minutes: number; similarItemId: string | null },
  categoryCode: string | null,
): Promise<PricingSuggestion> {
  const from = async (where: "item" | "category") => {
    const rows =
      where === "item"
        ? await db.$queryRaw<{ n: bigint; points: bigint | null; minutes: bigint | null }[]>`
            SELECT COUNT(*)::bigint AS n, SUM(t.points)::bigint AS points, SUM(t.minutes)::bigint AS minutes
            FROM "TempTask" t
            WHERE t.status = 'PRICED' AND t.points IS NOT NULL AND t.minutes > 0 AND t.id <> ${task.id}
              AND t."similarItemId" = ${task.similarItemId}`
        : await db.$queryRaw<{ n: bigint; points: bigint | null; minutes: bigint | null }[]>`
            SELECT COUNT(*)::bigint AS n, SUM(t.points)::bigint AS points, SUM(t.minutes)::bigint AS minutes
            FROM "TempTask" t JOIN "WorkItem" i ON i.id = t."similarItemId"
            WHERE t.status = 'PRICED' AND t.points IS NOT NULL AND t.minutes > 0 AND t.id <> ${task.id}
              AND i."categoryCode" = ${categoryCode}`;
    const r = rows[0];
    if (!r || Number(r.n) === 0 || !r.minutes) return null;
    const refPoints = BigInt(r.points ?? 0);
    const refMinutes = BigInt(r.minutes);
    return {
      basis: where,
      points: Number(divHalfUp(refPoints * BigInt(task.minutes), refMinutes)),
      refPoints: Number(refPoints),
      refMinutes: Number(refMinutes),
      refTasks: Number(r.n),
      categoryCode,
    } satisfies PricingSuggestion;
  };
  const byItem = task.similarItemId ? await from("item") : null;
  if (byItem) return byItem;
  const byCategory = categoryCode ? await from("category") : null;
  if (byCategory) return byCategory;
  return {
    basis: "base",
    points: task.minutes * BASE_RATE_PER_MINUTE,
    refPoints: BASE_RATE_PER_MINUTE,
    refMinutes: 1,
    refTasks: 0,
    categoryCode,
  };
}

async function toPricingTasks(db: Db | Tx, rows: TaskRow[]): Promise<PricingTask[]> {
  const itemIds = [...new Set(rows.map((r) => r.similarItemId).filter((x): x is string => !!x))];
  const items = itemIds.length
    ? await db.workItem.findMany({
        where: { id: { in: itemIds } },
        select: {
          id: true,
          code: true,
          name: true,
          nameEn: true,
          categoryCode: true,
          unit: true,
          versions: { select: { points: true, effectiveMonth: true }, orderBy: { effectiveMonth: "desc" } },
        },
      })
    : [];
  const pricerIds = [...new Set(rows.map((r) => r.pricedById).filter((x): x is string => !!x))];
  const pricers = pricerIds.length
    ? await db.person.findMany({
        where: { id: { in: pricerIds } },
        select: { id: true, slackUserId: true, name: true },
      })
    : [];
  const categories = await db.category.findMany({ select: { code: true, name: true, nameEn: true } });
  const categoryByCode = new Map(categories.map((c) => [c.code, c]));
  const itemById = new Map(items.map((i) => [i.id, i]));
  const pricerById = new Map(pricers.map((p) => [p.id, p]));
  const out: PricingTask[] = [];
  for (const r of rows) {
    const it = r.similarItemId ? itemById.get(r.similarItemId) : undefined;
    const ownerCategory =
      r.person.monthCategories.find((c) => c.month === r.month)?.categoryCode ?? r.person.categoryCode;
    const categoryCode = it?.categoryCode ?? ownerCategory ?? null;
    const pricer = r.pricedById ? pricerById.get(r.pricedById) : undefined;
    out.push({
      id: r.id,
      month: r.month,
      workDate: r.workDate,
      minutes: r.minutes,
      description: r.description,
      status: r.status,
      points: r.points,
      pricingReason: r.pricingReason,
      pricedAt: r.pricedAt,
      pricedBy: pricer ? { personId: pricer.id, slackUserId: pricer.slackUserId, name: pricer.name } : null,
      owner: {
        personId: r.person.id,
        slackUserId: r.person.slackUserId,
        name: r.person.name,
        nameEn: r.person.nameEn,
      },
      sheetState: r.sheet.state,
      categoryCode,
      category: (categoryCode && categoryByCode.get(categoryCode)) || null,
      similarItem: it
        ? {
            id: it.id,
            code: it.code,
            name: it.name,
            nameEn: it.nameEn,
            categoryCode: it.categoryCode,
            unit: it.unit,
            pointsPerUnit: it.versions.find((v) => v.effectiveMonth <= r.month)?.points ?? null,
          }
        : null,
      suggestion: await suggestFor(db, r, categoryCode),
    });
  }
  return out;
}

/**
 * The queue: temporary tasks awaiting pricing in months not yet published (or in one month), oldest
 * first, each with its suggestion. `limit` cuts the list (default 50); `total` counts them all.
 */
export async function listPricingQueue(
  db: Db,
  actor: Actor,
  opts: { month?: string; limit?: number } = {},
): Promise<PricingQueue> {
  return refusalsAudited(
    db,
    actor,
    { action: "pricing.list", entityType: "TempTask", input: opts },
    async () => {
      await requireGroup(actor);
      if (opts.month !== undefined) checkMonthArg(opts.month);
      const published = await db.monthClose.findMany({
        where: { state: "PUBLISHED" },
        select: { month: true },
      });
      const where = {
        status: TempTaskStatus.AWAITING_PRICING,
        ...(opts.month
          ? { month: opts.month }
          : published.length
            ? { month: { notIn: published.map((p) => p.month) } }
            : {}),
      };
      const [rows, total] = await Promise.all([
        db.tempTask.findMany({
          where,
          include: TASK_INCLUDE,
          orderBy: [{ month: "asc" }, { workDate: "asc" }, { createdAt: "asc" }, { id: "asc" }],
          take: Math.max(1, Math.min(opts.limit ?? 50, 500)),
        }),
        db.tempTask.count({ where }),
      ]);
      return { month: opts.month ?? null, tasks: await toPricingTasks(db, rows as TaskRow[]), total };
    },
  );
}

/** One task as the pricing form shows it (any status), for the assessment group. */
export async function pricingTask(db: Db, actor: Actor, taskId: string): Promise<PricingTask> {
  return refusalsAudited(
    db,
    actor,
    { action: "pricing.view", entityType: "TempTask", entityId: String(taskId) },
    async () => {
      await requireGroup(actor);
      const row = await db.tempTask.findUnique({ where: { id: String(taskId) }, include: TASK_INCLUDE });
      if (!row) throw new DomainError("pricing.notFound", { taskId });
      return (await toPricingTasks(db, [row as TaskRow]))[0]!;
    },
  );
}

export interface PriceInput {
  taskId: string;
  /** hundredths, 0…MAX_TASK_POINTS */
  points: number;
  reason: string;
}

export interface PriceResult {
  task: PricingTask;
  /** the same actor had already recorded this price (nothing written) */
  repeated: boolean;
  /** the task's owner, to be told */
  notify: { slackUserId: string; personId: string };
}

/** Prices a temporary task. One transaction, one conditional update; audited. */
export async function priceTempTask(
  db: Db,
  deps: AssessmentDeps,
  actor: Actor,
  input: PriceInput,
): Promise<PriceResult> {
  const taskId = String(input.taskId ?? "");
  return refusalsAudited(
    db,
    actor,
    { action: "pricing.price", entityType: "TempTask", entityId: taskId, input },
    async () => {
      await requireGroup(actor);
      const points = input.points;
      if (!Number.isSafeInteger(points) || points < 0 || points > MAX_TASK_POINTS) {
        throw new DomainError("pricing.badPoints", { value: String(points), max: MAX_TASK_POINTS / 100 });
      }
      const reason = requireReason(input.reason);
      const now = deps.clock();
      const outcome = await db.$transaction(async (tx) => {
        const row = await tx.tempTask.findUnique({ where: { id: taskId }, include: TASK_INCLUDE });
        if (!row) throw new DomainError("pricing.notFound", { taskId });
        if (row.status === TempTaskStatus.DELETED) throw new DomainError("pricing.taskDeleted", { taskId });
        if (row.personId === actor.personId) throw new DomainError("pricing.ownTask", { taskId });
        await requireMonthOpen(tx, row.month);
        const [view] = await toPricingTasks(tx, [row as TaskRow]);
        const suggestion = view!.suggestion;
        const upd = await tx.tempTask.updateMany({
          where: { id: taskId, status: TempTaskStatus.AWAITING_PRICING },
          data: {
            status: TempTaskStatus.PRICED,
            points,
            suggestedPoints: suggestion.points,
            pricingReason: reason,
            pricedById: actor.personId,
            pricedAt: now,
          },
        });
        if (upd.count === 0) return { won: false as const };
        await audit(tx, {
          actor: actor.slackUserId,
          action: "pricing.price",
          entityType: "TempTask",
          entityId: taskId,
          before: { status: row.status, points: row.points },
          after: {
            status: TempTaskStatus.PRICED,
            points,
            suggestedPoints: suggestion.points,
            suggestionBasis: suggestion.basis,
            reason,
            ownerId: row.personId,
            month: row.month,
          },
        });
        return { won: true as const };
      });
      const task = await pricingTask(db, actor, taskId);
      if (!outcome.won) {
        // someone (or this actor, earlier) priced it first
        if (task.status === TempTaskStatus.DELETED) throw new DomainError("pricing.taskDeleted", { taskId });
        const same =
          task.pricedBy?.personId === actor.personId &&
          task.points === points &&
          task.pricingReason === reason;
        if (!same) {
          throw new DomainError("pricing.alreadyPriced", {
            taskId,
            by: task.pricedBy?.name ?? "?",
            byUser: task.pricedBy?.slackUserId ?? "",
            points: showAmount(task.points ?? 0),
            at: task.pricedAt ? localDateTime(task.pricedAt, deps.timeZone) : "",
          });
        }
      }
      return {
        task,
        repeated: !outcome.won,
        notify: { slackUserId: task.owner.slackUserId, personId: task.owner.personId },
      };
    },
  );
}
