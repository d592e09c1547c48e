/**
 * readHomeSummary (the App Home's one-statement read) counts exactly what sheetSummary and
 * lastPublishedResult count: lines, total with priced temporary tasks, evidence gaps, tasks awaiting
 * pricing, the sheet's state, and the last published result.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { readHomeSummary } from "../../src/domain/home-summary.js";
import { type Deps, deleteLine, logTempTask, logWork } from "../../src/domain/logging.js";
import { sheetSummary } from "../../src/domain/sheets.js";
import { lastPublishedResult } from "../../src/slack/home.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";
import { type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

let db: Database;
let fx: Fixture;
const clock = testClock();
const deps: Deps = { clock, timeZone: TZ, plausibleDailyPoints: 100_000 };

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedFixtures(db.prisma);
  clock.set("2026-11-20T10:00:00+08:00");
});
afterAll(async () => {
  await db?.close();
});

const id = (code: string) => fx.items[code]!.id;

async function expectSameAsSummary(personId: string, month: string) {
  const actor = Object.values(fx.people).find((p) => p.personId === personId)!;
  const summary = await sheetSummary(db.prisma, deps, actor, month);
  const home = await readHomeSummary(db.prisma, personId, month);
  expect(home).toEqual({
    month,
    state: summary.state,
    late: summary.late,
    lines: summary.lines,
    total: summary.total,
    evidenceGaps: summary.evidenceGaps.length,
    tempAwaiting: summary.tempTasks.awaiting,
    lastResult: await lastPublishedResult(db.prisma, personId),
  });
  return home;
}

describe(`readHomeSummary (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("answers zeros and no result for a month without a sheet", async () => {
    const home = await expectSameAsSummary(fx.people.alice.personId, "2026-11");
    expect(home).toMatchObject({ state: null, lines: 0, total: 0, lastResult: null });
  });

  it("counts lines, evidence gaps and temporary tasks as sheetSummary does", async () => {
    const alice = fx.people.alice;
    const log = (code: string, count: number, evidence?: Parameters<typeof logWork>[3]["evidence"]) =>
      logWork(db.prisma, deps, alice, {
        itemId: id(code),
        count,
        workDate: "2026-11-19",
        ...(evidence ? { evidence } : {}),
      });
    await log("SV001", 3);
    await log("SV002", 2);
    // all six documents of MN001 ticked: no gap; MN002 without its working paper: a gap
    await log("MN001", 1, {
      checked: Object.entries(fx.docs)
        .filter(([k]) => k.startsWith("MN001:"))
        .map(([, v]) => v),
    });
    await log("MN001", 2, { links: ["https://docs.example.com/a"] }); // a link naming no document: still a gap
    await log("MN002", 1);
    const gone = await log("SV003", 4);
    if (gone.status !== "logged") throw new Error("not logged");
    await deleteLine(db.prisma, deps, alice, gone.entry.id);
    const priced = await logTempTask(db.prisma, deps, alice, {
      minutes: 30,
      description: "priced",
      workDate: "2026-11-19",
    });
    await logTempTask(db.prisma, deps, alice, {
      minutes: 45,
      description: "awaiting",
      workDate: "2026-11-19",
    });
    const deleted = await logTempTask(db.prisma, deps, alice, {
      minutes: 15,
      description: "deleted",
      workDate: "2026-11-19",
    });
    await db.prisma.tempTask.update({ where: { id: priced.id }, data: { status: "PRICED", points: 750 } });
    await db.prisma.tempTask.update({ where: { id: deleted.id }, data: { status: "DELETED", points: 999 } });
    let home = await expectSameAsSummary(alice.personId, "2026-11");
    expect(home).toMatchObject({ state: "OPEN", lines: 5, evidenceGaps: 2, tempAwaiting: 1 });
    // an imported line misses nothing (its evidence is in the tax system)
    const imported = await log("MN002", 3);
    if (imported.status !== "logged") throw new Error("not logged");
    await db.prisma.entry.update({ where: { id: imported.entry.id }, data: { source: "IMPORT" } });
    home = await expectSameAsSummary(alice.personId, "2026-11");
    expect(home).toMatchObject({ lines: 6, evidenceGaps: 2 });
    // another person's lines and another month's are not counted
    await logWork(db.prisma, deps, fx.people.bob, { itemId: id("SV001"), count: 9, workDate: "2026-11-20" });
    await logWork(db.prisma, deps, alice, { itemId: id("SV001"), count: 9, workDate: "2026-10-30" });
    expect(await expectSameAsSummary(alice.personId, "2026-11")).toEqual(home);
    await expectSameAsSummary(alice.personId, "2026-10");
  });

  it("shows the sheet's state and the last published result", async () => {
    const alice = fx.people.alice;
    await db.prisma.sheet.updateMany({
      where: { personId: alice.personId, month: "2026-10" },
      data: { state: "APPROVED", late: true },
    });
    const result = (month: string, final: bigint) => ({
      month,
      personId: alice.personId,
      categoryCode: "SERVICE",
      normGroup: "SERVICE",
      raw: 320000n,
      groupMax: 320000n,
      quantity: "99.995",
      quality: "95.125",
      vetoed: false,
      qualityWeight: "0.4",
      quantityWeight: "0.6",
      discretionary: 500n,
      final,
      rankOverall: 2,
      rankCategory: 1,
      rankSection: null,
      steps: [],
    });
    await db.prisma.monthResult.create({ data: result("2026-09", 9000n) });
    await db.prisma.monthResult.create({ data: result("2026-10", 10300n) });
    await db.prisma.monthClose.create({
      data: { month: "2026-09", state: "PUBLISHED", publishedAt: new Date() },
    });
    await db.prisma.monthClose.create({ data: { month: "2026-10", state: "OPEN" } });
    const sept = await expectSameAsSummary(alice.personId, "2026-10");
    expect(sept).toMatchObject({
      state: "APPROVED",
      late: true,
      lastResult: { month: "2026-09", final: 9000n, quantity: "100.00", quality: "95.13" },
    });
    await db.prisma.monthClose.update({ where: { month: "2026-10" }, data: { state: "PUBLISHED" } });
    const oct = await expectSameAsSummary(alice.personId, "2026-10");
    expect(oct.lastResult?.month).toBe("2026-10");
    await expectSameAsSummary(fx.people.bob.personId, "2026-11");
  });
});
