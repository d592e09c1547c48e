/**
 * Catalog import (工作量化分值): upserts work items by code from a CSV or XLSX file.
 *
 * SCHEME.md "The work item catalog": each item has a code, name, category, unit, standard points per
 * unit, required evidence and quality standard. Points are versioned: a changed point value creates a new
 * ItemPointVersion effective from the given month (reason "import"); an entry keeps the version in force
 * on its work date. Format: README.md#catalog.
 *
 * The whole file is validated first (every problem listed by line); then everything is written in one
 * transaction. Re-importing the same file changes nothing.
 */
import { z } from "zod";
import type { Tx } from "../../db/client.js";
import { formatHundredths } from "../../scoring/index.js";
import { currentMonth, DEFAULT_TIME_ZONE, isMonth } from "../../util/time.js";
import { audit, toJson } from "../audit.js";
import { chunks, type DbLike, inTransaction } from "./db.js";
import { decodeEvidence, decodeQuality, type EvidenceDoc, type QualityRuleDef } from "./encoding.js";
import {
  boolField,
  codeField,
  decoded,
  optionalText,
  pointsField,
  requiredText,
  validateRow,
} from "./fields.js";
import { pinyinInitials } from "./pinyin.js";
import { ImportRefusedError, NO_CATEGORIES, ProblemList } from "./problems.js";
import { bindColumns, type ColumnSpec, presentColumns, type RawTable } from "./table.js";

/** Unit keys and their Chinese measure words (SCHEME.md: 笔 transaction, 户 taxpayer, 份 document, 次 visit, 件 case). */
export const UNITS = { TXN: "笔", TAXPAYER: "户", DOC: "份", VISIT: "次", CASE: "件" } as const;
export type UnitKey = keyof typeof UNITS;

const UNIT_BY_WORD = new Map<string, UnitKey>(
  Object.entries(UNITS).flatMap(([k, w]) => [
    [k.toLowerCase(), k as UnitKey],
    [w, k as UnitKey],
  ]),
);

const unitField = z.string().transform((s, ctx) => {
  const u = UNIT_BY_WORD.get(s.toLowerCase());
  if (u) return u;
  ctx.addIssue({
    code: "custom",
    message:
      s === ""
        ? "is required"
        : `must be one of ${Object.entries(UNITS)
            .map(([k, w]) => `${k} (${w})`)
            .join(", ")}`,
  });
  return z.NEVER;
});

export const CATALOG_COLUMNS: ColumnSpec[] = [
  { name: "code", required: true, aliases: ["编码", "代码", "item_code", "item"] },
  { name: "category", required: true, aliases: ["类别", "大类", "category_code"] },
  { name: "name", required: true, aliases: ["名称", "项目名称", "name_zh"] },
  { name: "name_en", required: false, aliases: ["英文名称", "english_name", "english"] },
  { name: "unit", required: true, aliases: ["单位"] },
  { name: "points", required: true, aliases: ["分值", "标准分值", "points_per_unit"] },
  { name: "evidence", required: false, aliases: ["能见资料", "佐证资料"] },
  { name: "quality", required: false, aliases: ["奖扣标准", "quality_rules"] },
  { name: "standard", required: false, aliases: ["质量标准", "quality_standard"] },
  { name: "sample", required: false, aliases: ["样例", "is_sample"] },
  { name: "active", required: false, aliases: ["启用"] },
];

const CatalogRow = z.object({
  code: codeField,
  category: codeField,
  name: requiredText(100),
  name_en: optionalText(200),
  unit: unitField,
  points: pointsField,
  evidence: decoded(decodeEvidence),
  quality: decoded(decodeQuality),
  standard: optionalText(2000),
  sample: boolField(false),
  active: boolField(true),
});
type CatalogRowT = z.output<typeof CatalogRow>;

export interface CatalogImportOptions {
  /** who is recorded in the audit trail (default "cli") */
  actor?: string;
  /** month from which new items and changed points take effect (default: the current month, Asia/Shanghai) */
  effectiveMonth?: string;
  /** "upsert" (default): create new items and update existing ones; "insert-missing": only create */
  mode?: "upsert" | "insert-missing";
  /** reason recorded on new point versions (default "import") */
  reason?: string;
  decisionRef?: string | null;
}

export interface CatalogImportSummary {
  source: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  versionsCreated: number;
  /** one short line per change, e.g. "SV001 points 3.00 → 3.50 from 2026-11" */
  details: string[];
}

type Existing = NonNullable<Awaited<ReturnType<typeof loadExisting>>>[number];

function loadExisting(tx: Tx, codes: string[]) {
  return tx.workItem.findMany({
    where: { code: { in: codes } },
    include: { versions: true, evidence: true, qualityRules: true },
  });
}

export async function importCatalog(
  db: DbLike,
  table: RawTable,
  options: CatalogImportOptions = {},
): Promise<CatalogImportSummary> {
  const actor = options.actor ?? "cli";
  const eff = options.effectiveMonth ?? currentMonth(DEFAULT_TIME_ZONE);
  const mode = options.mode ?? "upsert";
  const reason = options.reason ?? "import";
  if (!isMonth(eff)) throw new Error(`effective month must be YYYY-MM, got ${JSON.stringify(eff)}`);
  const present = presentColumns(table, CATALOG_COLUMNS);

  return inTransaction(db, async (tx) => {
    const problems = new ProblemList();
    const bound = bindColumns(table, CATALOG_COLUMNS, problems);
    const categories = new Set((await tx.category.findMany({ select: { code: true } })).map((c) => c.code));
    // an empty database: one problem for the file, not the same one on every line
    if (categories.size === 0) problems.add(null, NO_CATEGORIES);

    const rows: { line: number; row: CatalogRowT }[] = [];
    const firstLine = new Map<string, number>();
    for (const b of bound) {
      const row = validateRow(CatalogRow, b, problems);
      const code = row?.code ?? b.values.code?.toUpperCase();
      if (code) {
        const first = firstLine.get(code);
        if (first !== undefined)
          problems.add(b.line, `duplicate code ${code} (also on line ${first})`, "code");
        else firstLine.set(code, b.line);
      }
      if (!row) continue;
      if (!categories.has(row.category)) {
        if (categories.size > 0)
          problems.add(
            b.line,
            `unknown category "${row.category}" (known: ${[...categories].sort().join(", ")})`,
            "category",
          );
        continue;
      }
      rows.push({ line: b.line, row });
    }

    const existing = new Map(
      (
        await loadExisting(
          tx,
          rows.map((r) => r.row.code),
        )
      ).map((i) => [i.code, i]),
    );
    // A version already effective from `eff` with other points is corrected in place only while unused.
    const usedVersions = new Set(
      (
        await tx.entry.groupBy({
          by: ["pointVersionId"],
          where: {
            pointVersionId: {
              in: [...existing.values()].flatMap((i) =>
                i.versions.filter((v) => v.effectiveMonth === eff).map((v) => v.id),
              ),
            },
          },
        })
      ).map((g) => g.pointVersionId),
    );
    if (mode === "upsert") {
      for (const { line, row } of rows) {
        const item = existing.get(row.code);
        const atEff = item?.versions.find((v) => v.effectiveMonth === eff);
        if (atEff && atEff.points !== row.points && usedVersions.has(atEff.id)) {
          problems.add(
            line,
            `${row.code} already has ${formatHundredths(BigInt(atEff.points))} points from ${eff}, used by entries; ` +
              `give a later --effective month to change it`,
            "points",
          );
        }
      }
    }
    if (!problems.empty) throw new ImportRefusedError(table.source, problems, table.locLabel);

    const summary: CatalogImportSummary = {
      source: table.source,
      rows: rows.length,
      created: 0,
      updated: 0,
      unchanged: 0,
      versionsCreated: 0,
      details: [],
    };
    const ctx: WriteCtx = { actor, eff, reason, decisionRef: options.decisionRef ?? null };
    const fresh = rows.filter((r) => !existing.has(r.row.code)).map((r) => r.row);
    await createItems(tx, fresh, ctx);
    summary.created = summary.versionsCreated = fresh.length;
    for (const { row } of rows) {
      const item = existing.get(row.code);
      if (!item) continue;
      if (mode === "insert-missing") {
        summary.unchanged++;
        continue;
      }
      const changed = await updateItem(tx, item, row, present, ctx, summary);
      if (changed) summary.updated++;
      else summary.unchanged++;
    }
    if (summary.created + summary.updated > 0) {
      await audit(tx, {
        actor,
        action: "import.catalog",
        entityType: "WorkItem",
        after: { ...summary, effectiveMonth: eff, details: undefined },
      });
    }
    return summary;
  });
}

interface WriteCtx {
  actor: string;
  eff: string;
  reason: string;
  decisionRef: string | null;
}

/** The item's columns from a row; optional columns absent from the file are left out (left alone). */
function itemFields(row: CatalogRowT, present: Set<string>) {
  return {
    categoryCode: row.category,
    name: row.name,
    ...(present.has("name_en") ? { nameEn: row.name_en ?? row.name } : {}),
    unit: row.unit,
    pinyinInitials: pinyinInitials(row.name),
    ...(present.has("standard") ? { qualityStandard: row.standard } : {}),
    ...(present.has("sample") ? { isSample: row.sample } : {}),
    ...(present.has("active") ? { active: row.active } : {}),
  };
}

/** New items in bulk (a few statements however many items: seeding runs this at every start). */
async function createItems(tx: Tx, rows: CatalogRowT[], ctx: WriteCtx): Promise<void> {
  const all = new Set(["name_en", "standard", "sample", "active"]);
  for (const batch of chunks(rows, 500)) {
    const created = await tx.workItem.createManyAndReturn({
      data: batch.map((row) => ({
        code: row.code,
        ...itemFields(row, all),
        nameEn: row.name_en ?? row.name,
      })),
      select: { id: true, code: true },
    });
    const idOf = new Map(created.map((c) => [c.code, c.id]));
    const id = (row: CatalogRowT) => idOf.get(row.code)!;
    await tx.itemPointVersion.createMany({
      data: batch.map((row) => ({
        itemId: id(row),
        points: row.points,
        effectiveMonth: ctx.eff,
        reason: ctx.reason,
        decisionRef: ctx.decisionRef,
        createdById: ctx.actor,
      })),
    });
    const evidence = batch.flatMap((row) =>
      row.evidence.map((d, i) => ({ itemId: id(row), name: d.name, nameEn: d.nameEn, sortOrder: i })),
    );
    if (evidence.length) await tx.itemEvidence.createMany({ data: evidence });
    const rules = batch.flatMap((row) => row.quality.map((r) => ({ itemId: id(row), ...r })));
    if (rules.length) await tx.itemQualityRule.createMany({ data: rules });
    await tx.auditLog.createMany({
      data: batch.map((row) => ({
        actor: ctx.actor,
        action: "catalog.item.create",
        entityType: "WorkItem",
        entityId: id(row),
        after: toJson({
          code: row.code,
          ...itemFields(row, all),
          points: row.points,
          effectiveMonth: ctx.eff,
          evidence: row.evidence,
          quality: row.quality,
        }) as never,
      })),
    });
  }
}

async function updateItem(
  tx: Tx,
  item: Existing,
  row: CatalogRowT,
  present: Set<string>,
  ctx: WriteCtx,
  summary: CatalogImportSummary,
): Promise<boolean> {
  let changed = false;
  const fields = itemFields(row, present);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    const old = (item as unknown as Record<string, unknown>)[k];
    if (old !== v) {
      before[k] = old;
      after[k] = v;
    }
  }
  if (Object.keys(after).length > 0) {
    await tx.workItem.update({ where: { id: item.id }, data: after });
    summary.details.push(`${item.code} ${Object.keys(after).join(", ")} changed`);
    changed = true;
  }
  if (present.has("evidence") && (await syncEvidence(tx, item, row.evidence))) {
    before.evidence = item.evidence.map((e) => ({ name: e.name, nameEn: e.nameEn }));
    after.evidence = row.evidence;
    summary.details.push(`${item.code} evidence changed`);
    changed = true;
  }
  if (present.has("quality") && (await syncRules(tx, item, row.quality, summary))) {
    before.quality = item.qualityRules
      .filter((r) => r.active)
      .map((r) => ({
        description: r.description,
        value: r.value,
        veto: r.veto,
      }));
    after.quality = row.quality;
    summary.details.push(`${item.code} quality rules changed`);
    changed = true;
  }
  if (changed) {
    await audit(tx, {
      actor: ctx.actor,
      action: "catalog.item.update",
      entityType: "WorkItem",
      entityId: item.id,
      before,
      after,
    });
  }

  const inForce = item.versions
    .filter((v) => v.effectiveMonth <= ctx.eff)
    .sort((a, b) => (a.effectiveMonth < b.effectiveMonth ? 1 : -1))[0];
  if (inForce?.points !== row.points) {
    const from = inForce ? formatHundredths(BigInt(inForce.points)) : "none";
    const to = formatHundredths(BigInt(row.points));
    if (inForce && inForce.effectiveMonth === ctx.eff) {
      // unused (checked above): correct it in place
      await tx.itemPointVersion.update({
        where: { id: inForce.id },
        data: { points: row.points, reason: ctx.reason },
      });
      await audit(tx, {
        actor: ctx.actor,
        action: "catalog.points.correct",
        entityType: "ItemPointVersion",
        entityId: inForce.id,
        before: { points: inForce.points },
        after: { points: row.points, effectiveMonth: ctx.eff },
        reason: ctx.reason,
      });
    } else {
      const v = await tx.itemPointVersion.create({
        data: {
          itemId: item.id,
          points: row.points,
          effectiveMonth: ctx.eff,
          reason: ctx.reason,
          decisionRef: ctx.decisionRef,
          createdById: ctx.actor,
        },
      });
      await audit(tx, {
        actor: ctx.actor,
        action: "catalog.points.version",
        entityType: "ItemPointVersion",
        entityId: v.id,
        before: inForce ? { points: inForce.points, effectiveMonth: inForce.effectiveMonth } : null,
        after: { item: item.code, points: row.points, effectiveMonth: ctx.eff },
        reason: ctx.reason,
      });
      summary.versionsCreated++;
    }
    summary.details.push(`${item.code} points ${from} → ${to} from ${ctx.eff}`);
    changed = true;
  }
  return changed;
}

async function syncEvidence(tx: Tx, item: Existing, docs: EvidenceDoc[]): Promise<boolean> {
  const have = new Map(item.evidence.map((e) => [e.name, e]));
  const want = new Set(docs.map((d) => d.name));
  let changed = false;
  for (const [i, d] of docs.entries()) {
    const e = have.get(d.name);
    if (!e) {
      await tx.itemEvidence.create({
        data: { itemId: item.id, name: d.name, nameEn: d.nameEn, sortOrder: i },
      });
      changed = true;
    } else if (e.nameEn !== d.nameEn || e.sortOrder !== i) {
      await tx.itemEvidence.update({ where: { id: e.id }, data: { nameEn: d.nameEn, sortOrder: i } });
      changed = true;
    }
  }
  const gone = item.evidence.filter((e) => !want.has(e.name)).map((e) => e.id);
  if (gone.length > 0) {
    await tx.itemEvidence.deleteMany({ where: { id: { in: gone } } });
    changed = true;
  }
  return changed;
}

/**
 * The item's quality standards become the file's (matched by Chinese description). A standard the file
 * leaves out is deleted, unless quality adjustments refer to it: then it is kept, inactive (no longer
 * offered for scoring; the adjustments keep their standard), and a later file naming it again reactivates
 * the same row.
 */
async function syncRules(
  tx: Tx,
  item: Existing,
  rules: QualityRuleDef[],
  summary: CatalogImportSummary,
): Promise<boolean> {
  const have = new Map(item.qualityRules.map((r) => [r.description, r]));
  const want = new Set(rules.map((r) => r.description));
  let changed = false;
  for (const r of rules) {
    const e = have.get(r.description);
    if (!e) {
      await tx.itemQualityRule.create({ data: { itemId: item.id, ...r } });
      changed = true;
    } else if (e.value !== r.value || e.veto !== r.veto || e.descriptionEn !== r.descriptionEn || !e.active) {
      await tx.itemQualityRule.update({
        where: { id: e.id },
        data: { value: r.value, veto: r.veto, descriptionEn: r.descriptionEn, active: true },
      });
      changed = true;
    }
  }
  const gone = item.qualityRules
    .filter((r) => !want.has(r.description) && r.active)
    .sort((a, b) => a.id.localeCompare(b.id));
  if (gone.length === 0) return changed;
  // locked first: a quality form naming one of them (which share-locks it, quality.ts) either finished and
  // its adjustment is counted below, or waits and then finds the standard retired or gone
  for (const r of gone) await tx.$queryRaw`SELECT id FROM "ItemQualityRule" WHERE id = ${r.id} FOR UPDATE`;
  const uses = await tx.qualityAdjustment.groupBy({
    by: ["ruleId"],
    where: { ruleId: { in: gone.map((r) => r.id) } },
    _count: { _all: true },
  });
  const usedBy = new Map(uses.map((u) => [u.ruleId, u._count._all]));
  const retire = gone.filter((r) => usedBy.has(r.id));
  const drop = gone.filter((r) => !usedBy.has(r.id));
  if (retire.length > 0) {
    await tx.itemQualityRule.updateMany({
      where: { id: { in: retire.map((r) => r.id) } },
      data: { active: false },
    });
    for (const r of retire) {
      const n = usedBy.get(r.id)!;
      summary.details.push(
        `${item.code} quality standard “${r.description}” kept inactive: ${n} quality adjustment${n === 1 ? "" : "s"} ${n === 1 ? "refers" : "refer"} to it`,
      );
    }
  }
  if (drop.length > 0) {
    await tx.itemQualityRule.deleteMany({ where: { id: { in: drop.map((r) => r.id) } } });
  }
  return true;
}
