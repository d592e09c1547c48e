/**
 * The branch chief's discretionary pool (分局长机动分), SCHEME.md "Scoring: the formula": discretionary(p)
 * ≥ 0, given by the branch chief; the month's pool is 10 points (setting poolPerStaff) × the staff
 * assessed that month, and it is never overspent. The pool arithmetic is the scoring module's
 * (poolStatus); "staff assessed" is exactly who loadMonthInput puts in the month's computation, so the pool
 * shown here is the pool the close checks.
 *
 * Rules:
 * - Only the branch chief reads the pool or gives (auth.forbidden); the recipient must be assessed that
 *   month (award.notAssessed) and not the giver (award.self); a published month takes nothing
 *   (assess.monthPublished).
 * - Giving more than what is left is refused with the numbers (award.overspent: pool, given, left, asked).
 *   Concurrent gifts for one month are serialised by a transaction-scoped advisory lock, so two gifts that
 *   each fit but not together cannot both pass.
 * - Idempotent: a gift carries the form's key (unique); a retried or double-clicked form gives once
 *   (repeated: true). revokeAward withdraws a gift; repeating it changes nothing.
 * - Everything, refusals included, is audited (with the pool before and after).
 *
 * DomainError codes (i18n keys under "errors.") and params:
 *   auth.forbidden      { roles }
 *   award.badPoints     { value }                      not a positive amount with at most 2 decimals
 *   award.notAssessed   { user, month }
 *   award.self          {}
 *   award.overspent     { pool, given, left, asked, month }  (2-decimal strings)
 *   award.notFound      { awardId }
 *   assess.noReason / assess.reasonTooLong, assess.monthPublished { month }, log.badMonth { value }
 */
import type { Db, Tx } from "../db/client.js";
import { Role } from "../generated/prisma/enums.js";
import { poolStatus } from "../scoring/index.js";
import {
  type AssessmentDeps,
  checkMonthArg,
  requireMonthOpen,
  requireReason,
  showAmount,
} from "./assessment.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";
import { isClosedMonth, refusalsAudited } from "./guard.js";
import { requireActive } from "./logging.js";
import { loadMonthInput } from "./month-input.js";
import { type Actor, requireRole } from "./people.js";

export interface PoolView {
  month: string;
  staffAssessed: number;
  /** hundredths */
  poolPerStaff: bigint;
  size: bigint;
  given: bigint;
  left: bigint;
  /** everyone assessed, with what they were given so far (hundredths) */
  people: {
    personId: string;
    slackUserId: string;
    name: string;
    nameEn: string | null;
    categoryCode: string;
    given: bigint;
  }[];
  awards: {
    id: string;
    personId: string;
    slackUserId: string;
    name: string;
    points: number;
    reason: string;
    awardedBy: string;
    createdAt: Date;
  }[];
  published: boolean;
}

function requireBranchChief(actor: Actor): void {
  requireActive(actor);
  requireRole(actor, Role.BRANCH_CHIEF);
}

async function readPool(db: Db | Tx, month: string): Promise<PoolView> {
  const loaded = await loadMonthInput(db, month, { lines: "summed" });
  const rows = await db.discretionaryAward.findMany({
    where: { month, revokedAt: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const ids = [...new Set([...rows.map((r) => r.personId), ...rows.map((r) => r.awardedById)])];
  const names = ids.length
    ? await db.person.findMany({
        where: { id: { in: ids } },
        select: { id: true, slackUserId: true, name: true },
      })
    : [];
  const byId = new Map(names.map((p) => [p.id, p]));
  const staff = loaded.input.people;
  // awards to people no longer assessed (deactivated after the gift) still count against the pool
  const status = poolStatus(
    staff.length,
    rows.map((r) => BigInt(r.points)),
    loaded.input.poolPerStaff ?? 1000n,
  );
  const givenTo = new Map<string, bigint>();
  for (const r of rows) givenTo.set(r.personId, (givenTo.get(r.personId) ?? 0n) + BigInt(r.points));
  return {
    month,
    staffAssessed: staff.length,
    poolPerStaff: loaded.input.poolPerStaff ?? 1000n,
    size: status.size,
    given: status.spent,
    left: status.left,
    people: [...loaded.people.values()]
      .map((p) => ({
        personId: p.personId,
        slackUserId: p.slackUserId,
        name: p.name,
        nameEn: p.nameEn,
        categoryCode: p.categoryCode!,
        given: givenTo.get(p.personId) ?? 0n,
      }))
      .sort((a, b) => a.categoryCode.localeCompare(b.categoryCode) || a.name.localeCompare(b.name)),
    awards: rows.map((r) => ({
      id: r.id,
      personId: r.personId,
      slackUserId: byId.get(r.personId)?.slackUserId ?? "",
      name: byId.get(r.personId)?.name ?? "?",
      points: r.points,
      reason: r.reason,
      awardedBy: byId.get(r.awardedById)?.name ?? "?",
      createdAt: r.createdAt,
    })),
    published: await isClosedMonth(db, month),
  };
}

/** The month's pool: size, given, left, who is assessed and what each was given. */
export async function poolView(db: Db, actor: Actor, month: string): Promise<PoolView> {
  return refusalsAudited(
    db,
    actor,
    { action: "award.view", entityType: "DiscretionaryAward", input: { month } },
    async () => {
      requireBranchChief(actor);
      checkMonthArg(month);
      return readPool(db, month);
    },
  );
}

export interface AwardResult {
  pool: PoolView;
  award: { id: string; personId: string; slackUserId: string; name: string; points: number; reason: string };
  repeated: boolean;
}

/** Gives discretionary points (hundredths, > 0) to an assessed person, within what is left of the pool. */
export async function giveAward(
  db: Db,
  deps: AssessmentDeps,
  actor: Actor,
  input: { month: string; person: string; points: number; reason: string; key: string },
): Promise<AwardResult> {
  return refusalsAudited(
    db,
    actor,
    { action: "award.give", entityType: "DiscretionaryAward", input },
    async () => {
      requireBranchChief(actor);
      checkMonthArg(input.month);
      const month = input.month;
      const key = String(input.key ?? "");
      if (!/^[A-Za-z0-9_-]{8,64}$/.test(key)) throw new DomainError("invalidRequest", {});
      const points = input.points;
      if (!Number.isSafeInteger(points) || points <= 0 || points > 100_000_000)
        throw new DomainError("award.badPoints", { value: String(points) });
      const reason = requireReason(input.reason);
      const now = deps.clock();
      const out = await db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`kpi_award:${month}`}))`;
        await requireMonthOpen(tx, month);
        const existing = await tx.discretionaryAward.findUnique({ where: { requestKey: key } });
        if (existing) return { id: existing.id, repeated: true };
        const before = await readPool(tx, month);
        const ref = String(input.person ?? "");
        const who = before.people.find((p) => p.slackUserId === ref || p.personId === ref);
        if (!who) throw new DomainError("award.notAssessed", { user: ref, month });
        if (who.personId === actor.personId) throw new DomainError("award.self", {});
        const after = poolStatus(before.staffAssessed, [before.given, BigInt(points)], before.poolPerStaff);
        if (after.spent > after.size) {
          throw new DomainError("award.overspent", {
            month,
            pool: showAmount(before.size),
            given: showAmount(before.given),
            left: showAmount(before.left),
            asked: showAmount(points),
          });
        }
        const row = await tx.discretionaryAward.create({
          data: {
            month,
            personId: who.personId,
            points,
            reason,
            awardedById: actor.personId,
            createdAt: now,
            requestKey: key,
          },
        });
        await audit(tx, {
          actor: actor.slackUserId,
          action: "award.give",
          entityType: "DiscretionaryAward",
          entityId: row.id,
          before: { pool: before.size, given: before.given, left: before.left },
          after: {
            month,
            personId: who.personId,
            points,
            reason,
            pool: after.size,
            given: after.spent,
            left: after.left,
          },
        });
        return { id: row.id, repeated: false };
      });
      const row = await db.discretionaryAward.findUniqueOrThrow({
        where: { id: out.id },
      });
      const person = await db.person.findUniqueOrThrow({
        where: { id: row.personId },
        select: { slackUserId: true, name: true },
      });
      return {
        pool: await readPool(db, row.month),
        award: {
          id: row.id,
          personId: row.personId,
          slackUserId: person.slackUserId,
          name: person.name,
          points: row.points,
          reason: row.reason,
        },
        repeated: out.repeated,
      };
    },
  );
}

/** Withdraws a gift (back into the pool). Repeating it changes nothing. */
export async function revokeAward(
  db: Db,
  deps: AssessmentDeps,
  actor: Actor,
  input: { awardId: string },
): Promise<{ pool: PoolView; repeated: boolean }> {
  const id = String(input.awardId ?? "");
  return refusalsAudited(
    db,
    actor,
    { action: "award.revoke", entityType: "DiscretionaryAward", entityId: id },
    async () => {
      requireBranchChief(actor);
      const out = await db.$transaction(async (tx) => {
        const row = await tx.discretionaryAward.findUnique({ where: { id } });
        if (!row) throw new DomainError("award.notFound", { awardId: id });
        await requireMonthOpen(tx, row.month);
        const now = deps.clock();
        const upd = await tx.discretionaryAward.updateMany({
          where: { id, revokedAt: null },
          data: { revokedAt: now, revokedById: actor.personId },
        });
        if (upd.count > 0) {
          await audit(tx, {
            actor: actor.slackUserId,
            action: "award.revoke",
            entityType: "DiscretionaryAward",
            entityId: id,
            before: { points: row.points, reason: row.reason, revokedAt: null },
            after: { revokedAt: now, revokedById: actor.personId },
          });
        }
        return { month: row.month, repeated: upd.count === 0 };
      });
      return { pool: await readPool(db, out.month), repeated: out.repeated };
    },
  );
}
