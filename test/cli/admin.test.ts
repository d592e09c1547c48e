/**
 * The admin CLI's commands run in process against a real database (runCli with the db injected): help
 * and usage errors, migrate/status, seed (idempotent), import (refusal audited, nothing written), export
 * (CSV and XLSX read back), close --dry-run (the worked example's numbers), audit.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";
import { cli, fingerprint, TABLES } from "./helpers.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
let db: Database;
let tmp: string;
beforeAll(async () => {
  db = await createTestDatabase();
  tmp = mkdtempSync(path.join(tmpdir(), "kpi-cli-"));
});
afterAll(async () => {
  await db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe(`admin CLI in process (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("prints help overall and per command, and refuses wrong usage with exit code 2", async () => {
    const help = await cli(db, "--help");
    expect(help.code).toBe(0);
    for (const c of ["migrate", "status", "seed", "import", "export", "close", "audit"])
      expect(help.stdout).toContain(`  ${c} `);
    const imp = await cli(db, "import", "--help");
    expect(imp.stdout).toContain("import entries <file.csv> --month YYYY-MM");
    expect((await cli(db, "help", "close")).stdout).toContain("close <YYYY-MM> --dry-run");

    const unknown = await cli(db, "frobnicate");
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      expect.stringContaining('unknown command "frobnicate"'),
    ]);
    const noMonth = await cli(db, "import", "entries", "x.csv");
    expect([noMonth.code, noMonth.stderr]).toEqual([
      2,
      expect.stringContaining("--month is required (YYYY-MM)"),
    ]);
    const badMonth = await cli(db, "close", "2026-13", "--dry-run");
    expect([badMonth.code, badMonth.stderr]).toEqual([
      2,
      expect.stringContaining('the month must be YYYY-MM, got "2026-13"'),
    ]);
    const badOpt = await cli(db, "seed", "--demoo");
    expect([badOpt.code, badOpt.stderr]).toEqual([2, expect.stringContaining("Unknown option '--demoo'")]);
    const missing = await cli(db, "import", "catalog", path.join(tmp, "nope.csv"));
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining("nope.csv: no such file")]);
  });

  it("migrate and status", async () => {
    const m = await cli(db, "migrate");
    expect(m.code).toBe(0);
    expect(m.stdout).toContain("nothing to apply: the database is up to date");
    expect(m.stdout).toMatch(/pending: none/);
    const s = await cli(db, "status");
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/applied: \d+ \(latest \d+_\w+\)/);
  }, 120_000);

  it("seed --demo, and again changes nothing", async () => {
    const first = await cli(db, "seed", "--demo");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("catalog: 47 items created");
    expect(first.stdout).toContain("2026-10 lines: 96 added (20300.00 points)");
    const before = await fingerprint(db);
    const again = await cli(db, "seed", "--demo");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("nothing changed: already seeded");
    expect(await fingerprint(db)).toEqual(before);
  });

  it("close 2026-10 --dry-run prints the table a reader can check by hand, and saves nothing", async () => {
    const before = await fingerprint(db);
    const r = await cli(db, "close", "2026-10", "--dry-run");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const row = (who: string) =>
      lines
        .find((l) => l.includes(who) && l.includes("0.4/0.6"))!
        .trim()
        .split(/\s{2,}/);
    // person, section, raw, group max, quantity, quality, weights, q×w, n×w, discretionary, final, ranks
    expect(row("王芳")).toEqual([
      "王芳 Wang Fang",
      "SVC",
      "3200.00",
      "3200.00",
      "100.00",
      "95.00",
      "0.4/0.6",
      "38.00",
      "60.00",
      "5.00",
      "103.00",
      "1",
      "1",
      "1",
    ]);
    expect(row("张伟")).toEqual([
      "张伟 Zhang Wei",
      "SVC",
      "2400.00",
      "3200.00",
      "75.00",
      "100.00",
      "0.4/0.6",
      "40.00",
      "45.00",
      "10.00",
      "95.00",
      "6",
      "2",
      "2",
    ]);
    expect(row("刘洋")).toEqual([
      "刘洋 Liu Yang",
      "SVC",
      "1600.00",
      "3200.00",
      "50.00",
      "0.00 ✗",
      "0.4/0.6",
      "0.00",
      "30.00",
      "0.00",
      "30.00",
      "11",
      "3",
      "3",
    ]);
    expect(r.stdout).toContain(
      "SERVICE 综合办税 Comprehensive tax service — weights quality 0.4 / quantity 0.6",
    );
    expect(r.stdout).toContain("Overall ranking, 2026-10");
    expect(r.stdout).toMatch(/^\s+6\s+朱琳 Zhu Lin\s+INSPECT\s+AUD\s+95\.00$/m);
    expect(r.stdout).toContain("Pool: size 110.00 (11 staff × 10.00), spent 17.00, left 93.00");
    expect(r.stdout).toContain("Blockers: none");
    expect(await fingerprint(db)).toEqual(before);
  });

  it("close --dry-run lists blockers", async () => {
    const liu = await db.prisma.person.findUniqueOrThrow({ where: { slackUserId: "U0DEMO06" } });
    await db.prisma.sheet.update({
      where: { personId_month: { personId: liu.id, month: "2026-10" } },
      data: { state: "RETURNED" },
    });
    try {
      const r = await cli(db, "close", "2026-10", "--dry-run");
      expect(r.stdout).toContain("Blockers (the month cannot be closed yet):");
      expect(r.stdout).toContain("sheets not approved: 1 (RETURNED 1)");
      expect(r.stdout).toContain("刘洋 (U0DEMO06): RETURNED");
    } finally {
      await db.prisma.sheet.update({
        where: { personId_month: { personId: liu.id, month: "2026-10" } },
        data: { state: "APPROVED" },
      });
    }
  });

  it("import refuses a malformed file: every problem by line, exit 1, nothing written but the refusal's audit row", async () => {
    const before = await fingerprint(
      db,
      TABLES.filter((t) => t !== "AuditLog"),
    );
    const r = await cli(
      db,
      "import",
      "entries",
      path.join(ROOT, "examples/entries.bad.csv"),
      "--month",
      "2026-10",
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("entries.bad.csv: refused, 8 problems; nothing was imported:");
    expect(r.stderr).toContain('  line 4, count: must not be negative, got "-2"');
    expect(r.stderr).toContain('  line 3, item: unknown item code "SV999"');
    expect(
      await fingerprint(
        db,
        TABLES.filter((t) => t !== "AuditLog"),
      ),
    ).toEqual(before);
    const refusal = await db.prisma.auditLog.findFirstOrThrow({ where: { outcome: "REFUSED" } });
    expect(refusal).toMatchObject({ actor: "cli", action: "import.entries" });
  });

  it("import catalog from XLSX and CSV; a changed point prints the new version", async () => {
    const x = await cli(
      db,
      "import",
      "catalog",
      path.join(ROOT, "prisma/seed/catalog.sample.xlsx"),
      "--effective",
      "2026-11",
    );
    expect(x.code).toBe(0);
    expect(x.stdout).toContain(
      "catalog.sample.xlsx: 47 items — 0 created, 0 updated, 47 unchanged; 0 new point versions",
    );
    const file = path.join(tmp, "one.csv");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      file,
      "code,category,name,name_en,unit,points\nAS001,ASSESS,纳税评估,Tax assessment,TAXPAYER,260\n",
    );
    const c = await cli(db, "import", "catalog", file, "--effective", "2026-12");
    expect(c.stdout).toContain("AS001 points 250.00 → 260.00 from 2026-12");
  });

  it("export results as CSV and XLSX (read back), marked as a computed preview", async () => {
    const csvFile = path.join(tmp, "r.csv");
    const c = await cli(db, "export", "results", "2026-10", "--format", "csv", "--out", csvFile);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain("2026-10: not published — computed preview");
    const text = readFileSync(csvFile, "utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const rows: Record<string, string>[] = parse(text, { bom: true, columns: true });
    expect(rows).toHaveLength(11);
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get("王芳")).toMatchObject({
      status: "preview",
      rank_overall: "1",
      rank_category: "1",
      rank_section: "1",
      slack_id: "U0DEMO04",
      section: "SVC",
      category: "SERVICE",
      raw: "3200.00",
      group_max: "3200.00",
      quantity: "100.00",
      quality: "95.00",
      veto: "no",
      quality_weight: "0.4",
      quantity_weight: "0.6",
      discretionary: "5.00",
      final: "103.00",
    });
    expect(byName.get("刘洋")).toMatchObject({ veto: "yes", quality: "0.00", final: "30.00" });
    expect(byName.get("周敏")).toMatchObject({ quantity: "66.67", final: "83.33" });

    const xlsxFile = path.join(tmp, "r.xlsx");
    expect((await cli(db, "export", "results", "2026-10", "--out", xlsxFile)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxFile);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const got = new Map<string, { final: unknown; raw: unknown; quality: unknown; rank: unknown }>();
    ws.eachRow((r, n) => {
      if (n === 1) return;
      got.set(String(r.getCell(col("name")).value), {
        final: r.getCell(col("final")).value,
        raw: r.getCell(col("raw")).value,
        quality: r.getCell(col("quality")).value,
        rank: r.getCell(col("rank_overall")).value,
      });
    });
    expect(got.size).toBe(11);
    expect(got.get("王芳")).toEqual({ final: 103, raw: 3200, quality: 95, rank: 1 });
    expect(got.get("张伟")).toEqual({ final: 95, raw: 2400, quality: 100, rank: 6 });
    expect(got.get("刘洋")).toEqual({ final: 30, raw: 1600, quality: 0, rank: 11 });
    expect(got.get("周敏")!.final).toBe(83.33);
    // the same numbers as the CSV
    for (const r of rows) expect(got.get(r.name!)!.final).toBe(Number(r.final));
  });

  it("export uses saved results when the month has them", async () => {
    const p = await db.prisma.person.findUniqueOrThrow({ where: { slackUserId: "U0DEMO04" } });
    await db.prisma.monthResult.create({
      data: {
        month: "2026-08",
        personId: p.id,
        categoryCode: "SERVICE",
        sectionId: p.sectionId,
        normGroup: "SERVICE",
        raw: 320000n,
        groupMax: 320000n,
        quantity: "100",
        quality: "66.666667",
        vetoed: false,
        qualityWeight: "0.4",
        quantityWeight: "0.6",
        discretionary: 0n,
        final: 8667n,
        rankOverall: 1,
        rankCategory: 1,
        rankSection: 1,
        steps: [],
      },
    });
    await db.prisma.monthClose.create({ data: { month: "2026-08", state: "PUBLISHED" } });
    const file = path.join(tmp, "aug.csv");
    const r = await cli(db, "export", "results", "2026-08", "--out", file);
    expect(r.stdout).toContain("2026-08: published results");
    const rows: Record<string, string>[] = parse(readFileSync(file, "utf8"), { bom: true, columns: true });
    expect(rows).toMatchObject([
      { status: "published", name: "王芳", quality: "66.67", final: "86.67", section: "SVC" },
    ]);
  });

  it("audit prints rows, filtered by person and sheet", async () => {
    const all = await cli(db, "audit", "--limit", "3");
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("(3 rows, newest first; times in Asia/Shanghai)");
    const person = await cli(db, "audit", "--person", "王芳", "--limit", "100");
    expect(person.stdout).toContain("quality.adjust");
    expect(person.stdout).toContain("discretionary.award");
    expect(person.stdout).toContain("person.create");
    expect(person.stdout).not.toContain("U0DEMO05");
    const sheet = await db.prisma.sheet.findFirstOrThrow({ where: { person: { slackUserId: "U0DEMO05" } } });
    const s = await cli(db, "audit", "--sheet", sheet.id);
    expect(s.stdout).toContain(`sheet.import.create  Sheet ${sheet.id}`);
    expect((await cli(db, "audit", "--person", "nobody")).stderr).toContain('unknown person "nobody"');
  });

  it("close without --dry-run publishes through the same use-case: blockers refuse it unless --exceptions; once only", async () => {
    const liu = await db.prisma.person.findUniqueOrThrow({ where: { slackUserId: "U0DEMO06" } });
    await db.prisma.sheet.update({
      where: { personId_month: { personId: liu.id, month: "2026-10" } },
      data: { state: "RETURNED" },
    });
    const refused = await cli(db, "close", "2026-10");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refused, 1 blockers");
    expect(refused.stdout).toContain("刘洋 (U0DEMO06): RETURNED");
    expect(await db.prisma.monthResult.count({ where: { month: "2026-10" } })).toBe(0);

    const r = await cli(db, "close", "2026-10", "--exceptions", "Liu Yang's sheet stays with the chief");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2026-10 published: 11 results saved, 10 sheets locked.");
    expect(r.stdout).toContain("刘洋 (U0DEMO06): sheetNotApproved RETURNED");
    const close = await db.prisma.monthClose.findUniqueOrThrow({ where: { month: "2026-10" } });
    expect(close).toMatchObject({ state: "PUBLISHED", publishedById: "cli" });
    const again = await cli(db, "close", "2026-10");
    expect(again.stdout).toContain("2026-10 was already published (11 results): nothing changed.");
    expect(await db.prisma.monthResult.count({ where: { month: "2026-10" } })).toBe(11);
  });
});
