/**
 * Refusal bookkeeping shared by the catalog, proposal and organisation use-cases: a refused attempt
 * (any DomainError) writes an AuditLog row with outcome REFUSED, outside the refused change's transaction
 * so the refusal is kept, then the error goes on to the caller.
 */
import type { Db } from "../db/client.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";

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
