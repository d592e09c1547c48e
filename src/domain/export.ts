/**
 * The month's results as a table, one row per person with every component (SCHEME.md "Scoring: the
 * formula"): raw, group max, quantity, quality and veto, weights, discretionary, final, ranks overall /
 * within category / within section, section and category. Written as CSV (UTF-8 with a byte-order mark,
 * so Excel shows Chinese) or XLSX (numbers as numbers). Format: README.md#results-export.
 *
 * When the month has persisted MonthResult rows they are used (status "published" when the month is
 * published, else "saved"); otherwise the month is computed now with the scoring module from the
 * database (status "preview": not published, a computed preview).
 */
import { writeFile } from "node:fs/promises";
import { stringify } from "csv-stringify/sync";
import type { Database, Db, Tx } from "../db/client.js";
import { MonthState } from "../generated/prisma/enums.js";
import { computeMonth, formatHundredths, Rational } from "../scoring/index.js";
import { isMonth } from "../util/time.js";
import { DomainError } from "./errors.js";
import { loadMonthInput } from "./month-input.js";

export type ResultStatus = "published" | "saved" | "preview";

export interface ResultRow {
  month: string;
  status: ResultStatus;
  rankOverall: number;
  rankCategory: number;
  rankSection: number | null;
  personId: string;
  sectionId: string | null;
  slackUserId: string;
  name: string;
  nameEn: string | null;
  sectionCode: string | null;
  sectionName: string | null;
  categoryCode: string;
  categoryName: string | null;
  normGroup: string;
  /** 2-decimal strings (display; the final is the official value, rounded once half up) */
  raw: string;
  groupMax: string;
  quantity: string;
  quality: string;
  vetoed: boolean;
  qualityWeight: string;
  quantityWeight: string;
  discretionary: string;
  final: string;
}

export interface MonthResults {
  month: string;
  status: ResultStatus;
  rows: ResultRow[];
}

/** "66.666667" (a stored Decimal) → "66.67", half up, exactly. */
export function decimalToFixed2(s: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = m[3] ?? "";
  const r = Rational.of(BigInt(`${m[1]}${m[2]}${frac}`), 10n ** BigInt(frac.length));
  return r.toFixed2();
}

const clientOf = (db: Db | Tx | Database): Db | Tx =>
  "prisma" in db && "sql" in db ? db.prisma : (db as Db | Tx);

export async function monthResults(db: Db | Tx | Database, month: string): Promise<MonthResults> {
  if (!isMonth(month)) throw new DomainError("month.invalid", { month });
  const p = clientOf(db);
  const categories = new Map((await p.category.findMany()).map((c) => [c.code, c]));
  const saved = await p.monthResult.findMany({ where: { month } });
  if (saved.length > 0) {
    const close = await p.monthClose.findUnique({ where: { month } });
    const status: ResultStatus = close?.state === MonthState.PUBLISHED ? "published" : "saved";
    const people = new Map(
      (await p.person.findMany({ where: { id: { in: saved.map((r) => r.personId) } } })).map((x) => [
        x.id,
        x,
      ]),
    );
    const sections = new Map((await p.section.findMany()).map((s) => [s.id, s]));
    const rows = saved.map((r): ResultRow => {
      const person = people.get(r.personId);
      const section = r.sectionId ? sections.get(r.sectionId) : undefined;
      return {
        month,
        status,
        rankOverall: r.rankOverall,
        rankCategory: r.rankCategory,
        rankSection: r.rankSection,
        personId: r.personId,
        sectionId: r.sectionId,
        slackUserId: person?.slackUserId ?? r.personId,
        name: person?.name ?? r.personId,
        nameEn: person?.nameEn ?? null,
        sectionCode: section?.code ?? null,
        sectionName: section?.name ?? null,
        categoryCode: r.categoryCode,
        categoryName: categories.get(r.categoryCode)?.name ?? null,
        normGroup: r.normGroup,
        raw: formatHundredths(r.raw),
        groupMax: formatHundredths(r.groupMax),
        quantity: decimalToFixed2(r.quantity.toString()),
        quality: decimalToFixed2(r.quality.toString()),
        vetoed: r.vetoed,
        qualityWeight: r.qualityWeight.toString(),
        quantityWeight: r.quantityWeight.toString(),
        discretionary: formatHundredths(r.discretionary),
        final: formatHundredths(r.final),
      };
    });
    rows.sort((a, b) => a.rankOverall - b.rankOverall || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { month, status, rows };
  }

  const loaded = await loadMonthInput(p, month);
  const result = computeMonth(loaded.input);
  const rows = result.people.map((r): ResultRow => {
    const info = loaded.people.get(r.personId)!;
    return {
      month,
      status: "preview",
      rankOverall: r.rankOverall,
      rankCategory: r.rankCategory,
      rankSection: r.rankSection,
      personId: r.personId,
      sectionId: info.sectionId,
      slackUserId: info.slackUserId,
      name: info.name,
      nameEn: info.nameEn,
      sectionCode: info.sectionCode,
      sectionName: info.sectionName,
      categoryCode: r.categoryCode,
      categoryName: categories.get(r.categoryCode)?.name ?? null,
      normGroup: r.normGroup,
      raw: r.display.raw,
      groupMax: formatHundredths(r.groupMax),
      quantity: r.display.quantity,
      quality: r.display.quality,
      vetoed: r.vetoed,
      qualityWeight: r.qualityWeight,
      quantityWeight: r.quantityWeight,
      discretionary: r.display.discretionary,
      final: r.display.final,
    };
  });
  return { month, status: "preview", rows };
}

interface Column {
  header: string;
  value: (r: ResultRow) => string | number | null;
  /** numeric in XLSX, with this number format */
  numFmt?: string;
}

const num = (s: string) => Number(s);

export const RESULT_COLUMNS: Column[] = [
  { header: "month", value: (r) => r.month },
  { header: "status", value: (r) => r.status },
  { header: "rank_overall", value: (r) => r.rankOverall, numFmt: "0" },
  { header: "rank_category", value: (r) => r.rankCategory, numFmt: "0" },
  { header: "rank_section", value: (r) => r.rankSection, numFmt: "0" },
  { header: "slack_id", value: (r) => r.slackUserId },
  { header: "name", value: (r) => r.name },
  { header: "name_en", value: (r) => r.nameEn },
  { header: "section", value: (r) => r.sectionCode },
  { header: "section_name", value: (r) => r.sectionName },
  { header: "category", value: (r) => r.categoryCode },
  { header: "category_name", value: (r) => r.categoryName },
  { header: "norm_group", value: (r) => r.normGroup },
  { header: "raw", value: (r) => r.raw, numFmt: "0.00" },
  { header: "group_max", value: (r) => r.groupMax, numFmt: "0.00" },
  { header: "quantity", value: (r) => r.quantity, numFmt: "0.00" },
  { header: "quality", value: (r) => r.quality, numFmt: "0.00" },
  { header: "veto", value: (r) => (r.vetoed ? "yes" : "no") },
  { header: "quality_weight", value: (r) => r.qualityWeight, numFmt: "0.0###" },
  { header: "quantity_weight", value: (r) => r.quantityWeight, numFmt: "0.0###" },
  { header: "discretionary", value: (r) => r.discretionary, numFmt: "0.00" },
  { header: "final", value: (r) => r.final, numFmt: "0.00" },
];

export function resultsToCsv(results: MonthResults): string {
  const records = results.rows.map((r) => RESULT_COLUMNS.map((c) => c.value(r) ?? ""));
  return `\uFEFF${stringify([RESULT_COLUMNS.map((c) => c.header), ...records])}`;
}

export async function resultsToXlsx(results: MonthResults): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs"); // loaded only when needed (slow to load)
  const wb = new ExcelJS.Workbook();
  wb.creator = "kpi-slack-bot";
  const ws = wb.addWorksheet(`Results ${results.month}`, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = RESULT_COLUMNS.map((c) => ({
    header: c.header,
    key: c.header,
    width: Math.max(10, c.header.length + 2),
  }));
  ws.getRow(1).font = { bold: true };
  for (const r of results.rows) {
    ws.addRow(
      RESULT_COLUMNS.map((c) => {
        const v = c.value(r);
        return c.numFmt && typeof v === "string" ? num(v) : v;
      }),
    );
  }
  RESULT_COLUMNS.forEach((c, i) => {
    if (c.numFmt) ws.getColumn(i + 1).numFmt = c.numFmt;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function writeResults(
  results: MonthResults,
  format: "csv" | "xlsx",
  file: string,
): Promise<void> {
  if (format === "csv") await writeFile(file, resultsToCsv(results), "utf8");
  else await writeFile(file, await resultsToXlsx(results));
}
