/**
 * File imports against a real database (PGlite, or PostgreSQL with TEST_DB=postgres): a malformed file
 * is refused whole with every problem by line and leaves the database unchanged; the sample files import;
 * re-imports change nothing; a changed point value creates a version; a database error mid-way rolls
 * the whole file back; the XLSX catalog matches the CSV one.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import {
  ImportRefusedError,
  importCatalog,
  importEntries,
  importPeople,
  importSections,
  parseCsvTable,
  pinyinInitials,
  readTableFile,
} from "../../src/domain/import/index.js";
import { DEMO_MONTH, seedCatalog, seedFile } from "../../src/domain/seed.js";
import { fingerprint } from "../cli/helpers.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";

const EXAMPLES = path.resolve(import.meta.dirname, "../../examples");

async function refusal(p: Promise<unknown>): Promise<ImportRefusedError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ImportRefusedError) return e;
    throw e;
  }
  throw new Error("expected the import to be refused");
}

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedCatalog(db);
});
afterAll(async () => {
  await db?.close();
});

describe(`imports (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("seeds the sample catalog: ≥ 40 items across the five categories, with evidence, rules and pinyin", async () => {
    const items = await db.prisma.workItem.findMany({
      include: { evidence: true, qualityRules: true, versions: true },
    });
    expect(items.length).toBeGreaterThanOrEqual(40);
    expect(new Set(items.map((i) => i.categoryCode))).toEqual(
      new Set(["SERVICE", "MONITOR", "GUIDANCE", "ASSESS", "INSPECT"]),
    );
    expect(items.every((i) => i.isSample && i.versions.length === 1)).toBe(true);
    const arrears = items.find((i) => i.name === "催报催缴")!;
    expect(arrears.evidence.sort((a, b) => a.sortOrder - b.sortOrder).map((e) => e.name)).toEqual([
      "欠税清册",
      "欠税公告",
      "催缴税款通知书",
      "税务行政处罚决定书",
      "税务行政处罚事项告知书",
      "信息传递单",
    ]);
    expect(arrears.qualityRules.find((r) => r.veto)).toMatchObject({ value: -10000 });
    expect(items.find((i) => i.name === "纳税辅导")!.evidence.map((e) => e.name)).toEqual([
      "纳税辅导工作底稿",
    ]);
    const invoice = items.find((i) => i.code === "SV001")!;
    expect(invoice).toMatchObject({
      name: "发票发售",
      nameEn: "Invoice sales",
      unit: "TXN",
      pinyinInitials: "fpfs",
    });
    expect(invoice.versions[0]).toMatchObject({ points: 300, effectiveMonth: "2000-01" });
    expect(items.find((i) => i.code === "SV004")!.versions[0]!.points).toBe(150);
    expect(pinyinInitials("档案归集整理")).toBe("dagjzl");
  });

  it("imports the sample sections, people and entries", async () => {
    const s = await importSections(db, await readTableFile(seedFile("sections.sample.csv")));
    expect(s).toMatchObject({ created: 3, updated: 0 });
    const p = await importPeople(db, await readTableFile(seedFile("people.sample.csv")));
    expect(p).toMatchObject({ created: 14, updated: 0 });
    const people = await db.prisma.person.findMany({ include: { roles: true, chiefOf: true } });
    const roles = new Set(people.flatMap((x) => x.roles.map((r) => r.role)));
    expect(roles).toEqual(new Set(["STAFF", "SECTION_CHIEF", "ASSESSMENT_GROUP", "BRANCH_CHIEF", "ADMIN"]));
    const chiefs = people.filter((x) => x.chiefOf.length > 0);
    expect(chiefs.map((c) => c.chiefOf[0]!.sectionId).sort()).toEqual(
      (await db.prisma.section.findMany()).map((x) => x.id).sort(),
    );
    expect(chiefs.every((c) => c.roles.some((r) => r.role === "STAFF"))).toBe(true);
    expect(new Set(people.map((x) => x.locale))).toEqual(new Set(["zh-CN", "en", null]));

    const e = await importEntries(db, await readTableFile(seedFile("entries.sample.csv")), {
      month: DEMO_MONTH,
    });
    expect(e).toMatchObject({ added: 96, alreadyPresent: 0, people: 11, sheetsCreated: 11 });
    const sheets = await db.prisma.sheet.findMany({ include: { transitions: true } });
    expect(sheets.every((x) => x.state === "APPROVED" && x.month === DEMO_MONTH)).toBe(true);
    expect(sheets[0]!.transitions).toMatchObject([{ fromState: null, toState: "APPROVED", actorId: "cli" }]);
    const entries = await db.prisma.entry.findMany({ include: { pointVersion: true } });
    expect(entries.every((x) => x.source === "IMPORT" && x.pointsPerUnit === x.pointVersion.points)).toBe(
      true,
    );
    const audited = await db.prisma.auditLog.findMany({ where: { action: "import.entries" } });
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actor).toBe("cli");
  });

  it("re-importing every sample file changes nothing", async () => {
    const before = await fingerprint(db);
    expect(await importSections(db, await readTableFile(seedFile("sections.sample.csv")))).toMatchObject({
      unchanged: 3,
    });
    expect(await importPeople(db, await readTableFile(seedFile("people.sample.csv")))).toMatchObject({
      unchanged: 14,
    });
    expect(
      await importEntries(db, await readTableFile(seedFile("entries.sample.csv")), { month: DEMO_MONTH }),
    ).toMatchObject({ added: 0, alreadyPresent: 96 });
    const cat = await importCatalog(db, await readTableFile(seedFile("catalog.sample.csv")), {
      effectiveMonth: "2026-11",
    });
    expect(cat).toMatchObject({ created: 0, updated: 0, versionsCreated: 0 });
    expect(await fingerprint(db)).toEqual(before);
  });

  it("refuses the malformed example whole, every problem by line, and leaves the database unchanged", async () => {
    const before = await fingerprint(db);
    const e = await refusal(
      importEntries(db, await readTableFile(path.join(EXAMPLES, "entries.bad.csv")), { month: DEMO_MONTH }),
    );
    expect(e.describe()).toEqual([
      'line 1: unknown column "window" (expected: person, item, date, count, ref, note)',
      'line 3, item: unknown item code "SV999"',
      'line 4, count: must not be negative, got "-2"',
      'line 5, date: is not a date (expected YYYY-MM-DD, e.g. 2026-10-09), got "2026-10-32"',
      "line 6, ref: duplicate ref CT-0001 (also on line 2)",
      'line 7, person: unknown person "U0NOBODY" (give a Slack user id or an exact name)',
      "line 8, date: date 2026-11-02 is outside the month 2026-10",
      'line 9, count: must be a whole number, got "1.5"',
    ]);
    expect(await fingerprint(db)).toEqual(before);
  });

  it("refuses a bad catalog with every problem listed", async () => {
    const before = await fingerprint(db);
    const csv = [
      "code,category,name,unit,points,evidence,quality,pionts",
      "ZZ001,SERVICE,新项目,TXN,5,,,",
      "ZZ001,SERVICE,重复编码,TXN,5,,,",
      "ZZ002,NOPE,未知类别,TXN,5,,,",
      "ZZ003,SERVICE,坏分值,TXN,abc,,,",
      "ZZ004,SERVICE,负分值,户,-3,,,",
      "ZZ005,SERVICE,坏单位,box,3,,,",
      "ZZ006,SERVICE,坏资料,TXN,3,|English only,,",
      "ZZ007,SERVICE,坏标准,TXN,3,,-5 no colon;0:零分,",
      ",SERVICE,,TXN,3.456,,,",
    ].join("\n");
    const e = await refusal(
      importCatalog(db, parseCsvTable(csv, "bad-catalog.csv"), { effectiveMonth: "2026-11" }),
    );
    const lines = e.describe();
    expect(lines).toEqual(
      expect.arrayContaining([
        'line 1: unknown column "pionts" (expected: code, category, name, name_en, unit, points, evidence, quality, standard, sample, active)',
        "line 3, code: duplicate code ZZ001 (also on line 2)",
        expect.stringMatching(
          /^line 4, category: unknown category "NOPE" \(known: ASSESS, GUIDANCE, INSPECT, MONITOR, SERVICE\)/,
        ),
        'line 5, points: must be a number of points with at most 2 decimals, e.g. 3 or 2.5, got "abc"',
        'line 6, points: must not be negative, got "-3"',
        expect.stringMatching(/^line 7, unit: must be one of TXN \(笔\), TAXPAYER \(户\)/),
        'line 8, evidence: "|English only" has no document name before "|"',
        'line 9, quality: "-5 no colon" is not "<points>:<description>" or "veto:<description>"',
        'line 9, quality: "0:零分": points must not be 0 (a deduction is negative, a bonus positive)',
        "line 10, code: is required",
        "line 10, name: is required",
        'line 10, points: must be a number of points with at most 2 decimals, e.g. 3 or 2.5, got "3.456"',
      ]),
    );
    expect(lines).toHaveLength(12);
    expect(await fingerprint(db)).toEqual(before);
  });

  it("refuses a file missing a required column, and an empty or non-UTF-8 file", async () => {
    const e1 = await refusal(
      importEntries(db, parseCsvTable("person,item,date\nU0DEMO04,SV001,2026-10-09\n", "x.csv"), {
        month: DEMO_MONTH,
      }),
    );
    expect(e1.describe()).toContain('line 1: missing column "count"');
    const e2 = await refusal(importSections(db, parseCsvTable("", "empty.csv")));
    expect(e2.describe()[0]).toMatch(/^file: the file is empty/);
    const gbk = Uint8Array.from([0x63, 0x6f, 0x64, 0x65, 0x0a, 0xb7, 0xa2, 0xc6, 0xb1, 0x0a]); // "code\n发票" in GBK
    const e3 = await refusal(importSections(db, parseCsvTable(gbk, "gbk.csv")));
    expect(e3.describe()[0]).toMatch(/not UTF-8/);
  });

  it("accepts a BOM, Chinese header aliases, quoted cells and blank rows", async () => {
    const csv = '\uFEFF编码,名称,英文名称\r\nTMP,"临时股, 测试","Temp section, test"\r\n,,\r\n';
    const s = await importSections(db, parseCsvTable(csv, "bom.csv"));
    expect(s).toMatchObject({ created: 1 });
    expect(await db.prisma.section.findUnique({ where: { code: "TMP" } })).toMatchObject({
      name: "临时股, 测试",
      nameEn: "Temp section, test",
    });
  });

  it("refuses entries for a sheet that is not approved, and keeps refs unique across imports", async () => {
    const wang = await db.prisma.person.findUniqueOrThrow({ where: { slackUserId: "U0DEMO05" } });
    await db.prisma.sheet.update({
      where: { personId_month: { personId: wang.id, month: DEMO_MONTH } },
      data: { state: "SUBMITTED" },
    });
    const csv = "person,item,date,count,ref\nU0DEMO05,SV001,2026-10-20,3,R-1\n张伟,SV001,2026-10-21,3,R-2\n";
    const e = await refusal(importEntries(db, parseCsvTable(csv, "x.csv"), { month: DEMO_MONTH }));
    expect(e.describe()).toEqual([
      "line 2, person: 张伟's sheet for 2026-10 is SUBMITTED, not approved: imported lines go to approved sheets only (have it decided first)",
    ]);
    await db.prisma.sheet.update({
      where: { personId_month: { personId: wang.id, month: DEMO_MONTH } },
      data: { state: "APPROVED" },
    });
    const ok = await importEntries(db, parseCsvTable(csv, "x.csv"), { month: DEMO_MONTH });
    expect(ok).toMatchObject({ added: 2, sheetsCreated: 0, pointsAdded: 1800n });
    expect(await importEntries(db, parseCsvTable(csv, "x.csv"), { month: DEMO_MONTH })).toMatchObject({
      added: 0,
    });
    const changed = "person,item,date,count,ref\nU0DEMO05,SV001,2026-10-20,4,R-1\n";
    const e2 = await refusal(importEntries(db, parseCsvTable(changed, "x.csv"), { month: DEMO_MONTH }));
    expect(e2.describe()[0]).toMatch(/^line 2, ref: ref R-1 was imported before with a different line/);
    // tidy up for the tests below (lines of an approved sheet are not normally deleted)
    await db.prisma.entry.deleteMany({ where: { note: { startsWith: "[R-" } } });
  });

  it("a changed point value creates a version effective from --effective; entries keep the version in force", async () => {
    const csv = (await readTableFile(seedFile("catalog.sample.csv"))).rows;
    expect(csv.length).toBeGreaterThan(40);
    const text = [
      "code,category,name,name_en,unit,points",
      "SV001,SERVICE,发票发售,Invoice sales,TXN,3.5",
      "SV002,SERVICE,税务登记,Tax registration,TAXPAYER,15",
    ].join("\n");
    const s = await importCatalog(db, parseCsvTable(text, "change.csv"), { effectiveMonth: "2026-11" });
    expect(s).toMatchObject({ updated: 1, unchanged: 1, versionsCreated: 1 });
    expect(s.details).toEqual(["SV001 points 3.00 → 3.50 from 2026-11"]);
    const versions = await db.prisma.itemPointVersion.findMany({
      where: { item: { code: "SV001" } },
      orderBy: { effectiveMonth: "asc" },
    });
    expect(versions.map((v) => [v.effectiveMonth, v.points, v.reason])).toEqual([
      ["2000-01", 300, "initial catalog"],
      ["2026-11", 350, "import"],
    ]);
    // columns absent from the file leave evidence and rules alone, and the English name
    const sv002 = await db.prisma.workItem.findUniqueOrThrow({
      where: { code: "SV002" },
      include: { evidence: true },
    });
    expect(sv002.evidence).toHaveLength(1);
    const noEn = "code,category,name,unit,points\nSV002,SERVICE,税务登记,TAXPAYER,15\n";
    expect(
      await importCatalog(db, parseCsvTable(noEn, "x.csv"), { effectiveMonth: "2026-11" }),
    ).toMatchObject({
      unchanged: 1,
    });
    expect((await db.prisma.workItem.findUniqueOrThrow({ where: { code: "SV002" } })).nameEn).toBe(
      "Tax registration",
    );
    // again: nothing new
    expect(
      await importCatalog(db, parseCsvTable(text, "change.csv"), { effectiveMonth: "2026-11" }),
    ).toMatchObject({
      updated: 0,
      versionsCreated: 0,
    });
    // October lines are priced by the version in force in October, November lines by the new one
    const lines = "person,item,date,count\nU0DEMO04,SV001,2026-11-03,10\n";
    const nov = await importEntries(db, parseCsvTable(lines, "nov.csv"), { month: "2026-11" });
    expect(nov.pointsAdded).toBe(3500n);
    const oct = await importEntries(db, parseCsvTable(lines.replace("2026-11-03", "2026-10-30"), "oct.csv"), {
      month: DEMO_MONTH,
    });
    expect(oct.pointsAdded).toBe(3000n);
    await db.prisma.entry.deleteMany({ where: { workDate: { in: ["2026-11-03", "2026-10-30"] } } });
    await db.prisma.sheet.deleteMany({ where: { month: "2026-11" } });
    // restore the sample value for the tests below, as a correction of the unused November version
    const back = text.replace("TXN,3.5", "TXN,3");
    expect(
      await importCatalog(db, parseCsvTable(back, "back.csv"), { effectiveMonth: "2026-11" }),
    ).toMatchObject({
      updated: 1,
      versionsCreated: 0,
    });
  });

  it("a quality standard dropped from the file is retired, not deleted, while an adjustment points to it", async () => {
    const rulesOf = () =>
      db.prisma.itemQualityRule.findMany({
        where: { item: { code: "SV001" } },
        orderBy: { description: "asc" },
      });
    const sample = await rulesOf();
    const minor = sample.find((r) => r.description === "发票发售差错")!;
    const veto = sample.find((r) => r.veto)!;
    const person = await db.prisma.person.findFirstOrThrow();
    const adj = await db.prisma.qualityAdjustment.create({
      data: {
        personId: person.id,
        month: "2026-10",
        value: minor.value,
        reason: minor.description,
        ruleId: minor.id,
        createdById: person.id,
      },
    });
    const header = "code,category,name,name_en,unit,points,quality";
    const only = `${header}\nSV001,SERVICE,发票发售,Invoice sales,TXN,3,+1:纳税人书面表扬|Praised in writing\n`;
    const s = await importCatalog(db, parseCsvTable(only, "retire.csv"), { effectiveMonth: "2026-11" });
    expect(s).toMatchObject({ updated: 1 });
    expect(s.details).toContain(
      "SV001 quality standard “发票发售差错” kept inactive: 1 quality adjustment refers to it",
    );
    // the referenced standard stays (inactive); the unreferenced veto is gone; the new one is added
    expect((await rulesOf()).map((r) => [r.description, r.active])).toEqual([
      ["发票发售差错", false],
      ["纳税人书面表扬", true],
    ]);
    expect(await db.prisma.itemQualityRule.findUnique({ where: { id: veto.id } })).toBeNull();
    const kept = await db.prisma.itemQualityRule.findUniqueOrThrow({ where: { id: adj.ruleId! } });
    expect(kept).toMatchObject({ id: minor.id, value: minor.value, active: false });
    // the same file again changes nothing
    expect(
      await importCatalog(db, parseCsvTable(only, "retire.csv"), { effectiveMonth: "2026-11" }),
    ).toMatchObject({ updated: 0, unchanged: 1 });
    // the sample row brings the retired standard back (the same row) and the veto anew
    const sampleRow = `${header}\nSV001,SERVICE,发票发售,Invoice sales,TXN,3,-1:发票发售差错|Invoice sold with an error;veto:违规发售发票造成税款流失|Improper invoice sale causing revenue loss\n`;
    await importCatalog(db, parseCsvTable(sampleRow, "back.csv"), { effectiveMonth: "2026-11" });
    const restored = await rulesOf();
    expect(restored.map((r) => [r.description, r.active])).toEqual([
      ["发票发售差错", true],
      ["违规发售发票造成税款流失", true],
    ]);
    expect(restored[0]!.id).toBe(minor.id);
    await db.prisma.qualityAdjustment.delete({ where: { id: adj.id } });
  });

  it("the XLSX sample catalog is the same catalog as the CSV one", async () => {
    const before = await fingerprint(db, ["WorkItem", "ItemPointVersion", "ItemEvidence", "ItemQualityRule"]);
    const s = await importCatalog(db, await readTableFile(seedFile("catalog.sample.xlsx")), {
      effectiveMonth: "2000-01",
    });
    expect(s).toMatchObject({ rows: 47, created: 0, updated: 0, unchanged: 47 });
    expect(
      await fingerprint(db, ["WorkItem", "ItemPointVersion", "ItemEvidence", "ItemQualityRule"]),
    ).toEqual(before);
  });

  it("imports a new item from XLSX", async () => {
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("x");
    ws.addRow(["code", "category", "name", "name_en", "unit", "points", "evidence", "sample"]);
    ws.addRow([
      "xl001",
      "GUIDANCE",
      "纳税人满意度回访",
      "Satisfaction follow-up",
      "次",
      12.5,
      "回访记录|Follow-up record",
      "no",
    ]);
    ws.addRow([]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const { parseXlsxTable } = await import("../../src/domain/import/table.js");
    const s = await importCatalog(db, await parseXlsxTable(buf, "new.xlsx"), { effectiveMonth: "2026-11" });
    expect(s).toMatchObject({ created: 1 });
    const item = await db.prisma.workItem.findUniqueOrThrow({
      where: { code: "XL001" },
      include: { versions: true, evidence: true },
    });
    expect(item).toMatchObject({ unit: "VISIT", isSample: false, pinyinInitials: "nsrmydhf" });
    expect(item.versions[0]).toMatchObject({ points: 1250, effectiveMonth: "2026-11" });
    expect(item.evidence[0]).toMatchObject({ name: "回访记录", nameEn: "Follow-up record" });
    // an XLSX problem is reported by row
    const bad = new ExcelJS.Workbook();
    const bs = bad.addWorksheet("x");
    bs.addRow(["code", "category", "name", "unit", "points"]);
    bs.addRow(["XL002", "GUIDANCE", "坏", "次", -1]);
    const e = await refusal(
      importCatalog(db, await parseXlsxTable(Buffer.from(await bad.xlsx.writeBuffer()), "bad.xlsx"), {
        effectiveMonth: "2026-11",
      }),
    );
    expect(e.describe()).toEqual(['row 2, points: must not be negative, got "-1"']);
  });

  it("a database error mid-way rolls the whole file back", async () => {
    await db.sql.exec(`
      CREATE FUNCTION test_fail_777() RETURNS trigger AS $$
      BEGIN IF NEW.count = 777 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER test_fail_777 BEFORE INSERT ON "Entry" FOR EACH ROW EXECUTE FUNCTION test_fail_777();
      CREATE FUNCTION test_fail_zz() RETURNS trigger AS $$
      BEGIN IF NEW.code = 'ZZ999' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER test_fail_zz BEFORE INSERT ON "WorkItem" FOR EACH ROW EXECUTE FUNCTION test_fail_zz();
    `);
    try {
      const before = await fingerprint(db);
      // the people's December sheets are created before the failing line is written
      const rows = "person,item,date,count\nU0DEMO05,SV001,2026-12-01,5\nU0DEMO06,SV001,2026-12-02,777\n";
      await expect(importEntries(db, parseCsvTable(rows, "x.csv"), { month: "2026-12" })).rejects.toThrow(
        /injected failure/,
      );
      const cat = "code,category,name,unit,points\nZZ998,SERVICE,甲,TXN,1\nZZ999,SERVICE,乙,TXN,1\n";
      await expect(
        importCatalog(db, parseCsvTable(cat, "x.csv"), { effectiveMonth: "2026-12" }),
      ).rejects.toThrow(/injected failure/);
      expect(await fingerprint(db)).toEqual(before);
    } finally {
      await db.sql.exec(`
        DROP TRIGGER test_fail_777 ON "Entry"; DROP FUNCTION test_fail_777();
        DROP TRIGGER test_fail_zz ON "WorkItem"; DROP FUNCTION test_fail_zz();
      `);
    }
  });

  it("people: roles and chiefs follow the file; refuses unknown sections and staff without a category", async () => {
    const csv = [
      "slack_id,name,section,category,roles",
      "U0DEMO06,刘洋,SVC,SERVICE,STAFF;SECTION_CHIEF",
      "U0DEMO04,王芳,SVC,SERVICE,STAFF",
    ].join("\n");
    expect(await importPeople(db, parseCsvTable(csv, "p.csv"))).toMatchObject({ updated: 2 });
    const svc = await db.prisma.section.findUniqueOrThrow({
      where: { code: "SVC" },
      include: { chiefs: { include: { person: true } } },
    });
    expect(svc.chiefs.map((c) => c.person.slackUserId)).toEqual(["U0DEMO06"]);
    const wang = await db.prisma.person.findUniqueOrThrow({
      where: { slackUserId: "U0DEMO04" },
      include: { roles: true },
    });
    expect(wang.roles.map((r) => r.role)).toEqual(["STAFF"]);
    expect(wang.locale).toBe("zh-CN"); // no locale column: left alone
    // back to the sample
    await importPeople(db, await readTableFile(seedFile("people.sample.csv")));

    const bad = [
      "slack_id,name,section,category,roles",
      "u123,小写,SVC,SERVICE,STAFF",
      "U0NEW1,新人,NOPE,,STAFF",
      "U0NEW2,组长,,,SECTION_CHIEF;BOSS",
      "U0NEW3,重复,SVC,SERVICE,STAFF",
      "U0NEW3,重复,SVC,SERVICE,STAFF",
    ].join("\n");
    const e = await refusal(importPeople(db, parseCsvTable(bad, "p.csv")));
    expect(e.describe()).toEqual([
      'line 2, slack_id: is not a Slack user id (U… or W…, capitals and digits), got "u123"',
      'line 3, section: unknown section "NOPE" (known: AUD, SRC, SVC, TMP)',
      "line 3, category: a STAFF member needs a work category",
      'line 4, roles: unknown role "BOSS" (roles: STAFF, SECTION_CHIEF, ASSESSMENT_GROUP, BRANCH_CHIEF, ADMIN)',
      "line 6, slack_id: duplicate Slack id U0NEW3 (also on line 5)",
    ]);
  });
});
