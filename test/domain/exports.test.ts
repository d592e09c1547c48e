/**
 * Exports from persisted results (issue 6 item 7): the score sheet XLSX (summary + one worksheet per
 * category, laid out like the paper form) and the CSV hold exactly the persisted numbers; the quarterly
 * summary sums the three published monthly finals; who may export what; previews for the group only.
 */

import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { decimalToFixed2 } from "../../src/domain/export.js";
import { exportPeriod, exportScope, type Requester } from "../../src/domain/export-files.js";
import { requireActor } from "../../src/domain/people.js";
import { parsePeriod } from "../../src/domain/quarter-results.js";
import { DEMO_MONTH, seedDemo } from "../../src/domain/seed.js";
import { Role } from "../../src/generated/prisma/enums.js";
import { formatHundredths } from "../../src/scoring/index.js";
import { createTestDatabase } from "../helpers/db.js";
import { publishComputed, publishFinals } from "../helpers/results.js";

let db: Database;
const now = new Date("2026-11-10T02:00:00Z");
const person = async (slackId: string): Promise<Requester> => ({
  kind: "person",
  actor: await requireActor(db.prisma, slackId),
});
const run = (who: Requester, period?: string, lang: "zh-CN" | "en" = "zh-CN") =>
  exportPeriod(db, who, { period, lang, now, timeZone: "Asia/Shanghai" });

async function readXlsx(bytes: Uint8Array) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  return wb;
}

/** Rows under the header row whose first cell is "No." / "序号": header name → value. */
function formRows(ws: ExcelJS.Worksheet, noHeader: string): Record<string, unknown>[] {
  let header: string[] | null = null;
  const out: Record<string, unknown>[] = [];
  ws.eachRow((row) => {
    const values = (row.values as unknown[]).slice(1);
    if (!header) {
      if (values[0] === noHeader) header = values.map(String);
      return;
    }
    if (typeof values[0] !== "number") return; // totals, footer, signatures
    out.push(Object.fromEntries(header.map((h, i) => [h, values[i] ?? null])));
  });
  return out;
}

function allText(ws: ExcelJS.Worksheet): string {
  const parts: string[] = [];
  ws.eachRow((row) => {
    for (const v of (row.values as unknown[]).slice(1)) if (v != null) parts.push(String(v));
  });
  return parts.join("\n");
}

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo(db);
  await db.prisma.setting.create({ data: { key: "unitName", value: "海阳市国家税务局城区分局" } });
  await publishComputed(db, DEMO_MONTH);
});
afterAll(async () => {
  await db?.close();
});

describe("period parsing", () => {
  it("reads months and quarters in the usual spellings", () => {
    expect(parsePeriod("2026-10")).toEqual({ kind: "month", month: "2026-10" });
    for (const q of ["2026Q4", "2026-Q4", "2026q4", "2026 Q4"])
      expect(parsePeriod(q)).toEqual({ kind: "quarter", quarter: "2026-Q4" });
    for (const bad of ["2026-13", "2026Q5", "Q4", "october", ""]) expect(parsePeriod(bad)).toBeNull();
  });
});

describe("month export from persisted results", () => {
  it("the score sheet holds the persisted numbers, summary + one worksheet per category", async () => {
    const r = await run({ kind: "cli" }, DEMO_MONTH);
    expect(r).toMatchObject({
      kind: "month",
      period: DEMO_MONTH,
      status: "published",
      scope: "all",
      rows: 11,
    });
    expect(r.files.map((f) => f.filename)).toEqual([
      `score-sheet-${DEMO_MONTH}.xlsx`,
      `results-${DEMO_MONTH}.csv`,
    ]);
    const saved = await db.prisma.monthResult.findMany({ where: { month: DEMO_MONTH } });
    const people = new Map((await db.prisma.person.findMany()).map((p) => [p.id, p]));
    const byName = new Map(saved.map((s) => [people.get(s.personId)!.name, s]));

    const wb = await readXlsx(r.files[0]!.bytes);
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual(["汇总", "综合办税", "日常监控", "纳税辅导", "纳税评估", "税务检查"]);
    const summary = wb.worksheets[0]!;
    const text = allText(summary);
    expect(text).toContain("工作量化考核评分汇总表");
    expect(text).toContain("单位：海阳市国家税务局城区分局");
    expect(text).toContain(`考核月份：${DEMO_MONTH}`);
    expect(text).toContain("状态：已发布");
    for (const sign of ["制表人", "股长审核", "考核小组确认", "分局长", "日期"]) expect(text).toContain(sign);
    const rows = formRows(summary, "序号");
    expect(rows).toHaveLength(11);
    for (const row of rows) {
      const s = byName.get(String(row.姓名))!;
      expect(row.最终得分).toBe(Number(formatHundredths(s.final)));
      expect(row.累计积分).toBe(Number(formatHundredths(s.raw)));
      expect(row.量化得分).toBe(Number(decimalToFixed2(s.quantity.toString())));
      expect(row.质量得分).toBe(Number(decimalToFixed2(s.quality.toString())));
      expect(row.机动分).toBe(Number(formatHundredths(s.discretionary)));
      expect(row.加权得分).toBe(Number(formatHundredths(s.final - s.discretionary)));
      expect(row.总排名).toBe(s.rankOverall);
      expect(row.类别排名).toBe(s.rankCategory);
      expect(row.一票否决).toBe(s.vetoed ? "是" : null);
    }
    // ranked overall in the summary
    expect(rows.map((x) => x.总排名)).toEqual([...rows.map((x) => x.总排名 as number)].sort((a, b) => a - b));

    // the SERVICE sheet: the worked example, with items and counts
    const service = wb.getWorksheet("综合办税")!;
    const st = allText(service);
    expect(st).toContain("工作量化考核评分表");
    expect(st).toContain("工作大类：综合办税 (SERVICE)");
    expect(st).toContain("系数：质量 0.4 · 数量 0.6");
    const srows = formRows(service, "序号");
    expect(srows.map((x) => [x.姓名, x.最终得分, x.类别排名])).toEqual([
      ["王芳", 103, 1],
      ["张伟", 95, 2],
      ["刘洋", 30, 3],
    ]);
    expect(srows[2]!.一票否决).toBe("是");
    expect(srows[0]!.岗位最高分).toBe(3200);
    // items and counts come from the approved lines; the counts × points make the raw points
    expect(String(srows[0]!.工作项目及数量)).toMatch(/×\d+/);
    // every category sheet's rows are exactly that category's persisted rows
    let total = 0;
    for (const ws of wb.worksheets.slice(1)) {
      for (const row of formRows(ws, "序号")) {
        const s = byName.get(String(row.姓名))!;
        expect(row.最终得分).toBe(Number(formatHundredths(s.final)));
        total++;
      }
    }
    expect(total).toBe(11);
  });

  it("the CSV parses back to the persisted numbers (UTF-8 with BOM)", async () => {
    const r = await run({ kind: "cli" }, DEMO_MONTH);
    const csv = Buffer.from(r.files[1]!.bytes).toString("utf8");
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const rows: Record<string, string>[] = parse(csv, { bom: true, columns: true });
    const saved = await db.prisma.monthResult.findMany({ where: { month: DEMO_MONTH } });
    const bySlack = new Map((await db.prisma.person.findMany()).map((p) => [p.id, p.slackUserId]));
    expect(rows).toHaveLength(saved.length);
    for (const s of saved) {
      const row = rows.find((x) => x.slack_id === bySlack.get(s.personId))!;
      expect(row).toMatchObject({
        status: "published",
        final: formatHundredths(s.final),
        raw: formatHundredths(s.raw),
        discretionary: formatHundredths(s.discretionary),
        quality: decimalToFixed2(s.quality.toString()),
        rank_overall: String(s.rankOverall),
      });
    }
  });

  it("English headers and category names for an English reader", async () => {
    const r = await run({ kind: "cli" }, DEMO_MONTH, "en");
    const wb = await readXlsx(r.files[0]!.bytes);
    expect(wb.worksheets[0]!.name).toBe("Summary");
    expect(wb.worksheets[1]!.name).toBe("Comprehensive tax service");
    expect(formRows(wb.worksheets[0]!, "No.")[0]).toMatchObject({ Name: "王芳", Final: 103 });
  });
});

describe("who may export what", () => {
  it("the branch chief sees everyone; a chief their section; staff their own line", async () => {
    expect((await run(await person("U0DEMO01"), DEMO_MONTH)).rows).toBe(11);
    // 王芳 leads SVC; in the demo every chief is also in the group, so take the group role away
    const wang = await person("U0DEMO04");
    if (wang.kind !== "person") throw new Error("unreachable");
    const chiefOnly: Requester = {
      kind: "person",
      actor: { ...wang.actor, roles: new Set([Role.STAFF, Role.SECTION_CHIEF]) },
    };
    expect((await run(wang, DEMO_MONTH)).scope).toBe("all");
    const chief = await run(chiefOnly, DEMO_MONTH);
    expect(chief.scope).toBe("sections");
    const chiefCsv: Record<string, string>[] = parse(Buffer.from(chief.files[1]!.bytes).toString(), {
      bom: true,
      columns: true,
    });
    expect(chiefCsv.map((x) => x.name).sort()).toEqual(["刘洋", "张伟", "王芳"].sort());
    const staff = await run(await person("U0DEMO05"), DEMO_MONTH);
    expect(staff.scope).toBe("own");
    const staffCsv: Record<string, string>[] = parse(Buffer.from(staff.files[1]!.bytes).toString(), {
      bom: true,
      columns: true,
    });
    expect(staffCsv.map((x) => [x.name, x.final, x.rank_overall])).toEqual([["张伟", "95.00", "6"]]);
    const wb = await readXlsx(staff.files[0]!.bytes);
    expect(formRows(wb.worksheets[0]!, "序号").map((x) => x.姓名)).toEqual(["张伟"]);
  });

  it("refuses someone with no appraisal role, and audits the refusal", async () => {
    await expect(run(await person("U0DEMO03"), DEMO_MONTH)).rejects.toMatchObject({
      code: "export.forbidden",
    });
    const a = await db.prisma.auditLog.findFirst({
      where: { actor: "U0DEMO03", action: "export.results", outcome: "REFUSED" },
    });
    expect(a?.reason).toBe("export.forbidden");
  });

  it("an unpublished month: a preview for the assessment group, refused to others", async () => {
    const group = await run(await person("U0DEMO02"), "2027-01");
    expect(group.status).toBe("preview");
    expect(group.files.map((f) => f.filename)).toEqual([
      "score-sheet-2027-01-preview.xlsx",
      "results-2027-01-preview.csv",
    ]);
    expect(group.files[0]!.title).toContain("预览");
    const wb = await readXlsx(group.files[0]!.bytes);
    expect(String(wb.worksheets[0]!.getCell(1, 1).value)).toContain("预览：未发布");
    await expect(run(await person("U0DEMO05"), "2027-01")).rejects.toMatchObject({
      code: "export.notPublished",
      params: { month: "2027-01" },
    });
    // the branch chief alone (not in the group) sees everything published, but no preview
    const dave = await person("U0DEMO01");
    if (dave.kind !== "person") throw new Error("unreachable");
    const branchOnly: Requester = {
      kind: "person",
      actor: { ...dave.actor, roles: new Set([Role.BRANCH_CHIEF]) },
    };
    expect(exportScope(branchOnly)).toEqual({ scope: "all", preview: false });
    await expect(run(branchOnly, "2027-01")).rejects.toMatchObject({ code: "export.notPublished" });
    expect((await run(branchOnly, DEMO_MONTH)).rows).toBe(11);
  });

  it("a bad period is named", async () => {
    await expect(run({ kind: "cli" }, "2026-13")).rejects.toMatchObject({
      code: "export.badPeriod",
      params: { value: "2026-13" },
    });
  });

  it("no period: the latest published month", async () => {
    expect((await run({ kind: "cli" })).period).toBe(DEMO_MONTH);
  });
});

describe("quarterly summary", () => {
  it("only published months; sums the three finals and ranks by the sum", async () => {
    const partial = await run({ kind: "cli" }, "2026Q4");
    expect(partial.kind).toBe("quarter");
    const p1: Record<string, string>[] = parse(Buffer.from(partial.files[1]!.bytes).toString(), {
      bom: true,
      columns: true,
    });
    expect(p1.find((x) => x.name === "王芳")).toMatchObject({
      "2026-10_final": "103.00",
      "2026-11_final": "",
      sum: "103.00",
      months_published: "2026-10",
    });

    await publishFinals(db, "2026-11", { U0DEMO04: 9000n, U0DEMO05: 10050n, U0DEMO06: 8000n });
    await publishFinals(db, "2026-12", { U0DEMO04: 9500n, U0DEMO05: 9500n, U0DEMO07: 12345n });
    const r = await run({ kind: "cli" }, "2026-Q4");
    expect(r.files.map((f) => f.filename)).toEqual(["quarter-2026-Q4.xlsx", "quarter-2026-Q4.csv"]);
    const rows: Record<string, string>[] = parse(Buffer.from(r.files[1]!.bytes).toString(), {
      bom: true,
      columns: true,
    });
    const wang = rows.find((x) => x.name === "王芳")!;
    expect(wang).toMatchObject({
      "2026-10_final": "103.00",
      "2026-11_final": "90.00",
      "2026-12_final": "95.00",
    });
    expect(wang.sum).toBe("288.00"); // 103 + 90 + 95
    const zhang = rows.find((x) => x.name === "张伟")!;
    expect(zhang.sum).toBe("290.50"); // 95 + 100.50 + 95 → first
    expect(zhang.rank).toBe("1");
    expect(wang.rank).toBe("2");
    const chen = rows.find((x) => x.name === "陈静")!;
    expect(chen).toMatchObject({ "2026-11_final": "", "2026-11_rank": "", sum: "223.45" }); // 100 + 0 + 123.45
    expect(rows.map((x) => Number(x.rank))).toEqual(
      [...rows.map((x) => Number(x.rank))].sort((a, b) => a - b),
    );

    const wb = await readXlsx(r.files[0]!.bytes);
    const ws = wb.worksheets[0]!;
    expect(allText(ws)).toContain("2026-Q4 季度考核汇总");
    const header = (ws.getRow(3).values as unknown[]).slice(1).map(String);
    const first = (ws.getRow(4).values as unknown[]).slice(1);
    expect(first[header.indexOf("姓名")]).toBe("张伟");
    expect(first[header.indexOf("得分合计")]).toBe(290.5);
    expect(first[header.indexOf("2026-11 得分")]).toBe(100.5);
  });

  it("scoped like the months: staff get their own line", async () => {
    const r = await run(await person("U0DEMO06"), "2026Q4");
    const rows: Record<string, string>[] = parse(Buffer.from(r.files[1]!.bytes).toString(), {
      bom: true,
      columns: true,
    });
    expect(rows.map((x) => [x.name, x.sum])).toEqual([["刘洋", "110.00"]]); // 30 + 80 + 0
  });

  it("a quarter with nothing published is refused", async () => {
    await expect(run({ kind: "cli" }, "2027Q1")).rejects.toMatchObject({
      code: "export.noPublishedMonth",
      params: { quarter: "2027-Q1" },
    });
  });
});
