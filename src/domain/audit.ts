/**
 * The append-only audit trail (AuditLog; UPDATE and DELETE are refused by a trigger). Every state change
 * writes a row in the same transaction as the change; every refused attempt writes one with outcome
 * REFUSED (outside the refused change's transaction, so the refusal is kept).
 */
import type { Db, Tx } from "../db/client.js";
import type { SqlTx } from "../db/raw.js";

export interface AuditInput {
  /** Slack user id of the actor, or "system" / "cli" */
  actor: string;
  onBehalfOf?: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  outcome?: "OK" | "REFUSED";
  reason?: string | null;
  before?: unknown;
  after?: unknown;
}

/** JSON-safe copy: bigint → string, Date → ISO string, undefined dropped. */
export function toJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

export async function audit(db: Db | Tx, input: AuditInput): Promise<void> {
  await db.auditLog.create({
    data: {
      actor: input.actor,
      onBehalfOf: input.onBehalfOf ?? null,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId ?? null,
      outcome: input.outcome ?? "OK",
      reason: input.reason ?? null,
      before: toJson(input.before) as never,
      after: toJson(input.after) as never,
    },
  });
}

const INSERT_AUDIT = `INSERT INTO "AuditLog" (actor, "onBehalfOf", action, "entityType", "entityId", outcome, reason,
  before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`;

/** `audit` on a raw connection (a transaction run through SqlTx): the same row. */
export async function auditSql(tx: SqlTx, input: AuditInput): Promise<void> {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(toJson(v)));
  await tx.execute(INSERT_AUDIT, [
    input.actor,
    input.onBehalfOf ?? null,
    input.action,
    input.entityType,
    input.entityId ?? null,
    input.outcome ?? "OK",
    input.reason ?? null,
    json(input.before),
    json(input.after),
  ]);
}
