import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { isPastDeadline, nextDeadline, reviewDeadline, submitDeadline } from "../../src/domain/deadlines.js";
import { DomainError } from "../../src/domain/errors.js";
import { listLines, logTempTask, logWork, updateLine } from "../../src/domain/logging.js";
import type { Actor } from "../../src/domain/people.js";
import { DEFAULT_SETTINGS } from "../../src/domain/settings.js";
import { defaultSubmitMonth, findReviewer, sheetSummary, submitSheet } from "../../src/domain/sheets.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";
import { clearLogs, countRows, type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

let db: Database;
let fx: Fixture;
const clock = testClock();
const deps = { clock, timeZone: TZ };

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedFixtures(db.prisma);
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await clearLogs(db);
  clock.set("2026-11-20T10:00:00+08:00");
});

const id = (code: string) => fx.items[code]!.id;

async function expectCode(p: Promise<unknown>, code: string, params?: Record<string, unknown>) {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe(code);
    if (params) expect((e as DomainError).params).toEqual(params);
    return;
  }
  expect.unreachable(`expected DomainError ${code}`);
}

async function log(actor: Actor, code: string, count: number, workDate: string) {
  const r = await logWork(db.prisma, deps, actor, { itemId: id(code), count, workDate, confirm: true });
  if (r.status !== "logged") throw new Error("not logged");
  return r;
}

describe("deadlines and the default month", () => {
  it.each([
    ["2026-12-01", "2026-11"],
    ["2026-12-05", "2026-11"],
    ["2026-12-07", "2026-11"],
    ["2026-12-08", "2026-12"],
    ["2026-12-31", "2026-12"],
    ["2027-01-03", "2026-12"],
  ])("defaultSubmitMonth(%s) = %s", (today, month) => {
    expect(defaultSubmitMonth(today)).toBe(month);
  });

  it("computes the submit and review deadlines and the next one", () => {
    const s = DEFAULT_SETTINGS;
    expect(submitDeadline("2026-11", s)).toBe("2026-12-05");
    expect(reviewDeadline("2026-11", s)).toBe("2026-12-07");
    expect(submitDeadline("2026-12", s)).toBe("2027-01-05");
    expect(submitDeadline("2026-12", { submitDeadlineDay: 10 })).toBe("2027-01-10");
    expect(nextDeadline("2026-12-03", s)).toEqual({ kind: "submit", date: "2026-12-05", month: "2026-11" });
    expect(nextDeadline("2026-12-05", s)).toEqual({ kind: "submit", date: "2026-12-05", month: "2026-11" });
    expect(nextDeadline("2026-12-06", s)).toEqual({ kind: "review", date: "2026-12-07", month: "2026-11" });
    expect(nextDeadline("2026-12-08", s)).toEqual({ kind: "submit", date: "2027-01-05", month: "2026-12" });
  });

  it("a deadline lasts to the end of its day in the configured zone", () => {
    expect(isPastDeadline("2026-12-05", new Date("2026-12-05T23:59:59+08:00"), TZ)).toBe(false);
    expect(isPastDeadline("2026-12-05", new Date("2026-12-06T00:00:00+08:00"), TZ)).toBe(true);
    // 2026-12-05 20:00 UTC is already the 6th in Shanghai
    expect(isPastDeadline("2026-12-05", new Date("2026-12-05T20:00:00Z"), TZ)).toBe(true);
    expect(isPastDeadline("2026-12-05", new Date("2026-12-05T20:00:00Z"), "Europe/London")).toBe(false);
  });
});

describe(`sheets (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("summarizes the month before submitting", async () => {
    const alice = fx.people.alice;
    await log(alice, "SV001", 3, "2026-11-02");
    await log(alice, "SV001", 2, "2026-11-03");
    await log(alice, "MN001", 1, "2026-11-03");
    await logTempTask(db.prisma, deps, alice, { minutes: 60, description: "接待上级检查" });
    const s = await sheetSummary(db.prisma, deps, alice, "2026-11");
    expect(s).toMatchObject({
      month: "2026-11",
      state: "OPEN",
      late: false,
      version: 0,
      lines: 3,
      total: 5500,
      incompleteTotal: 3000,
      deadline: "2026-12-05",
      lateIfSubmittedNow: false,
      canSubmit: true,
      blockers: [],
    });
    expect(s.items).toEqual([
      {
        itemId: id("MN001"),
        itemCode: "MN001",
        itemName: "催报催缴",
        itemNameEn: "Arrears collection",
        unit: "CASE",
        count: 1,
        points: 3000,
      },
      {
        itemId: id("SV001"),
        itemCode: "SV001",
        itemName: "发票发售",
        itemNameEn: "Invoice sales",
        unit: "TXN",
        count: 5,
        points: 2500,
      },
    ]);
    expect(s.tempTasks).toMatchObject({ awaiting: 1, priced: 0 });
    expect(s.evidenceGaps).toHaveLength(1);
    expect(s.evidenceGaps[0]!.missing).toHaveLength(6);
    expect(s.evidenceGaps[0]!.missingEn[0]).toBe("Arrears list");

    const empty = await sheetSummary(db.prisma, deps, fx.people.bob, "2026-11");
    expect(empty).toMatchObject({ state: null, canSubmit: false, blockers: ["sheet.empty"], total: 0 });
    clock.set("2026-12-09T10:00:00+08:00");
    expect((await sheetSummary(db.prisma, deps, alice, "2026-11")).lateIfSubmittedNow).toBe(true);
    expect((await sheetSummary(db.prisma, deps, alice, "2027-01")).blockers).toEqual([
      "sheet.futureMonth",
      "sheet.empty",
    ]);
  });

  it("submits on time, assigns the section chief, records the transition and locks the lines", async () => {
    const alice = fx.people.alice;
    const line = await log(alice, "SV001", 3, "2026-11-02");
    clock.set("2026-12-05T23:59:00+08:00");
    const r = await submitSheet(db.prisma, deps, alice, "2026-11");
    expect(r.alreadySubmitted).toBe(false);
    expect(r.sheet).toMatchObject({
      month: "2026-11",
      state: "SUBMITTED",
      late: false,
      version: 1,
      reviewerId: fx.people.carol.personId,
    });
    expect(r.sheet.submittedAt.toISOString()).toBe("2026-12-05T15:59:00.000Z");
    const tr = await db.prisma.sheetTransition.findMany({ where: { sheetId: r.sheet.id } });
    expect(tr).toHaveLength(1);
    expect(tr[0]).toMatchObject({ fromState: "OPEN", toState: "SUBMITTED", actorId: alice.personId });
    expect(tr[0]!.detail).toMatchObject({ late: false, lines: 1, linePoints: 1500 });
    const audits = await db.prisma.auditLog.findMany({
      where: { entityId: r.sheet.id, action: "sheet.submit" },
    });
    expect(audits).toHaveLength(1);

    // lines are locked
    const list = await listLines(db.prisma, deps, alice, "2026-11");
    expect(list.lines.every((l) => !l.editable)).toBe(true);
    await expectCode(updateLine(db.prisma, deps, alice, line.entry.id, { count: 9 }), "sheet.locked");
    await expectCode(
      logWork(db.prisma, deps, alice, { itemId: id("SV003"), count: 1, workDate: "2026-11-30" }),
      "sheet.locked",
    );
    await expectCode(
      logTempTask(db.prisma, deps, alice, { minutes: 10, description: "x", workDate: "2026-11-30" }),
      "sheet.locked",
    );
    expect((await sheetSummary(db.prisma, deps, alice, "2026-11")).blockers).toEqual([
      "sheet.alreadySubmitted",
    ]);
  });

  it("marks a sheet submitted after the 5th as late", async () => {
    await log(fx.people.alice, "SV001", 1, "2026-11-02");
    clock.set("2026-12-06T00:00:01+08:00");
    const r = await submitSheet(db.prisma, deps, fx.people.alice, "2026-11");
    expect(r.sheet.late).toBe(true);
  });

  it("is idempotent under double clicks: one transition, the second call answers alreadySubmitted", async () => {
    await log(fx.people.alice, "SV001", 1, "2026-11-02");
    clock.set("2026-12-02T09:00:00+08:00");
    const first = await submitSheet(db.prisma, deps, fx.people.alice, "2026-11", { expectedVersion: 0 });
    const second = await submitSheet(db.prisma, deps, fx.people.alice, "2026-11", { expectedVersion: 0 });
    expect(second.alreadySubmitted).toBe(true);
    expect(second.sheet).toEqual(first.sheet);

    await log(fx.people.bob, "SV001", 1, "2026-11-02");
    const both = await Promise.all([
      submitSheet(db.prisma, deps, fx.people.bob, "2026-11"),
      submitSheet(db.prisma, deps, fx.people.bob, "2026-11"),
      submitSheet(db.prisma, deps, fx.people.bob, "2026-11"),
    ]);
    expect(both.filter((b) => !b.alreadySubmitted)).toHaveLength(1);
    const bobSheet = await db.prisma.sheet.findUniqueOrThrow({
      where: { personId_month: { personId: fx.people.bob.personId, month: "2026-11" } },
    });
    expect(bobSheet.version).toBe(1);
    expect(await db.prisma.sheetTransition.count({ where: { sheetId: bobSheet.id } })).toBe(1);
  });

  it("resubmits a returned sheet, keeping the first submission's punctuality", async () => {
    const alice = fx.people.alice;
    const line = await log(alice, "SV001", 1, "2026-11-02");
    clock.set("2026-12-04T09:00:00+08:00");
    const r1 = await submitSheet(db.prisma, deps, alice, "2026-11");
    // the chief returns it (simulated)
    await db.prisma.sheet.update({
      where: { id: r1.sheet.id },
      data: { state: "RETURNED", version: { increment: 1 }, returnReason: "缺少资料" },
    });
    const summary = await sheetSummary(db.prisma, deps, alice, "2026-11");
    expect(summary).toMatchObject({ state: "RETURNED", canSubmit: true, version: 2 });
    await updateLine(db.prisma, deps, alice, line.entry.id, { count: 2 });
    clock.set("2026-12-08T09:00:00+08:00");
    await expectCode(
      submitSheet(db.prisma, deps, alice, "2026-11", { expectedVersion: 1 }),
      "sheet.changed",
      {
        month: "2026-11",
      },
    );
    const r2 = await submitSheet(db.prisma, deps, alice, "2026-11", { expectedVersion: 2 });
    expect(r2).toMatchObject({
      alreadySubmitted: false,
      sheet: { state: "SUBMITTED", version: 3, late: false },
    });
    const tr = await db.prisma.sheetTransition.findMany({
      where: { sheetId: r1.sheet.id },
      orderBy: { at: "asc" },
    });
    expect(tr.map((t) => [t.fromState, t.toState])).toEqual([
      ["OPEN", "SUBMITTED"],
      ["RETURNED", "SUBMITTED"],
    ]);
  });

  it("refuses an empty sheet unless allowEmpty, a future month, and approved or locked sheets", async () => {
    const bob = fx.people.bob;
    const before = await countRows(db.prisma);
    await expectCode(submitSheet(db.prisma, deps, bob, "2026-11"), "sheet.empty", { month: "2026-11" });
    await expectCode(submitSheet(db.prisma, deps, bob, "2026-12"), "sheet.futureMonth", { month: "2026-12" });
    await expectCode(submitSheet(db.prisma, deps, bob, "2026-1"), "log.badMonth");
    expect(await countRows(db.prisma)).toEqual(before);
    // a sheet whose only line was deleted is empty too
    const l = await log(bob, "SV001", 1, "2026-11-02");
    await db.prisma.entry.update({ where: { id: l.entry.id }, data: { status: "DELETED" } });
    await expectCode(submitSheet(db.prisma, deps, bob, "2026-11"), "sheet.empty");
    const r = await submitSheet(db.prisma, deps, bob, "2026-10", { allowEmpty: true });
    expect(r.sheet).toMatchObject({ state: "SUBMITTED", month: "2026-10" });

    await log(fx.people.alice, "SV001", 1, "2026-11-02");
    for (const state of ["APPROVED", "LOCKED"] as const) {
      await db.prisma.sheet.updateMany({ where: { personId: fx.people.alice.personId }, data: { state } });
      await expectCode(submitSheet(db.prisma, deps, fx.people.alice, "2026-11"), "sheet.locked", {
        month: "2026-11",
        state,
      });
    }
  });

  it("submits only one's own sheet", async () => {
    await log(fx.people.alice, "SV001", 1, "2026-11-02");
    await expectCode(submitSheet(db.prisma, deps, fx.people.bob, "2026-11"), "sheet.empty");
    const sheet = await db.prisma.sheet.findFirstOrThrow({ where: { personId: fx.people.alice.personId } });
    expect(sheet.state).toBe("OPEN");
    await expectCode(submitSheet(db.prisma, deps, fx.people.eve, "2026-11"), "auth.inactive");
  });

  it("routes a chief's own sheet and a chiefless section to the branch chief, and nobody to themselves", async () => {
    expect(await findReviewer(db.prisma, fx.people.alice.personId)).toBe(fx.people.carol.personId);
    expect(await findReviewer(db.prisma, fx.people.carol.personId)).toBe(fx.people.dave.personId);
    expect(await findReviewer(db.prisma, fx.people.bob.personId)).toBe(fx.people.dave.personId);
    expect(await findReviewer(db.prisma, fx.people.dave.personId)).toBeNull();
    await log(fx.people.carol, "SV001", 1, "2026-11-02");
    const r = await submitSheet(db.prisma, deps, fx.people.carol, "2026-11");
    expect(r.sheet.reviewerId).toBe(fx.people.dave.personId);
  });
});
