/**
 * loadMonthInput against a real database: the demo month gives SCHEME.md's worked example (103 / 95 / 30)
 * through computeMonth; lines are aggregated in SQL; only approved sheets count; blockers are listed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { loadMonthInput, noBlockers } from "../../src/domain/month-input.js";
import { DEMO_MONTH, seedDemo } from "../../src/domain/seed.js";
import { computeMonth, formatHundredths } from "../../src/scoring/index.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";

let db: Database;
const ids = new Map<string, string>();
beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo(db);
  for (const p of await db.prisma.person.findMany()) ids.set(p.slackUserId, p.id);
});
afterAll(async () => {
  await db?.close();
});

const finals = async (month = DEMO_MONTH) => {
  const r = computeMonth((await loadMonthInput(db, month)).input);
  return new Map(r.people.map((p) => [p.name, formatHundredths(p.finalRounded)]));
};

describe(`month input (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("builds the worked example: SERVICE raw 3200/2400/1600 → finals 103/95/30", async () => {
    const m = await loadMonthInput(db, DEMO_MONTH);
    expect(noBlockers(m.blockers)).toBe(true);
    expect(m.input.people).toHaveLength(11);
    expect(m.input.poolPerStaff).toBe(1000n);
    expect(m.input.categories.find((c) => c.code === "SERVICE")).toEqual({
      code: "SERVICE",
      qualityWeight: "0.4",
      quantityWeight: "0.6",
      normGroup: "SERVICE",
    });
    const wang = m.input.people.find((p) => p.name === "王芳")!;
    // three lines per item in the file, one aggregated line per item here
    expect(wang.lines.map((l) => [l.itemCode, l.points, l.count])).toEqual([
      ["SV001", 300n, 400],
      ["SV002", 1500n, 80],
      ["SV003", 2000n, 40],
    ]);
    expect(wang.quality).toMatchObject([{ value: -500n, veto: false }]);
    expect(wang.discretionary).toBe(500n);

    const r = computeMonth(m.input);
    const service = r.people.filter((p) => p.categoryCode === "SERVICE");
    expect(
      service.map((p) => [p.name, p.display.raw, p.display.quantity, p.display.quality, p.display.final]),
    ).toEqual([
      ["王芳", "3200.00", "100.00", "95.00", "103.00"],
      ["张伟", "2400.00", "75.00", "100.00", "95.00"],
      ["刘洋", "1600.00", "50.00", "0.00", "30.00"],
    ]);
    expect(service[2]!.vetoed).toBe(true);
    expect(r.pool).toMatchObject({ size: 11000n, spent: 1700n, left: 9300n, staffAssessed: 11 });
    const zhu = r.people.find((p) => p.name === "朱琳")!;
    expect([zhu.linesRaw, zhu.tempRaw, zhu.display.quantity, zhu.display.final]).toEqual([
      90000n,
      15000n,
      "87.50",
      "95.00",
    ]);
    expect(r.people.map((p) => [p.name, p.rankOverall])).toEqual([
      ["王芳", 1],
      ["马超", 2],
      ["陈静", 3],
      ["黄磊", 3],
      ["吴强", 5],
      ["张伟", 6],
      ["朱琳", 6],
      ["杨帆", 8],
      ["徐丽娟", 9],
      ["周敏", 10],
      ["刘洋", 11],
    ]);
  });

  it("aggregates many lines in SQL: one input line per person × item × points, count = Σ count", async () => {
    const sheet = await db.prisma.sheet.findFirstOrThrow({
      where: { personId: ids.get("U0DEMO05"), month: DEMO_MONTH },
    });
    const item = await db.prisma.workItem.findUniqueOrThrow({
      where: { code: "SV012" },
      include: { versions: true },
    });
    // 5000 lines of 1 unit at 4 points, and 10 lines at an older price of 2 points (a different version)
    await db.sql.exec(`
      INSERT INTO "Entry" (id, "personId", "sheetId", month, "workDate", "itemId", "pointVersionId", "pointsPerUnit", count, source, "updatedAt")
      SELECT 'bulk' || g, '${sheet.personId}', '${sheet.id}', '${DEMO_MONTH}', '2026-10-30', '${item.id}', '${item.versions[0]!.id}',
             CASE WHEN g <= 10 THEN 200 ELSE 400 END, 1, 'IMPORT', now()
      FROM generate_series(1, 5010) g`);
    const m = await loadMonthInput(db, DEMO_MONTH);
    const zhang = m.input.people.find((p) => p.name === "张伟")!;
    expect(zhang.lines.filter((l) => l.itemCode === "SV012").map((l) => [l.points, l.count])).toEqual([
      [200n, 10],
      [400n, 5000],
    ]);
    // deleted lines do not count
    await db.sql.exec(`UPDATE "Entry" SET status = 'DELETED' WHERE id LIKE 'bulk%'`);
    const again = (await loadMonthInput(db, DEMO_MONTH)).input.people.find((p) => p.name === "张伟")!;
    expect(again.lines.some((l) => l.itemCode === "SV012")).toBe(false);
    expect((await finals()).get("张伟")).toBe("95.00");
  });

  it("counts a line of an item with required documents only once all are attached or ticked", async () => {
    const sheet = await db.prisma.sheet.findFirstOrThrow({
      where: { personId: ids.get("U0DEMO05"), month: DEMO_MONTH },
    });
    const item = await db.prisma.workItem.findFirstOrThrow({
      where: { evidence: { some: {} }, categoryCode: "SERVICE" },
      include: { versions: true, evidence: true },
    });
    const version = item.versions[0]!;
    const countOf = (m: Awaited<ReturnType<typeof loadMonthInput>>) =>
      m.input.people
        .find((p) => p.name === "张伟")!
        .lines.filter((l) => l.itemCode === item.code && l.points === BigInt(version.points))
        .reduce((n, l) => n + l.count, 0);
    const imported = countOf(await loadMonthInput(db, DEMO_MONTH));
    const entry = await db.prisma.entry.create({
      data: {
        personId: sheet.personId,
        sheetId: sheet.id,
        month: DEMO_MONTH,
        workDate: "2026-10-29",
        itemId: item.id,
        pointVersionId: version.id,
        pointsPerUnit: version.points,
        count: 2,
        source: "SLACK",
      },
    });
    // summed (publishing) leaves out the same lines as itemized, whatever the state of the documents
    const sameSums = async () => {
      const [itemized, summed] = [
        await loadMonthInput(db, DEMO_MONTH),
        await loadMonthInput(db, DEMO_MONTH, { lines: "summed" }),
      ];
      for (const p of itemized.input.people) {
        const total = summed.input.people.find((x) => x.personId === p.personId)!.linesTotal!;
        expect(total.points).toBe(p.lines.reduce((a, l) => a + BigInt(l.count) * l.points, 0n));
        // lines and units are not counted by publishing's read (`/kpi why` counts those it reads back)
        expect([total.lines, total.units]).toEqual([undefined, undefined]);
      }
      expect(summed.evidenceIncomplete).toEqual(itemized.evidenceIncomplete);
      return summed;
    };
    const before = await loadMonthInput(db, DEMO_MONTH);
    expect(countOf(before)).toBe(imported);
    expect((await sameSums()).leftOut.get(sheet.personId)).toEqual([[version.id, version.points, 1, 2]]);
    expect(before.evidenceIncomplete).toEqual([
      {
        personId: sheet.personId,
        itemCode: item.code,
        itemName: item.name,
        lines: 1,
        points: BigInt(2 * version.points),
      },
    ]);
    // tick all but one: still left out
    const [last, ...rest] = item.evidence;
    for (const ev of rest) {
      await db.prisma.entryEvidence.create({
        data: { entryId: entry.id, kind: "CHECKLIST", itemEvidenceId: ev.id },
      });
    }
    expect((await loadMonthInput(db, DEMO_MONTH)).evidenceIncomplete).toHaveLength(1);
    await sameSums();
    await db.prisma.entryEvidence.create({
      data: { entryId: entry.id, kind: "FILE", slackFileId: "F1", itemEvidenceId: last!.id },
    });
    const after = await loadMonthInput(db, DEMO_MONTH);
    expect(after.evidenceIncomplete).toEqual([]);
    expect((await sameSums()).leftOut.size).toBe(0);
    expect(countOf(after)).toBe(imported + 2);
    await db.prisma.entry.update({ where: { id: entry.id }, data: { status: "DELETED" } });
    expect((await finals()).get("张伟")).toBe("95.00");
  });

  it("lists the blockers; lines of a sheet not approved do not count", async () => {
    const liu = ids.get("U0DEMO06")!;
    await db.prisma.sheet.update({
      where: { personId_month: { personId: liu, month: DEMO_MONTH } },
      data: { state: "SUBMITTED" },
    });
    const zhu = ids.get("U0DEMO14")!;
    const zhuSheet = await db.prisma.sheet.findUniqueOrThrow({
      where: { personId_month: { personId: zhu, month: DEMO_MONTH } },
    });
    await db.prisma.tempTask.create({
      data: {
        personId: zhu,
        sheetId: zhuSheet.id,
        month: DEMO_MONTH,
        workDate: "2026-10-29",
        minutes: 60,
        description: "临时任务",
      },
    });
    await db.prisma.qualityReview.delete({
      where: { personId_month: { personId: ids.get("U0DEMO10")!, month: DEMO_MONTH } },
    });
    // a new staff member with no category, and one with no sheet
    await db.prisma.person.create({
      data: { slackUserId: "U0TEST01", name: "无类别", roles: { create: { role: "STAFF" } } },
    });
    await db.prisma.person.create({
      data: {
        slackUserId: "U0TEST02",
        name: "无表",
        categoryCode: "SERVICE",
        roles: { create: { role: "STAFF" } },
      },
    });

    const m = await loadMonthInput(db, DEMO_MONTH);
    expect(m.blockers.sheetsNotApproved.map((s) => [s.name, s.state])).toEqual([
      ["刘洋", "SUBMITTED"],
      ["无表", "NONE"],
    ]);
    expect(m.blockers.unpricedTempTasks).toMatchObject([
      { name: "朱琳", minutes: 60, description: "临时任务" },
    ]);
    expect(m.blockers.staffWithoutQualityReview.map((s) => s.name).sort()).toEqual(["周敏", "无表"].sort());
    expect(m.blockers.staffWithoutCategory.map((s) => s.name)).toEqual(["无类别"]);
    expect(m.input.people).toHaveLength(12);
    const liuInput = m.input.people.find((p) => p.personId === liu)!;
    expect(liuInput.lines).toEqual([]);
    const zhuInput = m.input.people.find((p) => p.personId === zhu)!;
    expect(zhuInput.tempTasks.map((t) => t.points)).toEqual([15000n, null]);
    const r = computeMonth(m.input);
    expect(r.people.find((p) => p.personId === zhu)!.unpricedTempCount).toBe(1);
    expect(r.pool.size).toBe(12000n);

    // undo
    await db.prisma.sheet.update({
      where: { personId_month: { personId: liu, month: DEMO_MONTH } },
      data: { state: "APPROVED" },
    });
    await db.prisma.tempTask.deleteMany({ where: { description: "临时任务" } });
    await db.prisma.qualityReview.create({
      data: { personId: ids.get("U0DEMO10")!, month: DEMO_MONTH, reviewedById: "x" },
    });
    await db.prisma.person.updateMany({
      where: { slackUserId: { in: ["U0TEST01", "U0TEST02"] } },
      data: { active: false },
    });
    expect(noBlockers((await loadMonthInput(db, DEMO_MONTH)).blockers)).toBe(true);
  });

  it("uses the month's category, the weights in force, unrevoked adjustments and awards only", async () => {
    const yang = ids.get("U0DEMO08")!;
    // 杨帆 works in GUIDANCE in October only: normalised against 黄磊's 1800
    await db.prisma.personMonthCategory.create({
      data: { personId: yang, month: DEMO_MONTH, categoryCode: "GUIDANCE" },
    });
    let m = await loadMonthInput(db, DEMO_MONTH);
    expect(m.input.people.find((p) => p.personId === yang)!.categoryCode).toBe("GUIDANCE");
    let r = computeMonth(m.input);
    const y = r.people.find((p) => p.personId === yang)!;
    expect([y.display.quantity, y.display.final]).toEqual(["83.33", "92.67"]); // 102×0.5 + 1500/1800×100×0.5
    await db.prisma.personMonthCategory.delete({
      where: { personId_month: { personId: yang, month: DEMO_MONTH } },
    });

    // new SERVICE weights from 2026-10 apply to October; weights from 2026-11 do not
    await db.prisma.categoryWeight.create({
      data: {
        categoryCode: "SERVICE",
        effectiveMonth: "2026-11",
        qualityWeight: "0.9",
        quantityWeight: "0.1",
        normGroup: "SERVICE",
      },
    });
    expect((await finals()).get("王芳")).toBe("103.00");
    await db.prisma.categoryWeight.create({
      data: {
        categoryCode: "SERVICE",
        effectiveMonth: "2026-10",
        qualityWeight: "0.5",
        quantityWeight: "0.5",
        normGroup: "SERVICE",
      },
    });
    expect((await finals()).get("王芳")).toBe("102.50"); // 95×0.5 + 100×0.5 + 5
    await db.prisma.categoryWeight.deleteMany({
      where: { categoryCode: "SERVICE", effectiveMonth: { in: ["2026-10", "2026-11"] } },
    });

    // a revoked veto and a revoked award no longer count
    await db.prisma.qualityAdjustment.updateMany({
      where: { personId: ids.get("U0DEMO06"), veto: true },
      data: { revokedAt: new Date() },
    });
    await db.prisma.discretionaryAward.updateMany({
      where: { personId: ids.get("U0DEMO05") },
      data: { revokedAt: new Date() },
    });
    m = await loadMonthInput(db, DEMO_MONTH);
    r = computeMonth(m.input);
    const f = new Map(r.people.map((p) => [p.name, p.display.final]));
    expect([f.get("刘洋"), f.get("张伟")]).toEqual(["70.00", "85.00"]);
    expect(r.pool.spent).toBe(700n);
  });

  it("a month with nothing logged: everyone assessed, quantity 0, blocked by missing sheets", async () => {
    const m = await loadMonthInput(db, "2026-09");
    expect(m.input.people).toHaveLength(11);
    expect(m.blockers.sheetsNotApproved).toHaveLength(11);
    const r = computeMonth(m.input);
    expect(r.people.every((p) => p.display.quantity === "0.00")).toBe(true);
  });
});
