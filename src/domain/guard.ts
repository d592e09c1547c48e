/**
 * Refusal bookkeeping shared by every use-case (catalog, proposals, organisation, pricing, quality, awards,
 * review, deputies, logging): a refused attempt (a DomainError) writes an AuditLog row with outcome
 * REFUSED, outside the refused change's transaction so the refusal is kept, then the error goes on to the
 * caller. One shape for every row: actor = the acting Slack user, reason = the error's code, after =
 * { personId of the actor, input (what was asked, when given), ...the error's values }.
 */
import type { Db } from "../db/client.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";
import type { Actor } from "./people.js";

export interface RefusalScope {
  action: string;
  entityType: string;
  /** cut to 64 characters (a forged id can be anything) */
  entityId?: unknown;
  /** what was asked, kept with the refusal */
  input?: unknown;
  /** the refusal codes worth a row (default: every one) */
  audited?: (code: string) => boolean;
}

async function auditRefusal(
  db: Db,
  actor: Actor,
  what: RefusalScope,
  code: string,
  params: Record<string, unknown>,
): Promise<void> {
  await audit(db, {
    actor: actor.slackUserId,
    action: what.action,
    entityType: what.entityType,
    entityId: typeof what.entityId === "string" ? what.entityId.slice(0, 64) : null,
    outcome: "REFUSED",
    reason: code,
    after: {
      personId: actor.personId,
      ...(what.input !== undefined ? { input: what.input } : {}),
      ...params,
    },
  }).catch(() => {});
}

/** Runs fn; a DomainError it throws is written to the audit trail as REFUSED, then rethrown. */
export async function refusalsAudited<T>(
  db: Db,
  actor: Actor,
  what: RefusalScope,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError && (what.audited?.(e.code) ?? true)) {
      await auditRefusal(db, actor, what, e.code, e.params);
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
  await auditRefusal(
    db,
    actor,
    { ...what, input: { value: String(raw ?? "").slice(0, 300) } },
    "invalidRequest",
    {},
  );
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
