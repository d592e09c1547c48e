/**
 * `export sheet` and `export quarter` in the admin CLI: the same use-case as `/kpi export`, everyone's
 * rows, files written where asked.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { DEMO_MONTH } from "../../src/domain/seed.js";
import { createTestDatabase } from "../helpers/db.js";
import { publishComputed } from "../helpers/results.js";
import { cli } from "./helpers.js";

let db: Database;
let tmp: string;
beforeAll(async () => {
  db = await createTestDatabase();
  tmp = mkdtempSync(path.join(tmpdir(), "kpi-export-"));
  expect((await cli(db, "seed", "--demo")).code).toBe(0);
});
afterAll(async () => {
  await db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("admin CLI: export sheet | quarter", () => {
  it("before publishing: the score sheet is a preview, and says so", async () => {
    const out = path.join(tmp, "preview.xlsx");
    const r = await cli(db, "export", "sheet", DEMO_MONTH, "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${DEMO_MONTH}: not published — computed preview`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(String(wb.worksheets[0]!.getCell(1, 1).value)).toContain("预览");
  });

  it("after publishing: the score sheet and the quarter, in the asked language and format", async () => {
    await publishComputed(db, DEMO_MONTH);
    const out = path.join(tmp, "sheet.xlsx");
    const r = await cli(db, "export", "sheet", DEMO_MONTH, "--out", out, "--lang", "en");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("(11 people)");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Summary",
      "Comprehensive tax service",
      "Daily tax-source monitoring",
      "Taxpayer guidance",
      "Tax assessment",
      "Tax inspection",
    ]);

    const q = await cli(
      db,
      "export",
      "quarter",
      "2026Q4",
      "--format",
      "csv",
      "--out",
      path.join(tmp, "q.csv"),
    );
    expect(q.code).toBe(0);
    const rows: Record<string, string>[] = parse(readFileSync(path.join(tmp, "q.csv"), "utf8"), {
      bom: true,
      columns: true,
    });
    expect(rows).toHaveLength(11);
    expect(rows[0]).toMatchObject({ quarter: "2026-Q4", rank: "1", name: "王芳", sum: "103.00" });

    const cwdDefault = await cli(db, "export", "quarter", "2027Q1");
    expect([cwdDefault.code, cwdDefault.stderr]).toEqual([
      1,
      expect.stringContaining("export.noPublishedMonth"),
    ]);
    const bad = await cli(db, "export", "quarter", "2026-10");
    expect([bad.code, bad.stderr]).toEqual([
      2,
      expect.stringContaining('the quarter must be YYYY-Qn, got "2026-10"'),
    ]);
    const csvSheet = await cli(db, "export", "sheet", DEMO_MONTH, "--format", "csv");
    expect([csvSheet.code, csvSheet.stderr]).toEqual([2, expect.stringContaining("XLSX only")]);
  });
});
