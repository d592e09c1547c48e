/**
 * Sample data shipped with the project (prisma/seed/, README.md ("Import formats")):
 * - seedCatalog: the five work categories with their default weights (SCHEME.md "Work categories and
 *   coefficients") and the sample catalog (prisma/seed/catalog.sample.csv). Only what is missing is
 *   created: an item or category already present is never overwritten (so an admin's later changes, and
 *   a branch's own catalog, survive `npm start` seeding again).
 * - seedDemo: the above, plus a demo organisation (3 sections, 14 people, every role) and a demo month,
 *   2026-10, with approved lines, quality adjustments, quality reviews, discretionary awards and one priced
 *   temporary task, so that `close 2026-10 --dry-run` can be checked by hand. Its SERVICE category is the
 *   worked example of SCHEME.md (raw 3200 / 2400 / 1600 → finals 103 / 95 / 30).
 * Both are idempotent: running them again changes nothing.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Tx } from "../db/client.js";
import { Role, TempTaskStatus } from "../generated/prisma/enums.js";
import { audit } from "./audit.js";
import { type DbLike, inTransaction } from "./import/db.js";
import {
  type AddedSummary,
  type CatalogImportSummary,
  type EntriesImportSummary,
  importAwards,
  importCatalog,
  importEntries,
  importPeople,
  importQualityAdjustments,
  importSections,
  readTableFile,
  type SimpleImportSummary,
} from "./import/index.js";

export const SEED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/seed");
export const seedFile = (name: string) => path.join(SEED_DIR, name);

/** The sample catalog and default weights are in force from this month (i.e. from the start). */
export const SAMPLE_EFFECTIVE_MONTH = "2000-01";
/** The month the demo activity belongs to. */
export const DEMO_MONTH = "2026-10";

export interface CategoryDefault {
  code: string;
  name: string;
  nameEn: string;
  coefficientGroup: string;
  sortOrder: number;
  qualityWeight: string;
  quantityWeight: string;
}

/** SCHEME.md "Work categories and coefficients" (normalisation group = the category's own code). */
export const DEFAULT_CATEGORIES: readonly CategoryDefault[] = [
  {
    code: "SERVICE",
    name: "综合办税",
    nameEn: "Comprehensive tax service",
    coefficientGroup: "A",
    sortOrder: 1,
    qualityWeight: "0.4",
    quantityWeight: "0.6",
  },
  {
    code: "MONITOR",
    name: "日常监控",
    nameEn: "Daily tax-source monitoring",
    coefficientGroup: "B",
    sortOrder: 2,
    qualityWeight: "0.5",
    quantityWeight: "0.5",
  },
  {
    code: "GUIDANCE",
    name: "纳税辅导",
    nameEn: "Taxpayer guidance",
    coefficientGroup: "B",
    sortOrder: 3,
    qualityWeight: "0.5",
    quantityWeight: "0.5",
  },
  {
    code: "ASSESS",
    name: "纳税评估",
    nameEn: "Tax assessment",
    coefficientGroup: "C",
    sortOrder: 4,
    qualityWeight: "0.6",
    quantityWeight: "0.4",
  },
  {
    code: "INSPECT",
    name: "税务检查",
    nameEn: "Tax inspection",
    coefficientGroup: "C",
    sortOrder: 5,
    qualityWeight: "0.6",
    quantityWeight: "0.4",
  },
];

export interface SeedOptions {
  actor?: string;
}

export interface CatalogSeedSummary {
  categoriesCreated: number;
  weightsCreated: number;
  catalog: CatalogImportSummary;
}

export interface DemoSeedSummary extends CatalogSeedSummary {
  sections: SimpleImportSummary;
  people: SimpleImportSummary;
  entries: EntriesImportSummary;
  quality: AddedSummary;
  awards: AddedSummary;
  reviewsCreated: number;
  tempTasksCreated: number;
}

/** True when a seed summary records no change at all. */
export function seedChangedNothing(s: CatalogSeedSummary | DemoSeedSummary): boolean {
  const base = s.categoriesCreated + s.weightsCreated + s.catalog.created + s.catalog.updated === 0;
  if (!("people" in s)) return base;
  return (
    base &&
    s.sections.created + s.sections.updated + s.people.created + s.people.updated === 0 &&
    s.entries.added + s.quality.added + s.awards.added + s.reviewsCreated + s.tempTasksCreated === 0
  );
}

async function seedCategories(
  tx: Tx,
  actor: string,
): Promise<{ categoriesCreated: number; weightsCreated: number }> {
  const have = new Set((await tx.category.findMany({ select: { code: true } })).map((c) => c.code));
  const weighted = new Set(
    (await tx.categoryWeight.findMany({ select: { categoryCode: true }, distinct: ["categoryCode"] })).map(
      (w) => w.categoryCode,
    ),
  );
  let categoriesCreated = 0;
  let weightsCreated = 0;
  for (const c of DEFAULT_CATEGORIES) {
    if (!have.has(c.code)) {
      const data = {
        code: c.code,
        name: c.name,
        nameEn: c.nameEn,
        coefficientGroup: c.coefficientGroup,
        sortOrder: c.sortOrder,
      };
      await tx.category.create({ data });
      await audit(tx, {
        actor,
        action: "category.create",
        entityType: "Category",
        entityId: c.code,
        after: data,
      });
      categoriesCreated++;
    }
    if (!weighted.has(c.code)) {
      const data = {
        categoryCode: c.code,
        effectiveMonth: SAMPLE_EFFECTIVE_MONTH,
        qualityWeight: c.qualityWeight,
        quantityWeight: c.quantityWeight,
        normGroup: c.code,
        createdById: actor,
      };
      const w = await tx.categoryWeight.create({ data });
      await audit(tx, {
        actor,
        action: "category.weights",
        entityType: "CategoryWeight",
        entityId: w.id,
        after: data,
      });
      weightsCreated++;
    }
  }
  return { categoriesCreated, weightsCreated };
}

export async function seedCatalog(db: DbLike, options: SeedOptions = {}): Promise<CatalogSeedSummary> {
  const actor = options.actor ?? "system";
  const cats = await inTransaction(db, (tx) => seedCategories(tx, actor));
  const catalog = await importCatalog(db, await readTableFile(seedFile("catalog.sample.csv")), {
    actor,
    effectiveMonth: SAMPLE_EFFECTIVE_MONTH,
    mode: "insert-missing",
    reason: "initial catalog",
    decisionRef: "sample catalog (prisma/seed/catalog.sample.csv)",
  });
  return { ...cats, catalog };
}

/** One priced temporary task of the demo month (SCHEME.md "Temporary tasks"). */
const DEMO_TEMP_TASK = {
  person: "U0DEMO14",
  pricedBy: "U0DEMO02",
  workDate: "2026-10-21",
  minutes: 180,
  description: "协助稽查局外调取证 (helped the inspection bureau gather evidence off-site)",
  similarItem: "IN001",
  points: 15_000,
  pricingReason: "比照税务检查 IN001（300 分/件）按耗用时间折半 (half of IN001 by time spent)",
};

export async function seedDemo(db: DbLike, options: SeedOptions = {}): Promise<DemoSeedSummary> {
  const actor = options.actor ?? "system";
  const catalog = await seedCatalog(db, options);
  const sections = await importSections(db, await readTableFile(seedFile("sections.sample.csv")), { actor });
  const people = await importPeople(db, await readTableFile(seedFile("people.sample.csv")), { actor });
  const entries = await importEntries(db, await readTableFile(seedFile("entries.sample.csv")), {
    month: DEMO_MONTH,
    actor,
  });
  const quality = await importQualityAdjustments(db, await readTableFile(seedFile("quality.sample.csv")), {
    actor,
  });
  const awards = await importAwards(db, await readTableFile(seedFile("awards.sample.csv")), { actor });

  const extra = await inTransaction(db, async (tx) => {
    const byId = new Map(
      (
        await tx.person.findMany({
          where: { slackUserId: { startsWith: "U0DEMO" } },
          include: { roles: true },
        })
      ).map((p) => [p.slackUserId, p]),
    );
    const reviewer = byId.get(DEMO_TEMP_TASK.pricedBy)!;
    // The assessment group has quality-scored every demo staff member for the month.
    const staff = [...byId.values()].filter((p) => p.roles.some((r) => r.role === Role.STAFF));
    const reviewed = new Set(
      (
        await tx.qualityReview.findMany({
          where: { month: DEMO_MONTH, personId: { in: staff.map((s) => s.id) } },
        })
      ).map((r) => r.personId),
    );
    let reviewsCreated = 0;
    for (const s of staff) {
      if (reviewed.has(s.id)) continue;
      await tx.qualityReview.create({
        data: { personId: s.id, month: DEMO_MONTH, reviewedById: reviewer.id },
      });
      await audit(tx, {
        actor,
        onBehalfOf: reviewer.slackUserId,
        action: "quality.review",
        entityType: "QualityReview",
        entityId: `${s.id}:${DEMO_MONTH}`,
        after: { person: s.slackUserId, month: DEMO_MONTH },
      });
      reviewsCreated++;
    }
    let tempTasksCreated = 0;
    const owner = byId.get(DEMO_TEMP_TASK.person)!;
    const exists = await tx.tempTask.findFirst({
      where: { personId: owner.id, month: DEMO_MONTH, description: DEMO_TEMP_TASK.description },
    });
    const sheet = await tx.sheet.findUnique({
      where: { personId_month: { personId: owner.id, month: DEMO_MONTH } },
    });
    if (!exists && sheet) {
      const similar = await tx.workItem.findUnique({ where: { code: DEMO_TEMP_TASK.similarItem } });
      const t = await tx.tempTask.create({
        data: {
          personId: owner.id,
          sheetId: sheet.id,
          month: DEMO_MONTH,
          workDate: DEMO_TEMP_TASK.workDate,
          minutes: DEMO_TEMP_TASK.minutes,
          description: DEMO_TEMP_TASK.description,
          similarItemId: similar?.id ?? null,
          status: TempTaskStatus.PRICED,
          points: DEMO_TEMP_TASK.points,
          suggestedPoints: DEMO_TEMP_TASK.minutes * 100,
          pricingReason: DEMO_TEMP_TASK.pricingReason,
          pricedById: reviewer.id,
          pricedAt: new Date(),
        },
      });
      await audit(tx, {
        actor,
        onBehalfOf: reviewer.slackUserId,
        action: "temptask.price",
        entityType: "TempTask",
        entityId: t.id,
        after: { person: owner.slackUserId, month: DEMO_MONTH, minutes: t.minutes, points: t.points },
      });
      tempTasksCreated++;
    }
    return { reviewsCreated, tempTasksCreated };
  });

  return { ...catalog, sections, people, entries, quality, awards, ...extra };
}
