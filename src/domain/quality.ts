/**
 * Quality scoring (质量考核), SCHEME.md "Scoring: the formula": quality(p) = 100 + Σ adjustments (each
 * deduction negative, each bonus positive), never below 0; a veto item (一票否决) that applies sets it to 0.
 * The running score is computed by the scoring module (computeMonth), never here.
 *
 * What the assessment group sees for a person and month (qualitySheet): the quality standards
 * (ItemQualityRule) of the items the person worked on that month (their active lines, and the similar items
 * their temporary tasks named), the adjustments recorded, whether the person has been quality-reviewed, and
 * the running score.
 *
 * Rules:
 * - Only the assessment group reads or records (auth.forbidden); nobody scores themselves (quality.self);
 *   the person must be active staff (quality.notStaff); a published month takes nothing (assess.monthPublished).
 * - recordQuality adds deductions/bonuses (a catalog standard: its value, its description as the default
 *   reason; or a free adjustment: a signed, non-zero value and a reason; evidence optional) and records the
 *   QualityReview for (person, month), even with no adjustment: "staff without quality scoring" are the
 *   staff without that row. A veto standard is refused here (quality.vetoNeedsConfirm).
 * - recordVeto is the distinct, confirmed action: it needs confirm: true (quality.vetoUnconfirmed), a reason,
 *   and optionally a veto standard of the items worked on; it also records the review.
 * - Idempotent: each adjustment carries the form's key (`<key>:<n>`, unique), so a retried or
 *   double-clicked submission adds nothing twice (repeated: true). Concurrent submissions for the same
 *   person and month are serialised on the QualityReview row.
 * - revokeQualityAdjustment withdraws one (revokedAt/revokedById; repeating it changes nothing).
 * - Everything, refusals included, is audited.
 *
 * DomainError codes (i18n keys under "errors.") and params:
 *   auth.forbidden            { roles }
 *   quality.notStaff          { user }           unknown person, not staff, or deactivated
 *   quality.self              {}
 *   quality.ruleUnknown       { ruleId }         not a standard of an item the person worked on
 *   quality.vetoNeedsConfirm  { ruleId }         a veto standard sent as an ordinary adjustment
 *   quality.vetoUnconfirmed   {}
 *   quality.badValue          { value, max }     a free adjustment that is not a non-zero amount within ±max
 *   quality.tooMany           { max }            more than 20 adjustments in one call
 *   quality.evidenceTooLong   { length, max }
 *   quality.adjustmentNotFound { adjustmentId }
 *   assess.noReason / assess.reasonTooLong, assess.monthPublished { month }, log.badMonth { value }
 */
import type { Db, Tx } from "../db/client.js";
import { Role } from "../generated/prisma/enums.js";
import { computeMonth } from "../scoring/index.js";
import {
  type AssessmentDeps,
  checkMonthArg,
  MAX_EVIDENCE_LENGTH,
  requireMonthOpen,
  requireReason,
} from "./assessment.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";
import { isClosedMonth, refusalsAudited } from "./guard.js";
import { requireActive } from "./logging.js";
import { type Actor, requireRole } from "./people.js";

/** A free adjustment is at most ±100 points (the whole quality score). */
export const MAX_ADJUSTMENT = 10_000;
export const MAX_ADJUSTMENTS_PER_CALL = 20;

export interface QualityScore {
  /** 2-decimal display of the score */
  value: string;
  /** exact hundredths (adjustments are hundredths, so the score is too) */
  hundredths: bigint;
  vetoed: boolean;
  /** 100 + Σ adjustments before the floor at 0 and the veto */
  beforeFloor: string;
  deductions: bigint;
  bonuses: bigint;
}

/** quality(p) for a list of adjustments, through the scoring module (a one-person month). */
export function qualityScoreOf(
  adjustments: readonly { value: bigint | number; veto: boolean }[],
): QualityScore {
  const quality = adjustments.map((a) => ({ value: BigInt(a.value), veto: a.veto }));
  const result = computeMonth({
    month: "2000-01",
    categories: [{ code: "Q", qualityWeight: "1", quantityWeight: "0" }],
    people: [{ personId: "p", categoryCode: "Q", lines: [], tempTasks: [], quality, discretionary: 0n }],
    poolPerStaff: 0n,
  });
  const p = result.people[0]!;
  let deductions = 0n;
  let bonuses = 0n;
  for (const a of quality) {
    if (a.veto) continue;
    if (a.value < 0n) deductions += a.value;
    else bonuses += a.value;
  }
  return {
    value: p.quality.toFixed2(),
    hundredths: p.quality.toHundredthsHalfUp(),
    vetoed: p.vetoed,
    beforeFloor: p.qualityBeforeFloor.toFixed2(),
    deductions,
    bonuses,
  };
}

export interface QualityRuleView {
  id: string;
  itemId: string;
  itemCode: string;
  itemName: string;
  itemNameEn: string;
  description: string;
  descriptionEn: string | null;
  /** signed hundredths (ignored for a veto) */
  value: number;
  veto: boolean;
  /** lines of the item that month (0 when only a temporary task named it) */
  lines: number;
}

export interface QualityAdjustmentView {
  id: string;
  value: number;
  veto: boolean;
  reason: string;
  evidence: string | null;
  ruleId: string | null;
  createdBy: { personId: string; slackUserId: string; name: string } | null;
  createdAt: Date;
}

export interface QualitySheet {
  month: string;
  person: { personId: string; slackUserId: string; name: string; nameEn: string | null };
  rules: QualityRuleView[];
  adjustments: QualityAdjustmentView[];
  score: QualityScore;
  review: { by: { personId: string; slackUserId: string; name: string } | null; at: Date } | null;
  published: boolean;
}

function requireGroup(actor: Actor): void {
  requireActive(actor);
  requireRole(actor, Role.ASSESSMENT_GROUP);
}

/** The person scored: by Slack user id or person id; active staff, not the actor. */
async function scoredPerson(db: Db | Tx, actor: Actor, ref: string) {
  const key = String(ref ?? "");
  const p = await db.person.findFirst({
    where: { OR: [{ slackUserId: key }, { id: key }] },
    select: { id: true, slackUserId: true, name: true, nameEn: true, active: true, roles: true },
  });
  if (!p?.active || !p.roles.some((r) => r.role === Role.STAFF))
    throw new DomainError("quality.notStaff", { user: key });
  if (p.id === actor.personId) throw new DomainError("quality.self", {});
  return { personId: p.id, slackUserId: p.slackUserId, name: p.name, nameEn: p.nameEn };
}

/**
 * A person named in a command: a Slack user id, or a name (Chinese or English, case-insensitive, an
 * optional leading "@"). Null when nobody, or more than one person, has that name.
 */
export async function findPersonRef(db: Db | Tx, text: string): Promise<string | null> {
  const s = String(text ?? "")
    .trim()
    .replace(/^@/, "");
  if (!s) return null;
  const byId = await db.person.findUnique({ where: { slackUserId: s }, select: { slackUserId: true } });
  if (byId) return byId.slackUserId;
  const named = await db.person.findMany({
    where: {
      OR: [{ name: { equals: s, mode: "insensitive" } }, { nameEn: { equals: s, mode: "insensitive" } }],
    },
    select: { slackUserId: true },
    take: 2,
  });
  return named.length === 1 ? named[0]!.slackUserId : null;
}

/**
 * Share-locks the standards about to be named by adjustments (sorted, so two forms cannot deadlock): a
 * catalog import retiring or deleting one of them (import/catalog.ts) waits for this transaction and then
 * sees the adjustment, or finished first and the standard is refused here.
 */
async function lockRules(tx: Tx, ids: string[]): Promise<void> {
  for (const id of [...new Set(ids)].sort()) {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "ItemQualityRule" WHERE id = ${id} AND active FOR SHARE`;
    if (rows.length === 0) throw new DomainError("quality.ruleUnknown", { ruleId: id });
  }
}

/** The quality standards (active) of the items the person worked on in the month. */
async function rulesFor(db: Db | Tx, personId: string, month: string): Promise<QualityRuleView[]> {
  const [lines, tasks] = await Promise.all([
    db.entry.groupBy({
      by: ["itemId"],
      where: { personId, month, status: "ACTIVE" },
      _count: { _all: true },
    }),
    db.tempTask.findMany({
      where: { personId, month, status: { not: "DELETED" }, similarItemId: { not: null } },
      select: { similarItemId: true },
    }),
  ]);
  const linesOf = new Map(lines.map((l) => [l.itemId, l._count._all]));
  const itemIds = [...new Set([...linesOf.keys(), ...tasks.map((t) => t.similarItemId!)])];
  if (itemIds.length === 0) return [];
  const rules = await db.itemQualityRule.findMany({
    where: { itemId: { in: itemIds }, active: true },
    include: { item: { select: { code: true, name: true, nameEn: true } } },
  });
  return rules
    .map((r) => ({
      id: r.id,
      itemId: r.itemId,
      itemCode: r.item.code,
      itemName: r.item.name,
      itemNameEn: r.item.nameEn,
      description: r.description,
      descriptionEn: r.descriptionEn,
      value: r.value,
      veto: r.veto,
      lines: linesOf.get(r.itemId) ?? 0,
    }))
    .sort(
      (a, b) =>
        a.itemCode.localeCompare(b.itemCode) ||
        Number(a.veto) - Number(b.veto) ||
        a.value - b.value ||
        a.id.localeCompare(b.id),
    );
}

async function readSheet(db: Db | Tx, person: QualitySheet["person"], month: string): Promise<QualitySheet> {
  const [rules, adjustments, review, published] = await Promise.all([
    rulesFor(db, person.personId, month),
    db.qualityAdjustment.findMany({
      where: { personId: person.personId, month, revokedAt: null },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    db.qualityReview.findUnique({ where: { personId_month: { personId: person.personId, month } } }),
    isClosedMonth(db, month),
  ]);
  const who = [
    ...new Set([...adjustments.map((a) => a.createdById), ...(review ? [review.reviewedById] : [])]),
  ];
  const people = who.length
    ? await db.person.findMany({
        where: { id: { in: who } },
        select: { id: true, slackUserId: true, name: true },
      })
    : [];
  const byId = new Map(
    people.map((p) => [p.id, { personId: p.id, slackUserId: p.slackUserId, name: p.name }]),
  );
  return {
    month,
    person,
    rules,
    adjustments: adjustments.map((a) => ({
      id: a.id,
      value: a.value,
      veto: a.veto,
      reason: a.reason,
      evidence: a.evidence,
      ruleId: a.ruleId,
      createdBy: byId.get(a.createdById) ?? null,
      createdAt: a.createdAt,
    })),
    score: qualityScoreOf(adjustments),
    review: review ? { by: byId.get(review.reviewedById) ?? null, at: review.reviewedAt } : null,
    published,
  };
}

/**
 * The actor's right to score quality, checked before a command looks up the person it names: someone
 * outside the assessment group is refused (audited) the same way whoever they named, so the answer never
 * tells them whether a name exists.
 */
export async function requireQualityRight(db: Db, actor: Actor, input: { text: string }): Promise<void> {
  await refusalsAudited(db, actor, { action: "quality.view", entityType: "QualityReview", input }, async () =>
    requireGroup(actor),
  );
}

/** What the quality form shows for a person (Slack user id or person id) and month. */
export async function qualitySheet(
  db: Db,
  actor: Actor,
  input: { person: string; month: string },
): Promise<QualitySheet> {
  return refusalsAudited(
    db,
    actor,
    { action: "quality.view", entityType: "QualityReview", input },
    async () => {
      requireGroup(actor);
      checkMonthArg(input.month);
      const person = await scoredPerson(db, actor, input.person);
      return readSheet(db, person, input.month);
    },
  );
}

export interface AdjustmentInput {
  /** a quality standard of an item the person worked on (its value is used) */
  ruleId?: string | null;
  /** signed hundredths, for a free adjustment */
  value?: number | null;
  /** defaults to the standard's description for a standard; required for a free adjustment */
  reason?: string | null;
  evidence?: string | null;
}

export interface RecordResult {
  sheet: QualitySheet;
  /** adjustments written by this call */
  added: number;
  /** the whole call had been recorded before (same key) */
  repeated: boolean;
}

function cleanEvidence(evidence: unknown): string | null {
  const e = String(evidence ?? "").trim();
  if (!e) return null;
  if (e.length > MAX_EVIDENCE_LENGTH)
    throw new DomainError("quality.evidenceTooLong", { length: e.length, max: MAX_EVIDENCE_LENGTH });
  return e;
}

function checkKey(key: unknown): string {
  const k = String(key ?? "");
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(k)) throw new DomainError("invalidRequest", {});
  return k;
}

interface Prepared {
  value: number;
  veto: boolean;
  reason: string;
  evidence: string | null;
  ruleId: string | null;
}

async function writeAdjustments(
  tx: Tx,
  deps: AssessmentDeps,
  actor: Actor,
  person: QualitySheet["person"],
  month: string,
  key: string,
  prepared: Prepared[],
): Promise<{ added: number; repeated: boolean }> {
  const now = deps.clock();
  // the review row first: it locks (person, month) until the end of the transaction
  const before = await tx.qualityReview.findUnique({
    where: { personId_month: { personId: person.personId, month } },
  });
  await tx.$executeRaw`
    INSERT INTO "QualityReview" ("personId", month, "reviewedById", "reviewedAt")
    VALUES (${person.personId}, ${month}, ${actor.personId}, ${now.toISOString()}::timestamp(3))
    ON CONFLICT ("personId", month) DO UPDATE
      SET "reviewedById" = EXCLUDED."reviewedById", "reviewedAt" = EXCLUDED."reviewedAt"`;
  const keys = prepared.map((_, i) => `${key}:${i}`);
  const done = prepared.length
    ? await tx.qualityAdjustment.findMany({
        where: { requestKey: { in: keys } },
        select: { requestKey: true },
      })
    : [];
  const doneKeys = new Set(done.map((d) => d.requestKey));
  const repeatKey = `${key}:review`;
  const repeated =
    prepared.length > 0
      ? doneKeys.size === prepared.length
      : (await tx.auditLog.count({
          where: { action: "quality.review", entityId: `${person.personId}:${month}`, reason: repeatKey },
        })) > 0;
  let added = 0;
  for (const [i, a] of prepared.entries()) {
    if (doneKeys.has(keys[i]!)) continue;
    const row = await tx.qualityAdjustment.create({
      data: {
        personId: person.personId,
        month,
        value: a.veto ? 0 : a.value,
        veto: a.veto,
        reason: a.reason,
        evidence: a.evidence,
        ruleId: a.ruleId,
        createdById: actor.personId,
        createdAt: now,
        requestKey: keys[i]!,
      },
    });
    added++;
    await audit(tx, {
      actor: actor.slackUserId,
      action: a.veto ? "quality.veto" : "quality.adjust",
      entityType: "QualityAdjustment",
      entityId: row.id,
      after: {
        personId: person.personId,
        month,
        value: row.value,
        veto: row.veto,
        reason: row.reason,
        evidence: row.evidence,
        ruleId: row.ruleId,
      },
    });
  }
  if (!repeated) {
    await audit(tx, {
      actor: actor.slackUserId,
      action: "quality.review",
      entityType: "QualityReview",
      entityId: `${person.personId}:${month}`,
      reason: repeatKey,
      before: before ? { reviewedById: before.reviewedById, reviewedAt: before.reviewedAt } : null,
      after: { personId: person.personId, month, reviewedById: actor.personId, reviewedAt: now, added },
    });
  }
  return { added, repeated };
}

/**
 * Records the quality review of a person for a month, with any deductions and bonuses (none is fine: the
 * person then scores 100). `key` identifies the form submission (8–64 characters of [A-Za-z0-9_-]).
 */
export async function recordQuality(
  db: Db,
  deps: AssessmentDeps,
  actor: Actor,
  input: { person: string; month: string; key: string; adjustments: AdjustmentInput[] },
): Promise<RecordResult> {
  return refusalsAudited(
    db,
    actor,
    { action: "quality.record", entityType: "QualityReview", input },
    async () => {
      requireGroup(actor);
      checkMonthArg(input.month);
      const key = checkKey(input.key);
      const list = Array.isArray(input.adjustments) ? input.adjustments : [];
      if (list.length > MAX_ADJUSTMENTS_PER_CALL)
        throw new DomainError("quality.tooMany", { max: MAX_ADJUSTMENTS_PER_CALL });
      const result = await db.$transaction(async (tx) => {
        const person = await scoredPerson(tx, actor, input.person);
        await requireMonthOpen(tx, input.month);
        await lockRules(
          tx,
          list.flatMap((a) => (a.ruleId ? [String(a.ruleId)] : [])),
        );
        const rules = new Map((await rulesFor(tx, person.personId, input.month)).map((r) => [r.id, r]));
        const prepared: Prepared[] = list.map((a) => {
          const evidence = cleanEvidence(a.evidence);
          if (a.ruleId) {
            const rule = rules.get(String(a.ruleId));
            if (!rule) throw new DomainError("quality.ruleUnknown", { ruleId: String(a.ruleId) });
            if (rule.veto) throw new DomainError("quality.vetoNeedsConfirm", { ruleId: rule.id });
            const reason = a.reason ? requireReason(a.reason) : requireReason(rule.description);
            return { value: rule.value, veto: false, reason, evidence, ruleId: rule.id };
          }
          const value = a.value;
          if (
            typeof value !== "number" ||
            !Number.isSafeInteger(value) ||
            value === 0 ||
            Math.abs(value) > MAX_ADJUSTMENT
          )
            throw new DomainError("quality.badValue", { value: String(value), max: MAX_ADJUSTMENT / 100 });
          return { value, veto: false, reason: requireReason(a.reason), evidence, ruleId: null };
        });
        const w = await writeAdjustments(tx, deps, actor, person, input.month, key, prepared);
        return { person, ...w };
      });
      return {
        sheet: await readSheet(db, result.person, input.month),
        added: result.added,
        repeated: result.repeated,
      };
    },
  );
}

/**
 * The veto (一票否决): quality 0 for the month whatever else is recorded. A distinct action that must be
 * confirmed (confirm: true); optionally names a veto standard of the items worked on.
 */
export async function recordVeto(
  db: Db,
  deps: AssessmentDeps,
  actor: Actor,
  input: {
    person: string;
    month: string;
    key: string;
    ruleId?: string | null;
    reason?: string | null;
    evidence?: string | null;
    confirm: boolean;
  },
): Promise<RecordResult> {
  return refusalsAudited(
    db,
    actor,
    { action: "quality.veto", entityType: "QualityAdjustment", input },
    async () => {
      requireGroup(actor);
      checkMonthArg(input.month);
      const key = checkKey(input.key);
      if (input.confirm !== true) throw new DomainError("quality.vetoUnconfirmed", {});
      const evidence = cleanEvidence(input.evidence);
      const result = await db.$transaction(async (tx) => {
        const person = await scoredPerson(tx, actor, input.person);
        await requireMonthOpen(tx, input.month);
        let ruleId: string | null = null;
        let reason: string;
        if (input.ruleId) {
          await lockRules(tx, [String(input.ruleId)]);
          const rules = await rulesFor(tx, person.personId, input.month);
          const rule = rules.find((r) => r.id === input.ruleId && r.veto);
          if (!rule) throw new DomainError("quality.ruleUnknown", { ruleId: String(input.ruleId) });
          ruleId = rule.id;
          reason = input.reason ? requireReason(input.reason) : requireReason(rule.description);
        } else {
          reason = requireReason(input.reason);
        }
        const w = await writeAdjustments(tx, deps, actor, person, input.month, key, [
          { value: 0, veto: true, reason, evidence, ruleId },
        ]);
        return { person, ...w };
      });
      return {
        sheet: await readSheet(db, result.person, input.month),
        added: result.added,
        repeated: result.repeated,
      };
    },
  );
}

/** Withdraws one adjustment (or veto). Repeating it changes nothing. */
export async function revokeQualityAdjustment(
  db: Db,
  deps: AssessmentDeps,
  actor: Actor,
  input: { adjustmentId: string },
): Promise<RecordResult> {
  const id = String(input.adjustmentId ?? "");
  return refusalsAudited(
    db,
    actor,
    { action: "quality.revoke", entityType: "QualityAdjustment", entityId: id },
    async () => {
      requireGroup(actor);
      const result = await db.$transaction(async (tx) => {
        const adj = await tx.qualityAdjustment.findUnique({ where: { id } });
        if (!adj) throw new DomainError("quality.adjustmentNotFound", { adjustmentId: id });
        const person = await scoredPerson(tx, actor, adj.personId);
        await requireMonthOpen(tx, adj.month);
        const now = deps.clock();
        const upd = await tx.qualityAdjustment.updateMany({
          where: { id, revokedAt: null },
          data: { revokedAt: now, revokedById: actor.personId },
        });
        if (upd.count > 0) {
          await audit(tx, {
            actor: actor.slackUserId,
            action: "quality.revoke",
            entityType: "QualityAdjustment",
            entityId: id,
            before: { value: adj.value, veto: adj.veto, reason: adj.reason, revokedAt: null },
            after: { revokedAt: now, revokedById: actor.personId },
          });
        }
        return { person, month: adj.month, repeated: upd.count === 0 };
      });
      return { sheet: await readSheet(db, result.person, result.month), added: 0, repeated: result.repeated };
    },
  );
}
