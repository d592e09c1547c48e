/**
 * Quality adjustments and discretionary awards from a file. Used by `seed --demo` for the demo month
 * (prisma/seed/quality.sample.csv, awards.sample.csv); in normal use the assessment group and the branch
 * chief record these in Slack. Formats: README.md#quality-adjustments-and-awards-demo-data.
 *
 * SCHEME.md "Scoring: the formula": quality = 100 + Σ adjustments (deduction −, bonus +), a veto sets it
 * to 0; discretionary awards are ≥ 0 and the pool (10 points × staff assessed) is never overspent.
 * Additive and idempotent like the entries import: a row already recorded (same person, month, value and
 * reason, not revoked) is not recorded again.
 */
import { z } from "zod";
import type { Tx } from "../../db/client.js";
import { MonthState, Role } from "../../generated/prisma/enums.js";
import { formatHundredths } from "../../scoring/index.js";
import { audit } from "../audit.js";
import { readSettings } from "../settings.js";
import { type DbLike, inTransaction } from "./db.js";
import { VETO_VALUE } from "./encoding.js";
import { hundredthsOf, monthField, optionalText, pointsField, requiredText, validateRow } from "./fields.js";
import { type PersonLookup, personLookup, type ResolvedPerson } from "./lookup.js";
import { ImportRefusedError, ProblemList } from "./problems.js";
import { bindColumns, type ColumnSpec, type RawTable } from "./table.js";

export interface AddedSummary {
  source: string;
  rows: number;
  added: number;
  alreadyPresent: number;
}

const personColumns: ColumnSpec[] = [
  { name: "person", required: true, aliases: ["slack_id", "人员", "姓名"] },
  { name: "month", required: true, aliases: ["月份"] },
];

export const QUALITY_COLUMNS: ColumnSpec[] = [
  ...personColumns,
  { name: "value", required: true, aliases: ["分值", "points"] },
  { name: "reason", required: true, aliases: ["原因", "事由"] },
  { name: "by", required: true, aliases: ["recorded_by", "记录人"] },
  { name: "evidence", required: false, aliases: ["依据"] },
];

export const AWARD_COLUMNS: ColumnSpec[] = [
  ...personColumns,
  { name: "points", required: true, aliases: ["分值"] },
  { name: "reason", required: true, aliases: ["原因", "事由"] },
  { name: "by", required: true, aliases: ["awarded_by", "分配人"] },
];

const qualityValue = z.string().transform((s, ctx) => {
  if (/^(veto|一票否决)$/i.test(s)) return { value: VETO_VALUE, veto: true };
  if (/^[+\-−]?\d+(\.\d{1,2})?$/.test(s)) {
    const value = hundredthsOf(s);
    if (value !== 0 && Math.abs(value) <= 10_000) return { value, veto: false };
  }
  ctx.addIssue({
    code: "custom",
    message: "must be signed points (e.g. -5 or +2, not 0, at most 100) or veto",
  });
  return z.NEVER;
});

const QualityRow = z.object({
  person: requiredText(100),
  month: monthField,
  value: qualityValue,
  reason: requiredText(500),
  by: requiredText(100),
  evidence: optionalText(500),
});

const AwardRow = z.object({
  person: requiredText(100),
  month: monthField,
  points: pointsField,
  reason: requiredText(500),
  by: requiredText(100),
});

function checkPeople(
  line: number,
  row: { person: string; by: string },
  lookup: PersonLookup,
  byRole: Role,
  problems: ProblemList,
): { person: ResolvedPerson; by: ResolvedPerson } | null {
  const p = lookup(row.person);
  const b = lookup(row.by);
  if ("error" in p) problems.add(line, p.error, "person");
  else if (!p.person.isStaff)
    problems.add(line, `${p.person.name} is not a staff member (role STAFF)`, "person");
  if ("error" in b) problems.add(line, b.error, "by");
  else if (!b.person.roles.includes(byRole))
    problems.add(line, `${b.person.name} does not have the role ${byRole}`, "by");
  if ("error" in p || "error" in b || !p.person.isStaff || !b.person.roles.includes(byRole)) return null;
  return { person: p.person, by: b.person };
}

async function refusePublished(tx: Tx, months: Iterable<string>, problems: ProblemList) {
  const closed = await tx.monthClose.findMany({
    where: { month: { in: [...months] }, state: MonthState.PUBLISHED },
  });
  for (const c of closed) problems.add(null, `month ${c.month} is published; it can no longer change`);
}

export async function importQualityAdjustments(
  db: DbLike,
  table: RawTable,
  options: { actor?: string } = {},
): Promise<AddedSummary> {
  const actor = options.actor ?? "cli";
  return inTransaction(db, async (tx) => {
    const problems = new ProblemList();
    const valid: { line: number; row: z.output<typeof QualityRow> }[] = [];
    for (const b of bindColumns(table, QUALITY_COLUMNS, problems)) {
      const row = validateRow(QualityRow, b, problems);
      if (row) valid.push({ line: b.line, row });
    }
    const lookup = await personLookup(
      tx,
      valid.flatMap((v) => [v.row.person, v.row.by]),
    );
    const resolved = valid.flatMap(({ line, row }) => {
      const who = checkPeople(line, row, lookup, Role.ASSESSMENT_GROUP, problems);
      return who ? [{ line, row, ...who }] : [];
    });
    const existing = await tx.qualityAdjustment.findMany({
      where: { revokedAt: null, month: { in: [...new Set(resolved.map((r) => r.row.month))] } },
    });
    const have = new Map<string, number>();
    const key = (personId: string, month: string, value: number, veto: boolean, reason: string) =>
      `${personId}\u0000${month}\u0000${value}\u0000${veto}\u0000${reason}`;
    for (const e of existing) {
      const k = key(e.personId, e.month, e.value, e.veto, e.reason);
      have.set(k, (have.get(k) ?? 0) + 1);
    }
    const toAdd = resolved.filter((r) => {
      const k = key(r.person.id, r.row.month, r.row.value.value, r.row.value.veto, r.row.reason);
      const n = have.get(k) ?? 0;
      if (n > 0) have.set(k, n - 1);
      return n === 0;
    });
    await refusePublished(tx, new Set(toAdd.map((r) => r.row.month)), problems);
    if (!problems.empty) throw new ImportRefusedError(table.source, problems, table.locLabel);
    for (const r of toAdd) {
      const q = await tx.qualityAdjustment.create({
        data: {
          personId: r.person.id,
          month: r.row.month,
          value: r.row.value.value,
          veto: r.row.value.veto,
          reason: r.row.reason,
          evidence: r.row.evidence,
          createdById: r.by.id,
        },
      });
      await audit(tx, {
        actor,
        onBehalfOf: r.by.slackUserId,
        action: "quality.adjust",
        entityType: "QualityAdjustment",
        entityId: q.id,
        after: {
          person: r.person.slackUserId,
          month: r.row.month,
          value: r.row.value.value,
          veto: r.row.value.veto,
          reason: r.row.reason,
        },
      });
    }
    return {
      source: table.source,
      rows: resolved.length,
      added: toAdd.length,
      alreadyPresent: resolved.length - toAdd.length,
    };
  });
}

export async function importAwards(
  db: DbLike,
  table: RawTable,
  options: { actor?: string } = {},
): Promise<AddedSummary> {
  const actor = options.actor ?? "cli";
  return inTransaction(db, async (tx) => {
    const problems = new ProblemList();
    const valid: { line: number; row: z.output<typeof AwardRow> }[] = [];
    for (const b of bindColumns(table, AWARD_COLUMNS, problems)) {
      const row = validateRow(AwardRow, b, problems);
      if (row) valid.push({ line: b.line, row });
    }
    const lookup = await personLookup(
      tx,
      valid.flatMap((v) => [v.row.person, v.row.by]),
    );
    const resolved = valid.flatMap(({ line, row }) => {
      const who = checkPeople(line, row, lookup, Role.BRANCH_CHIEF, problems);
      return who ? [{ line, row, ...who }] : [];
    });
    const months = [...new Set(resolved.map((r) => r.row.month))];
    const existing = await tx.discretionaryAward.findMany({
      where: { revokedAt: null, month: { in: months } },
    });
    const have = new Map<string, number>();
    const key = (personId: string, month: string, points: number, reason: string) =>
      `${personId}\u0000${month}\u0000${points}\u0000${reason}`;
    const spent = new Map<string, bigint>();
    for (const e of existing) {
      const k = key(e.personId, e.month, e.points, e.reason);
      have.set(k, (have.get(k) ?? 0) + 1);
      spent.set(e.month, (spent.get(e.month) ?? 0n) + BigInt(e.points));
    }
    const toAdd = resolved.filter((r) => {
      const k = key(r.person.id, r.row.month, r.row.points, r.row.reason);
      const n = have.get(k) ?? 0;
      if (n > 0) have.set(k, n - 1);
      return n === 0;
    });
    // The pool is never overspent (SCHEME.md): poolPerStaff × active staff.
    const settings = await readSettings(tx);
    const staff = await tx.person.count({ where: { active: true, roles: { some: { role: Role.STAFF } } } });
    const pool = BigInt(Math.round(settings.poolPerStaff * 100)) * BigInt(staff);
    for (const r of toAdd) {
      const s = (spent.get(r.row.month) ?? 0n) + BigInt(r.row.points);
      spent.set(r.row.month, s);
      if (s > pool) {
        problems.add(
          r.line,
          `overspends the ${r.row.month} pool: ${formatHundredths(s)} of ${formatHundredths(pool)} (${staff} staff × ${settings.poolPerStaff})`,
          "points",
        );
      }
    }
    await refusePublished(tx, new Set(toAdd.map((r) => r.row.month)), problems);
    if (!problems.empty) throw new ImportRefusedError(table.source, problems, table.locLabel);
    for (const r of toAdd) {
      const a = await tx.discretionaryAward.create({
        data: {
          personId: r.person.id,
          month: r.row.month,
          points: r.row.points,
          reason: r.row.reason,
          awardedById: r.by.id,
        },
      });
      await audit(tx, {
        actor,
        onBehalfOf: r.by.slackUserId,
        action: "discretionary.award",
        entityType: "DiscretionaryAward",
        entityId: a.id,
        after: {
          person: r.person.slackUserId,
          month: r.row.month,
          points: r.row.points,
          reason: r.row.reason,
        },
      });
    }
    return {
      source: table.source,
      rows: resolved.length,
      added: toAdd.length,
      alreadyPresent: resolved.length - toAdd.length,
    };
  });
}
