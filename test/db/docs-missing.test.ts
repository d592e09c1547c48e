/**
 * Entry."docsMissing" (migration 20261129000200_entry_docs_missing): the database keeps, for every line,
 * how many of the documents its item requires are not ticked on it (SCHEME.md "Evidence"), whoever writes
 * the line, its ticks or the catalog's required documents. A month's read counts lines by it.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { DEMO_MONTH, seedDemo } from "../../src/domain/seed.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";

let db: Database & { url?: string };
beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo(db);
});
afterAll(async () => {
  await db?.close();
});

/** Lines whose kept count differs from the rule computed afresh, in months not published. */
async function drifted(): Promise<string[]> {
  const rows = await db.sql.query<{ id: string }>(
    `SELECT e.id FROM "Entry" e
     WHERE e."docsMissing" <> kpi_entry_docs_missing(e.id, e."itemId", e.source)
       AND NOT EXISTS (SELECT 1 FROM "MonthClose" mc WHERE mc.month = e.month AND mc.state = 'PUBLISHED')`,
  );
  return rows.rows.map((r) => r.id);
}

describe(`missing documents kept per line (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("follows lines, ticks and the catalog's required documents; a published month keeps its counts", async () => {
    const sheet = await db.prisma.sheet.findFirstOrThrow({ where: { month: DEMO_MONTH } });
    const item = await db.prisma.workItem.findFirstOrThrow({
      where: { evidence: { some: {} } },
      include: { versions: true, evidence: true },
    });
    const other = await db.prisma.workItem.findFirstOrThrow({
      where: { evidence: { some: {} }, id: { not: item.id } },
      include: { evidence: true },
    });
    const bare = await db.prisma.workItem.findFirstOrThrow({
      where: { evidence: { none: {} } },
      include: { versions: true },
    });
    const required = item.evidence.length;
    expect(required).toBeGreaterThan(0);
    const line = (itemId: string, versionId: string, source: "SLACK" | "IMPORT") =>
      db.prisma.entry.create({
        data: {
          personId: sheet.personId,
          sheetId: sheet.id,
          month: DEMO_MONTH,
          workDate: "2026-10-20",
          itemId,
          pointVersionId: versionId,
          pointsPerUnit: 100,
          count: 1,
          source,
        },
      });
    const missing = async (id: string) =>
      (await db.prisma.entry.findUniqueOrThrow({ where: { id } })).docsMissing;

    // a line logged here misses every required document; an imported one, or one of an item without
    // required documents, none
    const logged = await line(item.id, item.versions[0]!.id, "SLACK");
    const imported = await line(item.id, item.versions[0]!.id, "IMPORT");
    const plain = await line(bare.id, bare.versions[0]!.id, "SLACK");
    expect([await missing(logged.id), await missing(imported.id), await missing(plain.id)]).toEqual([
      required,
      0,
      0,
    ]);

    // ticking a required document counts; a document of another item does not; unticking counts again
    const tick = await db.prisma.entryEvidence.create({
      data: { entryId: logged.id, kind: "CHECKLIST", itemEvidenceId: item.evidence[0]!.id },
    });
    await db.prisma.entryEvidence.create({
      data: { entryId: logged.id, kind: "CHECKLIST", itemEvidenceId: other.evidence[0]!.id },
    });
    await db.prisma.entryEvidence.create({
      data: { entryId: logged.id, kind: "LINK", url: "https://x.test/a" },
    });
    expect(await missing(logged.id)).toBe(required - 1);
    await db.prisma.entryEvidence.delete({ where: { id: tick.id } });
    expect(await missing(logged.id)).toBe(required);
    // every document ticked: nothing missing
    await db.prisma.entryEvidence.createMany({
      data: item.evidence.map((d) => ({
        entryId: logged.id,
        kind: "CHECKLIST" as const,
        itemEvidenceId: d.id,
      })),
    });
    expect(await missing(logged.id)).toBe(0);
    // a tick moved to another line
    const second = await line(item.id, item.versions[0]!.id, "SLACK");
    await db.prisma.entryEvidence.updateMany({
      where: { entryId: logged.id, itemEvidenceId: item.evidence[0]!.id },
      data: { entryId: second.id },
    });
    expect([await missing(logged.id), await missing(second.id)]).toEqual([1, required - 1]);
    // the line's source or item changed
    await db.prisma.entry.update({ where: { id: second.id }, data: { source: "IMPORT" } });
    expect(await missing(second.id)).toBe(0);
    await db.prisma.entry.update({ where: { id: plain.id }, data: { itemId: item.id } });
    expect(await missing(plain.id)).toBe(required);

    // the catalog requires one more document of the item: its lines of open months miss it, a published
    // month's lines keep what they were published with
    const published = await db.prisma.sheet.create({
      data: { personId: sheet.personId, month: "2026-08", state: "LOCKED", categoryCode: sheet.categoryCode },
    });
    const old = await db.prisma.entry.create({
      data: {
        personId: sheet.personId,
        sheetId: published.id,
        month: "2026-08",
        workDate: "2026-08-20",
        itemId: item.id,
        pointVersionId: item.versions[0]!.id,
        pointsPerUnit: 100,
        count: 1,
        source: "SLACK",
      },
    });
    await db.prisma.monthClose.create({ data: { month: "2026-08", state: "PUBLISHED" } });
    const before = [await missing(logged.id), await missing(plain.id), await missing(old.id)];
    const added = await db.prisma.itemEvidence.create({
      data: { itemId: item.id, name: "新增资料", nameEn: "New document", sortOrder: 99 },
    });
    expect([await missing(logged.id), await missing(plain.id), await missing(old.id)]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
      before[2],
    ]);
    // renamed: nothing changes; moved to another item: both items' lines counted again
    await db.prisma.itemEvidence.update({ where: { id: added.id }, data: { nameEn: "Renamed" } });
    expect(await missing(logged.id)).toBe(before[0]! + 1);
    await db.prisma.itemEvidence.update({ where: { id: added.id }, data: { itemId: other.id } });
    expect(await missing(logged.id)).toBe(before[0]);
    // no longer required at all
    await db.prisma.itemEvidence.delete({ where: { id: added.id } });
    await db.prisma.itemEvidence.deleteMany({ where: { itemId: item.id } });
    expect([await missing(logged.id), await missing(plain.id), await missing(imported.id)]).toEqual([
      0, 0, 0,
    ]);
    expect(await missing(old.id)).toBe(before[2]);
    // nor does a tick on a published month's line (which the application refuses anyway)
    await db.prisma.entryEvidence.create({
      data: { entryId: old.id, kind: "CHECKLIST", itemEvidenceId: other.evidence[0]!.id },
    });
    await db.prisma.entry.update({ where: { id: old.id }, data: { source: "IMPORT" } });
    expect(await missing(old.id)).toBe(before[2]);
    expect(await drifted()).toEqual([]);
  });

  it("bulk writes are counted like single ones", async () => {
    const sheet = await db.prisma.sheet.findFirstOrThrow({ where: { month: DEMO_MONTH } });
    const item = await db.prisma.workItem.findFirstOrThrow({
      where: { evidence: { some: {} } },
      include: { versions: true, evidence: true },
    });
    await db.sql.exec(`
      INSERT INTO "Entry" (id, "personId", "sheetId", month, "workDate", "itemId", "pointVersionId", "pointsPerUnit", count, source, "updatedAt")
      SELECT 'dm' || g, '${sheet.personId}', '${sheet.id}', '${DEMO_MONTH}', '2026-10-21', '${item.id}',
             '${item.versions[0]!.id}', 100, 1, CASE WHEN g % 2 = 0 THEN 'IMPORT' ELSE 'SLACK' END::"EntrySource", now()
      FROM generate_series(1, 200) g;
      INSERT INTO "EntryEvidence" (id, "entryId", kind, "itemEvidenceId")
      SELECT 'dmev' || g, 'dm' || g, 'CHECKLIST', '${item.evidence[0]!.id}' FROM generate_series(1, 100) g;
    `);
    const counts = await db.sql.query<{ source: string; docsMissing: number; n: number }>(
      `SELECT source::text AS source, "docsMissing", count(*)::int AS n FROM "Entry" WHERE id LIKE 'dm%'
       GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const required = item.evidence.length;
    expect(counts.rows).toEqual([
      { source: "IMPORT", docsMissing: 0, n: 100 },
      ...(required === 1
        ? [{ source: "SLACK", docsMissing: 0, n: 50 }]
        : [{ source: "SLACK", docsMissing: required - 1, n: 50 }]),
      { source: "SLACK", docsMissing: required, n: 50 },
    ]);
    expect(await drifted()).toEqual([]);
  });

  it.runIf(usingPostgres)(
    "a tick waiting for a catalog import's recount of its line counts with what the import committed",
    async () => {
      const sheet = await db.prisma.sheet.findFirstOrThrow({ where: { month: DEMO_MONTH } });
      const item = await db.prisma.workItem.findFirstOrThrow({
        where: { evidence: { some: {} } },
        include: { versions: true, evidence: true },
      });
      await db.prisma.itemEvidence.deleteMany({
        where: { itemId: item.id, id: { not: item.evidence[0]!.id } },
      });
      const line = await db.prisma.entry.create({
        data: {
          personId: sheet.personId,
          sheetId: sheet.id,
          month: DEMO_MONTH,
          workDate: "2026-10-22",
          itemId: item.id,
          pointVersionId: item.versions[0]!.id,
          pointsPerUnit: 100,
          count: 1,
          source: "SLACK",
        },
      });
      const importer = new pg.Client({ connectionString: db.url });
      const ticker = new pg.Client({ connectionString: db.url });
      await importer.connect();
      await ticker.connect();
      try {
        // the import adds a second required document: its recount holds the line's row lock
        await importer.query("BEGIN");
        await importer.query(
          `INSERT INTO "ItemEvidence" (id, "itemId", name, "nameEn") VALUES ('race-doc', $1, '第二份', 'Second')`,
          [item.id],
        );
        // meanwhile the first document is ticked on the line: its recount waits for the import
        const pid = (await ticker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
        const ticking = ticker.query(
          `INSERT INTO "EntryEvidence" (id, "entryId", kind, "itemEvidenceId") VALUES ('race-tick', $1, 'CHECKLIST', $2)`,
          [line.id, item.evidence[0]!.id],
        );
        for (let i = 0; i < 100; i++) {
          const w = await importer.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`,
            [pid],
          );
          if (w.rows[0]!.n > 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await importer.query("COMMIT");
        await ticking;
      } finally {
        await importer.end();
        await ticker.end();
      }
      // the first document ticked, the second (committed by the import) missing
      expect((await db.prisma.entry.findUniqueOrThrow({ where: { id: line.id } })).docsMissing).toBe(1);
      expect(await drifted()).toEqual([]);
    },
  );
});
