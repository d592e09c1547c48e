/**
 * The catalog as people browse it (items with category, unit, points in force, version history and
 * required documents), and the categories as admins manage them (weights and normalisation group from a
 * month on, create, delete).
 *
 * Rules:
 * - Weights are non-negative decimals with at most 4 decimals (the scoring module's rule); a pair need
 *   not sum to 1 (SCHEME.md).
 * - A weight change takes effect from a month; that month may not be a published (closed) month nor
 *   before one, since it would change results already published. The same goes for creating a category
 *   whose first weights start in a closed month.
 * - A category in use (items, people, a month's category, published results) cannot be deleted.
 * Every change is one transaction, audited; refusals are audited (REFUSED).
 *
 * DomainError codes (i18n keys under "errors."):
 *   admin.badWeight { field, value }       not a non-negative decimal with ≤ 4 decimals (≤ 100)
 *   admin.badMonth { value }               not YYYY-MM
 *   admin.closedMonth { month, closed }    the month is closed, or before the last closed month
 *   admin.badCode { value }                category code: 2–20 letters, digits, _ or -
 *   admin.codeTaken { code }
 *   admin.noName                           a name is empty
 *   admin.categoryNotFound { code }
 *   admin.categoryInUse { code, items, people, results }
 *   auth.forbidden { roles }
 */
import type { Db, Tx } from "../db/client.js";
import { Role } from "../generated/prisma/enums.js";
import { parseWeight } from "../scoring/index.js";
import { isMonth } from "../util/time.js";
import { audit } from "./audit.js";
import { type CatalogItem, PLAUSIBLE_SCORE, scoreItem } from "./catalog.js";
import { DomainError } from "./errors.js";
import { lastClosedMonth, refusalsAudited } from "./guard.js";
import { requireActive } from "./logging.js";
import { type Actor, requireRole } from "./people.js";

// ───────────────────────────── browsing ─────────────────────────────

export interface VersionView {
  effectiveMonth: string;
  /** hundredths; null for the first version */
  previous: number | null;
  points: number;
  reason: string;
  decisionRef: string | null;
  /** in force now (the latest effective on or before the month asked) */
  current: boolean;
  /** effective after the month asked (adopted, not yet in force) */
  future: boolean;
}

export interface CatalogEntry {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  unit: string;
  categoryCode: string;
  categoryName: string;
  categoryNameEn: string;
  /** hundredths in force for the month asked, null when no version is in force yet */
  points: number | null;
  /** oldest first */
  versions: VersionView[];
  evidence: { name: string; nameEn: string }[];
  qualityStandard: string | null;
  /** open proposals on the item */
  openProposals: number;
}

async function loadEntries(db: Db | Tx, month: string, where: { categoryCode?: string; ids?: string[] }) {
  const rows = await db.workItem.findMany({
    where: {
      active: true,
      ...(where.categoryCode ? { categoryCode: where.categoryCode } : {}),
      ...(where.ids ? { id: { in: where.ids } } : {}),
    },
    include: {
      category: true,
      versions: { orderBy: { effectiveMonth: "asc" } },
      evidence: { orderBy: [{ sortOrder: "asc" }, { name: "asc" }] },
    },
    orderBy: [{ category: { sortOrder: "asc" } }, { code: "asc" }],
  });
  const open = await db.proposal.groupBy({
    by: ["itemId"],
    where: { state: "OPEN", itemId: { in: rows.map((r) => r.id) } },
    _count: { _all: true },
  });
  const openOf = new Map(open.map((o) => [o.itemId, o._count._all]));
  return rows.map((r): CatalogEntry => {
    const inForce = [...r.versions].reverse().find((v) => v.effectiveMonth <= month);
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      nameEn: r.nameEn,
      unit: r.unit,
      categoryCode: r.categoryCode,
      categoryName: r.category.name,
      categoryNameEn: r.category.nameEn,
      points: inForce?.points ?? null,
      versions: r.versions.map((v, i) => ({
        effectiveMonth: v.effectiveMonth,
        previous: i > 0 ? r.versions[i - 1]!.points : null,
        points: v.points,
        reason: v.reason,
        decisionRef: v.decisionRef,
        current: v.id === inForce?.id,
        future: v.effectiveMonth > month,
      })),
      evidence: r.evidence.map((e) => ({ name: e.name, nameEn: e.nameEn })),
      qualityStandard: r.qualityStandard,
      openProposals: openOf.get(r.id) ?? 0,
    };
  });
}

/**
 * Items matching `query` (code, Chinese or English name, pinyin initials, typos: the /log matcher's
 * scoring), best first; all items (by category, then code) when the query is empty.
 */
export async function searchCatalog(
  db: Db | Tx,
  month: string,
  query = "",
  opts: { limit?: number } = {},
): Promise<{ entries: CatalogEntry[]; total: number }> {
  const all = await loadEntries(db, month, {});
  const q = query.trim();
  if (!q) return { entries: all.slice(0, opts.limit ?? all.length), total: all.length };
  const asItem = (e: CatalogEntry): CatalogItem => ({
    id: e.id,
    code: e.code,
    name: e.name,
    nameEn: e.nameEn,
    unit: e.unit,
    categoryCode: e.categoryCode,
    pinyinInitials: "",
    points: e.points ?? 0,
    pointVersionId: "",
    evidence: [],
  });
  const scored = all
    .map((e) => ({ e, s: Math.max(scoreItem(asItem(e), q), categoryScore(e, q)) }))
    .filter((x) => x.s >= PLAUSIBLE_SCORE)
    .sort((a, b) => b.s - a.s || a.e.code.localeCompare(b.e.code));
  const found = scored.map((x) => x.e);
  return { entries: found.slice(0, opts.limit ?? found.length), total: found.length };
}

function categoryScore(e: CatalogEntry, q: string): number {
  const k = q.toLowerCase();
  return k === e.categoryCode.toLowerCase() || q === e.categoryName || k === e.categoryNameEn.toLowerCase()
    ? 0.6
    : 0;
}

/** One item's entry, or item.notFound. */
export async function catalogEntry(db: Db | Tx, month: string, itemId: string): Promise<CatalogEntry> {
  const [e] = await loadEntries(db, month, { ids: [itemId] });
  if (!e) throw new DomainError("item.notFound");
  return e;
}

export interface CategoryView {
  code: string;
  name: string;
  nameEn: string;
  coefficientGroup: string;
  sortOrder: number;
  /** in force for the month asked */
  weights: {
    effectiveMonth: string;
    qualityWeight: string;
    quantityWeight: string;
    normGroup: string;
  } | null;
  /** later versions already set */
  upcoming: { effectiveMonth: string; qualityWeight: string; quantityWeight: string; normGroup: string }[];
  items: number;
  people: number;
}

export async function listCategories(db: Db | Tx, month: string): Promise<CategoryView[]> {
  const cats = await db.category.findMany({
    orderBy: [{ sortOrder: "asc" }, { code: "asc" }],
    include: {
      weights: { orderBy: { effectiveMonth: "asc" } },
      _count: { select: { items: { where: { active: true } }, people: { where: { active: true } } } },
    },
  });
  const fmt = (w: {
    effectiveMonth: string;
    qualityWeight: unknown;
    quantityWeight: unknown;
    normGroup: string;
  }) => ({
    effectiveMonth: w.effectiveMonth,
    qualityWeight: String(w.qualityWeight),
    quantityWeight: String(w.quantityWeight),
    normGroup: w.normGroup,
  });
  return cats.map((c) => {
    const inForce = [...c.weights].reverse().find((w) => w.effectiveMonth <= month);
    return {
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      coefficientGroup: c.coefficientGroup,
      sortOrder: c.sortOrder,
      weights: inForce ? fmt(inForce) : null,
      upcoming: c.weights.filter((w) => w.effectiveMonth > month).map(fmt),
      items: c._count.items,
      people: c._count.people,
    };
  });
}

/** Items by category for the App Home's catalog view. */
export async function catalogByCategory(
  db: Db | Tx,
  month: string,
): Promise<{ category: CategoryView; items: CatalogEntry[] }[]> {
  const [cats, entries] = await Promise.all([listCategories(db, month), loadEntries(db, month, {})]);
  return cats.map((category) => ({
    category,
    items: entries.filter((e) => e.categoryCode === category.code),
  }));
}

// ───────────────────────────── categories (admin) ─────────────────────────────

/** A weight as typed ("0.4", "0,55") → the canonical decimal string, or admin.badWeight. */
export function checkWeight(field: string, value: string): string {
  const v = value.trim().replace(",", ".");
  try {
    const r = parseWeight(v, field);
    if (r.gt(parseWeight("100"))) throw new Error("too large");
  } catch {
    throw new DomainError("admin.badWeight", { field, value });
  }
  return v;
}

/** Refuses a month that is closed or before the last closed month. */
export async function checkOpenMonth(db: Db | Tx, month: string): Promise<void> {
  if (!isMonth(month)) throw new DomainError("admin.badMonth", { value: month });
  const closed = await lastClosedMonth(db);
  if (closed && month <= closed) throw new DomainError("admin.closedMonth", { month, closed });
}

export interface WeightsInput {
  code: string;
  effectiveMonth: string;
  qualityWeight: string;
  quantityWeight: string;
  /** default: the category's own code */
  normGroup?: string;
}

function checkGroup(code: string, normGroup: string | undefined): string {
  const g = (normGroup ?? "").trim().toUpperCase() || code;
  if (!/^[A-Z0-9_-]{1,40}$/.test(g))
    throw new DomainError("admin.badCode", { value: normGroup ?? "", normGroup: normGroup ?? "" });
  return g;
}

export async function setCategoryWeights(db: Db, actor: Actor, input: WeightsInput) {
  return refusalsAudited(
    db,
    actor,
    { action: "category.weights", entityType: "Category", entityId: input.code, input },
    async () => {
      requireActive(actor);
      requireRole(actor, Role.ADMIN);
      const qualityWeight = checkWeight("qualityWeight", input.qualityWeight);
      const quantityWeight = checkWeight("quantityWeight", input.quantityWeight);
      const normGroup = checkGroup(input.code, input.normGroup);
      return db.$transaction(async (tx) => {
        await checkOpenMonth(tx, input.effectiveMonth);
        const cat = await tx.category.findUnique({ where: { code: input.code } });
        if (!cat) throw new DomainError("admin.categoryNotFound", { code: input.code });
        const key = {
          categoryCode_effectiveMonth: { categoryCode: input.code, effectiveMonth: input.effectiveMonth },
        };
        const before = await tx.categoryWeight.findUnique({ where: key });
        const data = { qualityWeight, quantityWeight, normGroup, createdById: actor.personId };
        const row = await tx.categoryWeight.upsert({
          where: key,
          create: { categoryCode: input.code, effectiveMonth: input.effectiveMonth, ...data },
          update: data,
        });
        await audit(tx, {
          actor: actor.slackUserId,
          action: "category.weights",
          entityType: "Category",
          entityId: input.code,
          before: before
            ? {
                qualityWeight: String(before.qualityWeight),
                quantityWeight: String(before.quantityWeight),
                normGroup: before.normGroup,
              }
            : null,
          after: { effectiveMonth: input.effectiveMonth, qualityWeight, quantityWeight, normGroup },
        });
        return row;
      });
    },
  );
}

export interface CategoryInput extends WeightsInput {
  name: string;
  nameEn: string;
  coefficientGroup: string;
  sortOrder?: number;
}

export async function createCategory(db: Db, actor: Actor, input: CategoryInput) {
  return refusalsAudited(
    db,
    actor,
    { action: "category.create", entityType: "Category", entityId: input.code, input },
    async () => {
      requireActive(actor);
      requireRole(actor, Role.ADMIN);
      const code = input.code.trim().toUpperCase();
      if (!/^[A-Z0-9_-]{2,20}$/.test(code)) throw new DomainError("admin.badCode", { value: input.code });
      if (!input.name.trim() || !input.nameEn.trim()) throw new DomainError("admin.noName");
      const qualityWeight = checkWeight("qualityWeight", input.qualityWeight);
      const quantityWeight = checkWeight("quantityWeight", input.quantityWeight);
      const normGroup = checkGroup(code, input.normGroup);
      return db.$transaction(async (tx) => {
        await checkOpenMonth(tx, input.effectiveMonth);
        if (await tx.category.findUnique({ where: { code } }))
          throw new DomainError("admin.codeTaken", { code });
        const cat = await tx.category.create({
          data: {
            code,
            name: input.name.trim(),
            nameEn: input.nameEn.trim(),
            coefficientGroup: input.coefficientGroup.trim() || code,
            sortOrder: input.sortOrder ?? 100,
            weights: {
              create: {
                effectiveMonth: input.effectiveMonth,
                qualityWeight,
                quantityWeight,
                normGroup,
                createdById: actor.personId,
              },
            },
          },
        });
        await audit(tx, {
          actor: actor.slackUserId,
          action: "category.create",
          entityType: "Category",
          entityId: code,
          after: { ...input, code, qualityWeight, quantityWeight, normGroup },
        });
        return cat;
      });
    },
  );
}

export async function deleteCategory(db: Db, actor: Actor, code: string) {
  return refusalsAudited(
    db,
    actor,
    { action: "category.delete", entityType: "Category", entityId: code },
    async () => {
      requireActive(actor);
      requireRole(actor, Role.ADMIN);
      return db.$transaction(async (tx) => {
        const cat = await tx.category.findUnique({ where: { code }, include: { weights: true } });
        if (!cat) throw new DomainError("admin.categoryNotFound", { code });
        const [items, people, monthPeople, results] = await Promise.all([
          tx.workItem.count({ where: { categoryCode: code } }),
          tx.person.count({ where: { categoryCode: code } }),
          tx.personMonthCategory.count({ where: { categoryCode: code } }),
          tx.monthResult.count({ where: { categoryCode: code } }),
        ]);
        if (items + people + monthPeople + results > 0)
          throw new DomainError("admin.categoryInUse", {
            code,
            items,
            people: people + monthPeople,
            results,
          });
        await tx.categoryWeight.deleteMany({ where: { categoryCode: code } });
        await tx.category.delete({ where: { code } });
        await audit(tx, {
          actor: actor.slackUserId,
          action: "category.delete",
          entityType: "Category",
          entityId: code,
          before: {
            ...cat,
            weights: cat.weights.map((w) => ({
              ...w,
              qualityWeight: String(w.qualityWeight),
              quantityWeight: String(w.quantityWeight),
            })),
          },
        });
      });
    },
  );
}
