/**
 * The quarterly summary (SCHEME.md "Quarter": the sum of the three monthly finals and each month's rank,
 * for quarterly rewards) from the persisted results of the quarter's **published** months, rolled up
 * by the scoring module (`rollUpQuarter`): a person not assessed in a month counts 0 for it. Months not
 * published yet are listed as missing (a quarter in progress), never computed.
 *
 * Written as CSV (UTF-8 with BOM) and XLSX (one worksheet laid out like the paper form).
 */
import { stringify } from "csv-stringify/sync";
import type { Database, Db, Tx } from "../db/client.js";
import { MonthState } from "../generated/prisma/enums.js";
import type { Translate } from "../i18n/index.js";
import { formatHundredths, quarterMonths, quarterOf, rollUpQuarter } from "../scoring/index.js";
import { isMonth } from "../util/time.js";
import { DomainError } from "./errors.js";
import { worksheetName } from "./score-sheet.js";
import { readSettings } from "./settings.js";

export interface QuarterRow {
  personId: string;
  slackUserId: string;
  name: string;
  /** section and category of the person's latest month in the quarter */
  sectionId: string | null;
  sectionName: string | null;
  categoryCode: string | null;
  categoryName: string | null;
  months: { month: string; final: string | null; rank: number | null }[];
  /** Σ monthly finals, 2 decimals */
  sum: string;
  rank: number;
}

export interface QuarterResults {
  /** "2026-Q4" */
  quarter: string;
  months: [string, string, string];
  published: string[];
  missing: string[];
  unitName: string | null;
  rows: QuarterRow[];
}

const clientOf = (db: Db | Tx | Database): Db | Tx =>
  "prisma" in db && "sql" in db ? db.prisma : (db as Db | Tx);

/** "2026Q4", "2026-Q4", "2026-q4", "2026 Q4" → "2026-Q4"; anything else null. */
export function parseQuarter(s: string): string | null {
  const m = /^(\d{4})\s*-?\s*[Qq]([1-4])$/.exec(s.trim());
  return m ? `${m[1]}-Q${m[2]}` : null;
}

/** A month "YYYY-MM" or a quarter "YYYY-Qn" from what a person typed; null when neither. */
export function parsePeriod(
  s: string,
): { kind: "month"; month: string } | { kind: "quarter"; quarter: string } | null {
  const v = s.trim();
  if (isMonth(v)) return { kind: "month", month: v };
  const q = parseQuarter(v);
  return q ? { kind: "quarter", quarter: q } : null;
}

/** True when `month` is the last month of its quarter (03, 06, 09, 12). */
export function isQuarterEnd(month: string): boolean {
  return isMonth(month) && Number(month.slice(5, 7)) % 3 === 0;
}

export { quarterOf };

export async function quarterResults(db: Db | Tx | Database, quarter: string): Promise<QuarterResults> {
  const q = parseQuarter(quarter);
  if (!q) throw new DomainError("export.badPeriod", { value: quarter });
  const p = clientOf(db);
  const months = quarterMonths(q);
  const closes = await p.monthClose.findMany({
    where: { month: { in: months }, state: MonthState.PUBLISHED },
  });
  const published = months.filter((m) => closes.some((c) => c.month === m));
  const missing = months.filter((m) => !published.includes(m));
  const results = await p.monthResult.findMany({
    where: { month: { in: published } },
    select: {
      month: true,
      personId: true,
      final: true,
      rankOverall: true,
      sectionId: true,
      categoryCode: true,
    },
  });
  const people = new Map(
    (
      await p.person.findMany({
        where: { id: { in: [...new Set(results.map((r) => r.personId))] } },
        select: { id: true, slackUserId: true, name: true },
      })
    ).map((x) => [x.id, x]),
  );
  const [sections, categories, settings] = [
    new Map((await p.section.findMany()).map((s) => [s.id, s.name])),
    new Map((await p.category.findMany()).map((c) => [c.code, c.name])),
    await readSettings(p),
  ];
  const rolled = rollUpQuarter(
    published.map((m) => ({
      month: m,
      results: results
        .filter((r) => r.month === m)
        .map((r) => ({
          personId: r.personId,
          name: people.get(r.personId)?.name ?? null,
          finalRounded: r.final,
          rankOverall: r.rankOverall,
        })),
    })),
  );
  const latest = new Map<string, (typeof results)[number]>();
  for (const r of results) {
    const prev = latest.get(r.personId);
    if (!prev || prev.month < r.month) latest.set(r.personId, r);
  }
  const rows = rolled.map((r): QuarterRow => {
    const last = latest.get(r.personId);
    return {
      personId: r.personId,
      slackUserId: people.get(r.personId)?.slackUserId ?? r.personId,
      name: r.name ?? r.personId,
      sectionId: last?.sectionId ?? null,
      sectionName: last?.sectionId ? (sections.get(last.sectionId) ?? null) : null,
      categoryCode: last?.categoryCode ?? null,
      categoryName: last?.categoryCode ? (categories.get(last.categoryCode) ?? null) : null,
      months: months.map((m) => {
        const x = r.months.find((y) => y.month === m);
        return {
          month: m,
          final: x?.finalRounded != null ? formatHundredths(x.finalRounded) : null,
          rank: x?.rank ?? null,
        };
      }),
      sum: formatHundredths(r.sum),
      rank: r.rank,
    };
  });
  return { quarter: q, months, published, missing, unitName: settings.unitName, rows };
}

/** CSV columns: quarter, rank, slack_id, name, section, category, <month>_final, <month>_rank ×3, sum. */
export function quarterToCsv(q: QuarterResults): string {
  const header = [
    "quarter",
    "rank",
    "slack_id",
    "name",
    "section_name",
    "category",
    ...q.months.flatMap((m) => [`${m}_final`, `${m}_rank`]),
    "sum",
    "months_published",
  ];
  const records = q.rows.map((r) => [
    q.quarter,
    r.rank,
    r.slackUserId,
    r.name,
    r.sectionName ?? "",
    r.categoryCode ?? "",
    ...r.months.flatMap((m) => [m.final ?? "", m.rank ?? ""]),
    r.sum,
    q.published.join(" "),
  ]);
  return `\uFEFF${stringify([header, ...records])}`;
}

export async function quarterToXlsx(q: QuarterResults, t: Translate, generatedAt: string): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = "kpi-slack-bot";
  const ws = wb.addWorksheet(worksheetName(t("exports.quarter.sheet"), new Set()), {
    pageSetup: { paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const header = [
    t("exports.quarter.rank"),
    t("exports.sheet.name"),
    t("exports.sheet.section"),
    t("exports.sheet.categoryCol"),
    ...q.months.flatMap((m) => [
      t("exports.quarter.monthFinal", { month: m }),
      t("exports.quarter.monthRank", { month: m }),
    ]),
    t("exports.quarter.sum"),
  ];
  const last = header.length;
  ws.columns = header.map((_h, i) => ({ width: i === 1 || i === 2 || i === 3 ? 14 : 11 }));
  ws.addRow([t("exports.quarter.title", { quarter: q.quarter })]);
  ws.mergeCells(1, 1, 1, last);
  ws.getCell(1, 1).font = { size: 16, bold: true };
  ws.getCell(1, 1).alignment = { horizontal: "center" };
  const info = [
    q.unitName ? t("exports.sheet.unit", { unit: q.unitName }) : t("exports.sheet.unitBlank"),
    t("exports.quarter.months", { months: q.published.join(", ") || "—" }),
    ...(q.missing.length ? [t("exports.quarter.missing", { months: q.missing.join(", ") })] : []),
    t("exports.sheet.generated", { time: generatedAt }),
  ];
  ws.addRow([info.join("    ")]);
  ws.mergeCells(2, 1, 2, last);
  const head = ws.addRow(header);
  head.font = { bold: true };
  head.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
  const box = {
    top: { style: "thin" as const },
    left: { style: "thin" as const },
    bottom: { style: "thin" as const },
    right: { style: "thin" as const },
  };
  head.eachCell((c) => {
    c.border = box;
  });
  for (const r of q.rows) {
    const row = ws.addRow([
      r.rank,
      r.name,
      r.sectionName ?? "",
      r.categoryName ?? r.categoryCode ?? "",
      ...r.months.flatMap((m) => [m.final === null ? null : Number(m.final), m.rank]),
      Number(r.sum),
    ]);
    row.eachCell({ includeEmpty: true }, (c) => {
      c.border = box;
    });
  }
  q.months.forEach((_m, i) => {
    ws.getColumn(5 + i * 2).numFmt = "0.00";
  });
  ws.getColumn(last).numFmt = "0.00";
  ws.views = [{ state: "frozen", ySplit: 3 }];
  ws.addRow([]);
  const sign = [
    [t("exports.sheet.signPreparer"), t("exports.sheet.signGroup")],
    [t("exports.sheet.signBranch"), t("exports.sheet.signDate")],
  ];
  for (const s of sign) {
    const r = ws.addRow([s.join("      ")]);
    ws.mergeCells(r.number, 1, r.number, last);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
