/**
 * Deputies: a reviewer (principal) names someone who may review on their behalf for a date range
 * (inclusive, dates in the configured time zone), e.g. `/kpi deputy @user 2026-12-01 2026-12-10`.
 *
 * Rules:
 * - A section chief or branch chief sets their own deputy; an admin or the assessment group may set one
 *   for any reviewer (`principal`).
 * - The deputy must be an active person other than the principal. The range is at most 366 days and ends
 *   today or later. Ranges of the same principal may overlap (two deputies at once).
 * - A deputy acts for the principal only while today (in the zone) lies within the range and the
 *   appointment is not revoked; their decisions record both names (decidedById / decidedForId).
 * - Revoking is idempotent (revoking a revoked appointment answers alreadyRevoked: true).
 * - Every refusal is audited (REFUSED, with its code): revoking someone else's appointment included.
 *
 * DomainError codes (i18n keys under "errors.") and params:
 *   deputy.badDate       { value }              not a real date (YYYY-MM-DD)
 *   deputy.badRange      { from, to }           from after to, or longer than 366 days
 *   deputy.past          { to, today }          the range ended before today
 *   deputy.self          {}                     naming oneself
 *   deputy.unknownPerson { user }               the deputy (or principal) is not a registered, active person
 *   deputy.notReviewer   {}                     the principal reviews nobody (not a chief)
 *   deputy.notFound      { id }                 no such appointment (or not the actor's to revoke)
 *   auth.forbidden       { roles }              setting a deputy for someone else without admin rights
 */
import type { Db, Tx } from "../db/client.js";
import { type Clock, isDate, todayIn } from "../util/time.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";
import { refusalsAudited } from "./guard.js";
import { requireActive } from "./logging.js";
import { type Actor, hasRole } from "./people.js";

export interface DeputyDeps {
  clock: Clock;
  timeZone: string;
}

export interface DeputyView {
  id: string;
  principal: { personId: string; slackUserId: string; name: string };
  deputy: { personId: string; slackUserId: string; name: string };
  from: string;
  to: string;
  createdById: string;
  revoked: boolean;
  /** today lies within the range and it is not revoked */
  active: boolean;
}

const MAX_DAYS = 366;

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

async function personBrief(db: Db | Tx, where: { id?: string; slackUserId?: string }) {
  if (!where.id && !where.slackUserId) return null;
  return db.person.findFirst({
    where: where.id ? { id: where.id } : { slackUserId: where.slackUserId! },
    select: { id: true, slackUserId: true, name: true, active: true },
  });
}

/** Whether a person reviews anyone: a section chief, or the branch chief. */
async function isReviewer(db: Db | Tx, personId: string): Promise<boolean> {
  const [chief, branch] = await Promise.all([
    db.sectionChief.count({ where: { personId } }),
    db.roleAssignment.count({ where: { personId, role: "BRANCH_CHIEF" } }),
  ]);
  return chief + branch > 0;
}

/**
 * Names `deputy` (a Slack user id or Person id) as the principal's deputy from `from` to `to`. The principal
 * is the actor unless `principal` names someone else (admins and the assessment group only).
 */
export async function setDeputy(
  db: Db,
  deps: DeputyDeps,
  actor: Actor,
  input: { deputy: string; from: string; to: string; principal?: string },
): Promise<DeputyView> {
  requireActive(actor);
  return refusalsAudited(db, actor, { action: "deputy.set", entityType: "Deputy" }, async () => {
    for (const d of [input.from, input.to]) {
      if (typeof d !== "string" || !isDate(d)) throw new DomainError("deputy.badDate", { value: String(d) });
    }
    if (input.from > input.to || daysBetween(input.from, input.to) > MAX_DAYS) {
      throw new DomainError("deputy.badRange", { from: input.from, to: input.to });
    }
    const today = todayIn(deps.timeZone, deps.clock());
    if (input.to < today) throw new DomainError("deputy.past", { to: input.to, today });
    let principalId = actor.personId;
    if (input.principal && input.principal !== actor.personId && input.principal !== actor.slackUserId) {
      if (!hasRole(actor, "ADMIN", "ASSESSMENT_GROUP")) {
        throw new DomainError("auth.forbidden", { roles: "ADMIN, ASSESSMENT_GROUP" });
      }
      const p =
        (await personBrief(db, { slackUserId: input.principal })) ??
        (await personBrief(db, { id: input.principal }));
      if (!p?.active) throw new DomainError("deputy.unknownPerson", { user: input.principal });
      principalId = p.id;
    }
    const deputy =
      (await personBrief(db, { slackUserId: input.deputy })) ?? (await personBrief(db, { id: input.deputy }));
    if (!deputy?.active) throw new DomainError("deputy.unknownPerson", { user: input.deputy });
    if (deputy.id === principalId) throw new DomainError("deputy.self", {});
    if (!(await isReviewer(db, principalId))) throw new DomainError("deputy.notReviewer", {});
    const now = deps.clock();
    const created = await db.$transaction(async (tx) => {
      const row = await tx.deputy.create({
        data: {
          principalId,
          deputyId: deputy.id,
          startDate: input.from,
          endDate: input.to,
          createdById: actor.personId,
          createdAt: now,
        },
      });
      const principal = await tx.person.findUniqueOrThrow({
        where: { id: principalId },
        select: { slackUserId: true },
      });
      await audit(tx, {
        actor: actor.slackUserId,
        action: "deputy.set",
        entityType: "Deputy",
        entityId: row.id,
        after: {
          person: principal.slackUserId,
          principalId,
          deputyId: deputy.id,
          deputy: deputy.slackUserId,
          from: input.from,
          to: input.to,
        },
      });
      return row;
    });
    return (await viewsOf(db, [created], today))[0]!;
  });
}

/** Revokes an appointment: the principal, the person who made it, or an admin / the assessment group. */
export async function revokeDeputy(
  db: Db,
  deps: DeputyDeps,
  actor: Actor,
  id: string,
): Promise<{ deputy: DeputyView; alreadyRevoked: boolean }> {
  requireActive(actor);
  return refusalsAudited(db, actor, { action: "deputy.revoke", entityType: "Deputy", entityId: id }, () =>
    db.$transaction(async (tx) => {
      const row = typeof id === "string" && id ? await tx.deputy.findUnique({ where: { id } }) : null;
      const allowed =
        row &&
        (row.principalId === actor.personId ||
          row.createdById === actor.personId ||
          hasRole(actor, "ADMIN", "ASSESSMENT_GROUP"));
      if (!row || !allowed) throw new DomainError("deputy.notFound", { id: String(id ?? "") });
      const today = todayIn(deps.timeZone, deps.clock());
      if (row.revokedAt) return { deputy: (await viewsOf(tx, [row], today))[0]!, alreadyRevoked: true };
      const updated = await tx.deputy.update({ where: { id }, data: { revokedAt: deps.clock() } });
      const principal = await tx.person.findUnique({
        where: { id: row.principalId },
        select: { slackUserId: true },
      });
      await audit(tx, {
        actor: actor.slackUserId,
        action: "deputy.revoke",
        entityType: "Deputy",
        entityId: id,
        before: { revokedAt: null },
        after: { person: principal?.slackUserId ?? null, revokedAt: updated.revokedAt },
      });
      return { deputy: (await viewsOf(tx, [updated], today))[0]!, alreadyRevoked: false };
    }),
  );
}

/** Appointments where the actor is principal or deputy (not revoked, not ended before today). */
export async function listDeputies(db: Db, deps: DeputyDeps, actor: Actor): Promise<DeputyView[]> {
  requireActive(actor);
  const today = todayIn(deps.timeZone, deps.clock());
  const all = hasRole(actor, "ADMIN", "ASSESSMENT_GROUP");
  const rows = await db.deputy.findMany({
    where: {
      revokedAt: null,
      endDate: { gte: today },
      ...(all ? {} : { OR: [{ principalId: actor.personId }, { deputyId: actor.personId }] }),
    },
    orderBy: [{ startDate: "asc" }, { id: "asc" }],
  });
  return viewsOf(db, rows, today);
}

/**
 * The principals a person currently deputises for (today in the zone within the range, not revoked).
 */
export async function principalsOf(db: Db | Tx, personId: string, today: string): Promise<string[]> {
  const rows = await db.deputy.findMany({
    where: { deputyId: personId, revokedAt: null, startDate: { lte: today }, endDate: { gte: today } },
    select: { principalId: true },
  });
  return [...new Set(rows.map((r) => r.principalId))];
}

/** Whether `personId` is an active deputy of `principalId` today. */
export async function isActiveDeputy(
  db: Db | Tx,
  personId: string,
  principalId: string,
  today: string,
): Promise<boolean> {
  const n = await db.deputy.count({
    where: {
      deputyId: personId,
      principalId,
      revokedAt: null,
      startDate: { lte: today },
      endDate: { gte: today },
    },
  });
  return n > 0;
}

async function viewsOf(
  db: Db | Tx,
  rows: {
    id: string;
    principalId: string;
    deputyId: string;
    startDate: string;
    endDate: string;
    createdById: string;
    revokedAt: Date | null;
  }[],
  today: string,
): Promise<DeputyView[]> {
  const ids = [...new Set(rows.flatMap((r) => [r.principalId, r.deputyId]))];
  const people = await db.person.findMany({
    where: { id: { in: ids } },
    select: { id: true, slackUserId: true, name: true },
  });
  const byId = new Map(people.map((p) => [p.id, p]));
  const brief = (id: string) => {
    const p = byId.get(id);
    return { personId: id, slackUserId: p?.slackUserId ?? "", name: p?.name ?? "" };
  };
  return rows.map((r) => ({
    id: r.id,
    principal: brief(r.principalId),
    deputy: brief(r.deputyId),
    from: r.startDate,
    to: r.endDate,
    createdById: r.createdById,
    revoked: r.revokedAt !== null,
    active: r.revokedAt === null && r.startDate <= today && r.endDate >= today,
  }));
}
