/**
 * Refusal bookkeeping shared by the catalog, proposal and organisation use-cases: a refused attempt
 * (any DomainError) writes an AuditLog row with outcome REFUSED, outside the refused change's transaction
 * so the refusal is kept, then the error goes on to the caller.
 */
import type { Db } from "../db/client.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";
import type { Actor } from "./people.js";

export async function refusalsAudited<T>(
  db: Db,
  actor: string,
  what: { action: string; entityType: string; entityId?: string | null; input?: unknown },
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError) {
      await audit(db, {
        actor,
        action: what.action,
        entityType: what.entityType,
        entityId: what.entityId ?? null,
        outcome: "REFUSED",
        reason: e.code,
        after: { input: what.input ?? null, params: e.params },
      }).catch(() => {});
    }
    throw e;
  }
}

/**
 * A request whose payload did not parse (a forged, truncated or stale form or button value): nothing is
 * done, and the refusal is kept like any other (reason invalidRequest, the raw value cut to 300 characters).
 */
export async function auditMalformed(
  db: Db,
  actor: Actor,
  what: { action: string; entityType: string },
  raw: unknown,
): Promise<void> {
  await audit(db, {
    actor: actor.slackUserId,
    action: what.action,
    entityType: what.entityType,
    outcome: "REFUSED",
    reason: "invalidRequest",
    after: { personId: actor.personId, value: String(raw ?? "").slice(0, 300) },
  }).catch(() => {});
}

/** A month string ("YYYY-MM") is published (closed): nothing in force for it may change any more. */
export async function isClosedMonth(db: Pick<Db, "monthClose">, month: string): Promise<boolean> {
  const c = await db.monthClose.findUnique({ where: { month }, select: { state: true } });
  return c?.state === "PUBLISHED";
}

/** The latest published month, or null. */
export async function lastClosedMonth(db: Pick<Db, "monthClose">): Promise<string | null> {
  const c = await db.monthClose.findFirst({
    where: { state: "PUBLISHED" },
    orderBy: { month: "desc" },
    select: { month: true },
  });
  return c?.month ?? null;
}
