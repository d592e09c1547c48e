import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { DomainError } from "../../src/domain/errors.js";
import {
  attachEvidence,
  type Deps,
  deleteLine,
  deleteTempTask,
  listLines,
  logTempTask,
  logWork,
  undoLast,
  updateLine,
} from "../../src/domain/logging.js";
import { writeSetting } from "../../src/domain/settings.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";
import { clearLogs, countRows, type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

let db: Database;
let fx: Fixture;
const clock = testClock();
const deps: Deps = { clock, timeZone: TZ };

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

async function logged(input: Parameters<typeof logWork>[3], actor = fx.people.alice) {
  const r = await logWork(db.prisma, deps, actor, input);
  if (r.status !== "logged") throw new Error(`expected logged, got ${JSON.stringify(r)}`);
  return r;
}

describe(`logWork (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("records a line, creates the month's sheet, and answers the day's and month's totals", async () => {
    const a = await logged({ itemId: id("SV001"), count: 3, workDate: "2026-11-20", note: " 客户急件 " });
    expect(a.entry).toMatchObject({
      itemCode: "SV001",
      itemName: "发票发售",
      itemNameEn: "Invoice sales",
      count: 3,
      pointsPerUnit: 500,
      subtotal: 1500,
      workDate: "2026-11-20",
      note: "客户急件",
    });
    expect(a).toMatchObject({
      dayTotal: 1500,
      monthTotal: 1500,
      monthLines: 1,
      sheetCreated: true,
      evidenceMissing: [],
    });

    const b = await logged({ itemId: id("SV003"), count: 2, workDate: "2026-11-20" });
    expect(b).toMatchObject({ dayTotal: 3500, monthTotal: 3500, monthLines: 2, sheetCreated: false });
    const c = await logged({ itemId: id("SV004"), count: 1, workDate: "2026-11-19" });
    expect(c).toMatchObject({ dayTotal: 200, monthTotal: 3700, monthLines: 3 });

    const sheets = await db.prisma.sheet.findMany();
    expect(sheets).toHaveLength(1);
    expect(sheets[0]).toMatchObject({
      personId: fx.people.alice.personId,
      month: "2026-11",
      state: "OPEN",
      categoryCode: "SERVICE",
    });
    const entry = await db.prisma.entry.findUniqueOrThrow({ where: { id: a.entry.id } });
    expect(entry).toMatchObject({
      sheetId: sheets[0]!.id,
      month: "2026-11",
      status: "ACTIVE",
      source: "SLACK",
      count: 3,
    });
    expect(entry.createdAt.toISOString()).toBe("2026-11-20T02:00:00.000Z");
    const audits = await db.prisma.auditLog.findMany({
      where: { entityId: { in: [a.entry.id, sheets[0]!.id] } },
    });
    expect(audits.map((x) => x.action).sort()).toEqual(["entry.create", "sheet.create"]);
    expect(audits.every((x) => x.actor === "UALICE" && x.outcome === "OK")).toBe(true);
  });

  it("prices a line with the version in force for its work date's month", async () => {
    const oct = await logged({ itemId: id("SV002"), count: 1, workDate: "2026-10-31" });
    const nov = await logged({ itemId: id("SV002"), count: 1, workDate: "2026-11-02" });
    expect(oct.entry.pointsPerUnit).toBe(800);
    expect(nov.entry.pointsPerUnit).toBe(1000);
    expect(oct.entry.month).toBe("2026-10");
    expect(await db.prisma.sheet.count()).toBe(2);
    // a later re-valuation does not touch logged lines
    await db.prisma.itemPointVersion.create({
      data: { itemId: id("SV002"), effectiveMonth: "2026-12", points: 1200, reason: "re-valued" },
    });
    const e = await db.prisma.entry.findUniqueOrThrow({ where: { id: nov.entry.id } });
    expect(e.pointsPerUnit).toBe(1000);
    await db.prisma.itemPointVersion.deleteMany({
      where: { itemId: id("SV002"), effectiveMonth: "2026-12" },
    });
  });

  it("asks to confirm a day above 480 points and writes nothing until confirmed", async () => {
    await logged({ itemId: id("MN001"), count: 16, workDate: "2026-11-20" }); // exactly 480.00
    const before = await countRows(db.prisma);
    const r = await logWork(db.prisma, deps, fx.people.alice, {
      itemId: id("SV004"),
      count: 1,
      workDate: "2026-11-20",
    });
    expect(r).toMatchObject({
      status: "confirm",
      reason: "dayOver",
      dayTotal: 48200,
      currentDayTotal: 48000,
      limit: 48000,
    });
    expect(await countRows(db.prisma)).toEqual(before);
    if (r.status !== "confirm") throw new Error();
    const ok = await logWork(db.prisma, deps, fx.people.alice, r.input);
    expect(ok).toMatchObject({ status: "logged", dayTotal: 48200 });
    // another day is not affected
    expect(
      (
        await logWork(db.prisma, deps, fx.people.alice, {
          itemId: id("SV004"),
          count: 1,
          workDate: "2026-11-19",
        })
      ).status,
    ).toBe("logged");
  });

  it("takes the daily limit from deps, else from the settings", async () => {
    const r1 = await logWork(db.prisma, { ...deps, plausibleDailyPoints: 10 }, fx.people.alice, {
      itemId: id("SV001"),
      count: 3,
      workDate: "2026-11-20",
    });
    expect(r1).toMatchObject({ status: "confirm", reason: "dayOver", limit: 1000 });
    await writeSetting(db.prisma, "cli", "plausibleDailyPoints", 12);
    try {
      const r2 = await logWork(db.prisma, deps, fx.people.alice, {
        itemId: id("SV001"),
        count: 3,
        workDate: "2026-11-20",
      });
      expect(r2).toMatchObject({ status: "confirm", limit: 1200 });
    } finally {
      await writeSetting(db.prisma, "cli", "plausibleDailyPoints", 480);
    }
  });

  it("asks to confirm an identical line within a minute", async () => {
    const first = await logged({ itemId: id("SV001"), count: 2, workDate: "2026-11-20", note: "x" });
    clock.advance(30_000);
    const before = await countRows(db.prisma);
    const dup = await logWork(db.prisma, deps, fx.people.alice, {
      itemId: id("SV001"),
      count: 2,
      workDate: "2026-11-20",
      note: "x",
    });
    expect(dup).toMatchObject({
      status: "confirm",
      reason: "duplicate",
      duplicateOf: first.entry.id,
      dayTotal: 2000,
    });
    expect(await countRows(db.prisma)).toEqual(before);
    // a different count or note is not a duplicate
    expect(
      (
        await logWork(db.prisma, deps, fx.people.alice, {
          itemId: id("SV001"),
          count: 3,
          workDate: "2026-11-20",
          note: "x",
        })
      ).status,
    ).toBe("logged");
    if (dup.status !== "confirm") throw new Error();
    expect((await logWork(db.prisma, deps, fx.people.alice, dup.input)).status).toBe("logged");
    clock.advance(61_000);
    expect(
      (
        await logWork(db.prisma, deps, fx.people.alice, {
          itemId: id("SV001"),
          count: 3,
          workDate: "2026-11-20",
          note: "x",
        })
      ).status,
    ).toBe("logged");
  });

  it("refuses bad input and writes nothing", async () => {
    await logged({ itemId: id("SV001"), count: 1, workDate: "2026-11-20" });
    const before = await countRows(db.prisma);
    const alice = fx.people.alice;
    const cases: [Parameters<typeof logWork>[3], string, Record<string, unknown>?][] = [
      [
        { itemId: id("SV001"), count: 1, workDate: "2026-11-21" },
        "log.futureDate",
        { date: "2026-11-21", today: "2026-11-20" },
      ],
      [
        { itemId: id("SV001"), count: 1, workDate: "2026-09-30" },
        "log.dateTooOld",
        { date: "2026-09-30", earliest: "2026-10-01" },
      ],
      [{ itemId: id("SV001"), count: 1, workDate: "2026-13-40" }, "log.badDate", { value: "2026-13-40" }],
      [{ itemId: id("SV001"), count: 0, workDate: "2026-11-20" }, "log.countRange"],
      [{ itemId: id("SV001"), count: -3, workDate: "2026-11-20" }, "log.countRange"],
      [{ itemId: id("SV001"), count: 1e9, workDate: "2026-11-20" }, "log.countRange"],
      [{ itemId: id("SV001"), count: 1.5, workDate: "2026-11-20" }, "log.countRange"],
      [{ itemId: id("SV001"), count: 1, workDate: "2026-11-20", note: "x".repeat(501) }, "log.noteTooLong"],
      [
        { itemId: id("SV009"), count: 1, workDate: "2026-11-20" },
        "item.inactive",
        { code: "SV009", name: "旧业务", nameEn: "Retired service" },
      ],
      [
        { itemId: id("SV010"), count: 1, workDate: "2026-11-20" },
        "item.noPoints",
        { code: "SV010", name: "新业务", nameEn: "New service", month: "2026-11" },
      ],
      [{ itemId: `'; DROP TABLE "Entry"; --`, count: 1, workDate: "2026-11-20" }, "item.notFound"],
      [
        {
          itemId: id("SV001"),
          count: 1,
          workDate: "2026-11-20",
          evidence: { links: ["javascript:alert(1)"] },
        },
        "evidence.badLink",
      ],
      [
        {
          itemId: id("SV001"),
          count: 1,
          workDate: "2026-11-20",
          evidence: { checked: [fx.docs["MN002:Working paper"]!] },
        },
        "evidence.unknownDocument",
      ],
    ];
    for (const [input, code, params] of cases) {
      await expectCode(logWork(db.prisma, deps, alice, input), code, params);
    }
    expect(await countRows(db.prisma)).toEqual(before);
    expect(await db.prisma.auditLog.count({ where: { outcome: "REFUSED" } })).toBe(0);
    await expectCode(
      logWork(db.prisma, deps, fx.people.eve, { itemId: id("SV001"), count: 1, workDate: "2026-11-20" }),
      "auth.inactive",
    );
  });

  it("refuses a line in a submitted, approved or locked sheet (audited), and accepts one in a returned sheet", async () => {
    await logged({ itemId: id("SV001"), count: 1, workDate: "2026-10-15" });
    for (const state of ["SUBMITTED", "APPROVED", "LOCKED"] as const) {
      await db.prisma.sheet.updateMany({ where: { month: "2026-10" }, data: { state } });
      const before = await countRows(db.prisma);
      await expectCode(
        logWork(db.prisma, deps, fx.people.alice, { itemId: id("SV003"), count: 1, workDate: "2026-10-16" }),
        "sheet.locked",
        { month: "2026-10", state },
      );
      // even with confirm, and even for an implausible day
      await expectCode(
        logWork(db.prisma, deps, fx.people.alice, {
          itemId: id("MN001"),
          count: 99,
          workDate: "2026-10-16",
          confirm: true,
        }),
        "sheet.locked",
      );
      expect(await countRows(db.prisma)).toEqual(before);
    }
    const refused = await db.prisma.auditLog.findMany({
      where: { outcome: "REFUSED", action: "entry.create" },
    });
    expect(refused).toHaveLength(6);
    expect(refused[0]).toMatchObject({ actor: "UALICE", reason: "sheet.locked" });
    await db.prisma.sheet.updateMany({ where: { month: "2026-10" }, data: { state: "RETURNED" } });
    expect(
      (
        await logWork(db.prisma, deps, fx.people.alice, {
          itemId: id("SV003"),
          count: 1,
          workDate: "2026-10-16",
        })
      ).status,
    ).toBe("logged");
  });

  it("records evidence given with the line (the modal path) and reports what is still missing", async () => {
    const r = await logged({
      itemId: id("MN001"),
      count: 1,
      workDate: "2026-11-20",
      evidence: {
        links: ["https://docs.example.com/arrears/1"],
        files: [{ id: "F0123ABC", name: "notice.pdf", documentId: fx.docs["MN001:Arrears notice"] }],
        checked: [fx.docs["MN001:Arrears list"]!, fx.docs["MN001:Arrears list"]!],
      },
    });
    expect(r.evidenceMissing.map((d) => d.nameEn)).toEqual([
      "Payment demand",
      "Penalty decision",
      "Penalty notice",
      "Information transfer slip",
    ]);
    expect(await db.prisma.entryEvidence.count({ where: { entryId: r.entry.id } })).toBe(3);
    const plain = await logged({ itemId: id("MN002"), count: 1, workDate: "2026-11-19" });
    expect(plain.evidenceMissing.map((d) => d.nameEn)).toEqual(["Working paper"]);
  });
});

describe("temporary tasks", () => {
  it("records a task awaiting pricing, optionally naming a similar item", async () => {
    const t = await logTempTask(db.prisma, deps, fx.people.alice, {
      minutes: 90,
      description: "  帮局里搬档案室\u0000 ",
      similarItemId: id("SV004"),
    });
    expect(t).toMatchObject({
      minutes: 90,
      description: "帮局里搬档案室",
      workDate: "2026-11-20",
      status: "AWAITING_PRICING",
      points: null,
      similarItem: { code: "SV004", name: "档案归集整理" },
    });
    expect(t.repeated).toBe(false);
    // a retry within a minute answers the same task
    clock.advance(20_000);
    const again = await logTempTask(db.prisma, deps, fx.people.alice, {
      minutes: 90,
      description: "帮局里搬档案室",
      similarItemId: id("SV004"),
    });
    expect(again).toMatchObject({ id: t.id, repeated: true });
    const list = await listLines(db.prisma, deps, fx.people.alice, "2026-11");
    expect(list.tempTasks).toHaveLength(1);
    expect(list.total).toBe(0);
    await db.prisma.tempTask.update({ where: { id: t.id }, data: { status: "PRICED", points: 4500 } });
    expect((await listLines(db.prisma, deps, fx.people.alice, "2026-11")).total).toBe(4500);
    const r = await logged({ itemId: id("SV001"), count: 1, workDate: "2026-11-20" });
    expect(r.monthTotal).toBe(5000);
  });

  it("refuses bad tasks and writes nothing", async () => {
    const before = await countRows(db.prisma);
    const a = fx.people.alice;
    await expectCode(logTempTask(db.prisma, deps, a, { minutes: 0, description: "x" }), "temp.badMinutes");
    await expectCode(logTempTask(db.prisma, deps, a, { minutes: 1441, description: "x" }), "temp.badMinutes");
    await expectCode(
      logTempTask(db.prisma, deps, a, { minutes: 10, description: " \u0001 " }),
      "temp.noDescription",
    );
    await expectCode(
      logTempTask(db.prisma, deps, a, { minutes: 10, description: "x", similarItemId: id("SV009") }),
      "temp.similarUnknown",
    );
    await expectCode(
      logTempTask(db.prisma, deps, a, { minutes: 10, description: "x", workDate: "2026-12-01" }),
      "log.futureDate",
    );
    expect(await countRows(db.prisma)).toEqual(before);
  });

  it("deletes only one's own unpriced task, idempotently", async () => {
    const t = await logTempTask(db.prisma, deps, fx.people.alice, { minutes: 30, description: "接待" });
    await expectCode(deleteTempTask(db.prisma, deps, fx.people.bob, t.id), "temp.notFound", { taskId: t.id });
    const d1 = await deleteTempTask(db.prisma, deps, fx.people.alice, t.id);
    const d2 = await deleteTempTask(db.prisma, deps, fx.people.alice, t.id);
    expect([d1.alreadyDeleted, d2.alreadyDeleted]).toEqual([false, true]);
    expect(d2.removed.status).toBe("DELETED");
    const t2 = await logTempTask(db.prisma, deps, fx.people.alice, { minutes: 30, description: "接待" });
    await db.prisma.tempTask.update({ where: { id: t2.id }, data: { status: "PRICED", points: 100 } });
    await expectCode(deleteTempTask(db.prisma, deps, fx.people.alice, t2.id), "temp.priced");
  });
});

describe("listing, editing, deleting, undoing", () => {
  it("lists the month's lines with points, evidence gaps and editability", async () => {
    await logged({ itemId: id("SV001"), count: 3, workDate: "2026-11-20" });
    await logged({ itemId: id("MN001"), count: 1, workDate: "2026-11-18", note: "欠税户A" });
    await logged({ itemId: id("SV002"), count: 1, workDate: "2026-10-30" });
    const bobLine = await logged({ itemId: id("SV003"), count: 1, workDate: "2026-11-20" }, fx.people.bob);
    const list = await listLines(db.prisma, deps, fx.people.alice, "2026-11");
    expect(list.sheet?.state).toBe("OPEN");
    expect(list.lines.map((l) => [l.workDate, l.itemCode, l.count, l.subtotal])).toEqual([
      ["2026-11-18", "MN001", 1, 3000],
      ["2026-11-20", "SV001", 3, 1500],
    ]);
    expect(list.lines.map((l) => l.id)).not.toContain(bobLine.entry.id);
    expect(list.total).toBe(4500);
    expect(list.incompleteTotal).toBe(3000);
    expect(list.evidenceGaps).toBe(1);
    expect(list.lines[0]!.evidenceMissing).toHaveLength(6);
    expect(list.lines[0]).toMatchObject({ note: "欠税户A", evidenceCount: 0, editable: true, unit: "CASE" });
    await db.prisma.sheet.updateMany({
      where: { personId: fx.people.alice.personId, month: "2026-11" },
      data: { state: "SUBMITTED" },
    });
    const locked = await listLines(db.prisma, deps, fx.people.alice, "2026-11");
    expect(locked.lines.every((l) => !l.editable)).toBe(true);
    const empty = await listLines(db.prisma, deps, fx.people.alice, "2026-09");
    expect(empty).toMatchObject({ sheet: null, lines: [], tempTasks: [], total: 0, evidenceGaps: 0 });
    await expectCode(listLines(db.prisma, deps, fx.people.alice, "2026-13"), "log.badMonth");
    await expectCode(
      listLines(db.prisma, deps, fx.people.bob, "2026-11", { personId: fx.people.alice.personId }),
      "auth.forbidden",
    );
    expect(
      await db.prisma.auditLog.count({ where: { actor: "UBOB", outcome: "REFUSED", action: "lines.list" } }),
    ).toBe(1);
  });

  it("edits one's own line while the sheet is open", async () => {
    const r = await logged({ itemId: id("SV001"), count: 3, workDate: "2026-11-20" });
    const u = await updateLine(db.prisma, deps, fx.people.alice, r.entry.id, {
      count: 5,
      note: "更正",
      workDate: "2026-11-19",
    });
    expect(u.changed).toBe(true);
    expect(u.line).toMatchObject({ count: 5, subtotal: 2500, note: "更正", workDate: "2026-11-19" });
    expect(u).toMatchObject({ dayTotal: 2500, monthTotal: 2500 });
    const again = await updateLine(db.prisma, deps, fx.people.alice, r.entry.id, { count: 5 });
    expect(again.changed).toBe(false);
    const audits = await db.prisma.auditLog.findMany({
      where: { entityId: r.entry.id, action: "entry.update" },
    });
    expect(audits).toHaveLength(1);
    expect(audits[0]!.before).toEqual({ count: 3, note: null, workDate: "2026-11-20" });
    await expectCode(
      updateLine(db.prisma, deps, fx.people.alice, r.entry.id, { workDate: "2026-10-31" }),
      "entry.monthChange",
      { from: "2026-11", to: "2026-10" },
    );
    await expectCode(
      updateLine(db.prisma, deps, fx.people.alice, r.entry.id, { count: 0 }),
      "log.countRange",
    );
    await expectCode(
      updateLine(db.prisma, deps, fx.people.alice, r.entry.id, { workDate: "2026-11-21" }),
      "log.futureDate",
    );
    const n = await updateLine(db.prisma, deps, fx.people.alice, r.entry.id, { note: null });
    expect(n.line.note).toBeNull();
  });

  it("never shows, edits or deletes someone else's line (forged ids), and audits the attempt", async () => {
    const r = await logged({ itemId: id("SV001"), count: 3, workDate: "2026-11-20" });
    const before = await countRows(db.prisma);
    const bob = fx.people.bob;
    await expectCode(updateLine(db.prisma, deps, bob, r.entry.id, { count: 100 }), "entry.notFound", {
      entryId: r.entry.id,
    });
    await expectCode(deleteLine(db.prisma, deps, bob, r.entry.id), "entry.notFound", { entryId: r.entry.id });
    await expectCode(
      attachEvidence(db.prisma, deps, bob, r.entry.id, { links: ["https://x.test/a"] }),
      "entry.notFound",
    );
    await expectCode(deleteLine(db.prisma, deps, bob, "cnotarealid000000000000000"), "entry.notFound");
    expect(await countRows(db.prisma)).toEqual(before);
    const e = await db.prisma.entry.findUniqueOrThrow({ where: { id: r.entry.id } });
    expect(e).toMatchObject({ count: 3, status: "ACTIVE" });
    const refused = await db.prisma.auditLog.findMany({
      where: { actor: "UBOB", outcome: "REFUSED", action: { startsWith: "entry." } },
      orderBy: { id: "asc" },
    });
    expect(refused.map((a) => [a.action, a.reason, a.entityId])).toEqual([
      ["entry.update", "entry.notFound", r.entry.id],
      ["entry.delete", "entry.notFound", r.entry.id],
      ["entry.evidence", "entry.notFound", r.entry.id],
      ["entry.delete", "entry.notFound", "cnotarealid000000000000000"],
    ]);
    // Bob's undo never reaches Alice's line
    await expectCode(undoLast(db.prisma, deps, bob), "undo.nothing");
  });

  it("deletes one's own line (soft), idempotently, and not after submission", async () => {
    const r = await logged({ itemId: id("SV001"), count: 3, workDate: "2026-11-20" });
    const keep = await logged({ itemId: id("SV003"), count: 1, workDate: "2026-11-20" });
    const d1 = await deleteLine(db.prisma, deps, fx.people.alice, r.entry.id);
    expect(d1).toMatchObject({ alreadyDeleted: false, monthTotal: 1000 });
    expect(d1.removed.status).toBe("DELETED");
    const d2 = await deleteLine(db.prisma, deps, fx.people.alice, r.entry.id);
    expect(d2).toMatchObject({ alreadyDeleted: true, monthTotal: 1000 });
    expect(await db.prisma.auditLog.count({ where: { entityId: r.entry.id, action: "entry.delete" } })).toBe(
      1,
    );
    expect((await db.prisma.entry.findUniqueOrThrow({ where: { id: r.entry.id } })).status).toBe("DELETED");
    await expectCode(updateLine(db.prisma, deps, fx.people.alice, r.entry.id, { count: 2 }), "entry.deleted");
    await db.prisma.sheet.updateMany({ data: { state: "SUBMITTED" } });
    await expectCode(deleteLine(db.prisma, deps, fx.people.alice, keep.entry.id), "sheet.locked", {
      month: "2026-11",
      state: "SUBMITTED",
    });
    await expectCode(
      updateLine(db.prisma, deps, fx.people.alice, keep.entry.id, { count: 2 }),
      "sheet.locked",
    );
    await expectCode(
      attachEvidence(db.prisma, deps, fx.people.alice, keep.entry.id, { links: ["https://x.test/a"] }),
      "sheet.locked",
    );
    expect((await db.prisma.entry.findUniqueOrThrow({ where: { id: keep.entry.id } })).status).toBe("ACTIVE");
  });

  it("undo removes the most recent line or temporary task in an open sheet", async () => {
    await expectCode(undoLast(db.prisma, deps, fx.people.alice), "undo.nothing");
    const a = await logged({ itemId: id("SV001"), count: 1, workDate: "2026-11-20" });
    clock.advance(1000);
    const b = await logged({ itemId: id("SV003"), count: 1, workDate: "2026-11-19" });
    clock.advance(1000);
    const t = await logTempTask(db.prisma, deps, fx.people.alice, { minutes: 20, description: "会议" });
    clock.advance(1000);
    const u1 = await undoLast(db.prisma, deps, fx.people.alice);
    expect(u1.removed.kind).toBe("temp");
    expect(u1.removed.kind === "temp" && u1.removed.task.id).toBe(t.id);
    const u2 = await undoLast(db.prisma, deps, fx.people.alice);
    expect(u2.removed.kind === "entry" && u2.removed.line.id).toBe(b.entry.id);
    expect(u2.monthTotal).toBe(500);
    // a line in a submitted sheet is out of reach
    await db.prisma.sheet.updateMany({ data: { state: "SUBMITTED" } });
    await expectCode(undoLast(db.prisma, deps, fx.people.alice), "undo.nothing");
    expect((await db.prisma.entry.findUniqueOrThrow({ where: { id: a.entry.id } })).status).toBe("ACTIVE");
  });

  it("attaches evidence and ticks documents without duplicates", async () => {
    const r = await logged({ itemId: id("MN001"), count: 1, workDate: "2026-11-20" });
    expect(r.evidenceMissing).toHaveLength(6);
    const docs = fx.docs;
    const first = await attachEvidence(db.prisma, deps, fx.people.alice, r.entry.id, {
      checked: [docs["MN001:Arrears list"]!, docs["MN001:Arrears notice"]!, docs["MN001:Payment demand"]!],
      links: ["<https://files.example.com/demand.pdf|demand>"],
    });
    expect(first.evidenceMissing.map((d) => d.nameEn)).toEqual([
      "Penalty decision",
      "Penalty notice",
      "Information transfer slip",
    ]);
    expect(first).toMatchObject({ evidenceCount: 4, added: 4 });
    const again = await attachEvidence(db.prisma, deps, fx.people.alice, r.entry.id, {
      checked: [docs["MN001:Arrears list"]!],
      links: ["https://files.example.com/demand.pdf"],
    });
    expect(again).toMatchObject({ added: 0, evidenceCount: 4 });
    const all = await attachEvidence(db.prisma, deps, fx.people.alice, r.entry.id, {
      files: [{ id: "F1", documentId: docs["MN001:Penalty decision"] }],
      checked: [docs["MN001:Penalty notice"]!, docs["MN001:Information transfer slip"]!],
    });
    expect(all.evidenceMissing).toEqual([]);
    const list = await listLines(db.prisma, deps, fx.people.alice, "2026-11");
    expect(list.evidenceGaps).toBe(0);
    const replaced = await attachEvidence(
      db.prisma,
      deps,
      fx.people.alice,
      r.entry.id,
      { checked: [docs["MN001:Arrears list"]!] },
      { replaceChecklist: true },
    );
    expect(replaced.evidenceMissing.map((d) => d.nameEn)).toEqual([
      "Arrears notice",
      "Payment demand",
      "Penalty notice",
      "Information transfer slip",
    ]);
    await expectCode(
      attachEvidence(db.prisma, deps, fx.people.alice, r.entry.id, {
        checked: [docs["MN002:Working paper"]!],
      }),
      "evidence.unknownDocument",
    );
    await expectCode(
      attachEvidence(db.prisma, deps, fx.people.alice, r.entry.id, { links: ["not a url"] }),
      "evidence.badLink",
    );
    await expectCode(
      attachEvidence(db.prisma, deps, fx.people.alice, r.entry.id, { files: [{ id: "../../etc/passwd" }] }),
      "evidence.badFile",
    );
  });
});
