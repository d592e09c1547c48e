/**
 * The monthly score sheet (工作量化考核评分表) as an XLSX workbook laid out like the paper form, and the
 * data behind it: the month's results (persisted MonthResult rows when there are any, else a computed
 * preview: `monthResults`) plus each person's items and counts from the month's approved lines.
 *
 * Workbook: a summary worksheet (everyone, overall rank) then one worksheet per work category (ranked
 * within the category). Each has the form's title, unit, month, status (a preview says so in the
 * title), the columns name, section, items and counts, raw points, group max, quantity score, quality
 * score (veto), weighted (quality × weight + quantity × weight), discretionary, final, ranks, a totals
 * line, and the signature lines (prepared by, section chief, assessment group, branch chief, date).
 * Numbers are numbers (2 decimals), so the sheet can be summed in Excel.
 *
 * `weighted` is final − discretionary: the final is rounded once and discretionary is whole hundredths,
 * so this is the rounded weighted sum and the columns add up exactly as printed.
 */
import type { Database, Db, Tx } from "../db/client.js";
import type { Translate } from "../i18n/index.js";
import { formatHundredths, parseHundredths } from "../scoring/index.js";
import { type MonthResults, monthResults, type ResultRow, type ResultStatus } from "./export.js";
import { loadMonthInput } from "./month-input.js";
import { readSettings } from "./settings.js";

export interface SheetItem {
  code: string;
  name: string;
  count: number;
}

export interface SheetPerson extends ResultRow {
  items: SheetItem[];
  /** priced temporary tasks (counted in raw) */
  tempTasks: { count: number; points: string };
  /** final − discretionary, 2 decimals */
  weighted: string;
}

export interface SheetCategory {
  code: string;
  name: string;
  nameEn: string;
  qualityWeight: string | null;
  quantityWeight: string | null;
  people: SheetPerson[];
}

export interface ScoreSheetData {
  month: string;
  status: ResultStatus;
  unitName: string | null;
  /** everyone (after any scoping), by overall rank */
  people: SheetPerson[];
  /** categories that have people, in catalog order; people by category rank */
  categories: SheetCategory[];
}

const clientOf = (db: Db | Tx | Database): Db | Tx =>
  "prisma" in db && "sql" in db ? db.prisma : (db as Db | Tx);

export function statusLabel(t: Translate, status: ResultStatus): string {
  return t(
    status === "published"
      ? "exports.statusPublished"
      : status === "saved"
        ? "exports.statusSaved"
        : "exports.statusPreview",
  );
}

/**
 * The data of the month's score sheet. `filter` keeps some rows (a chief's section, a person's own
 * line); the ranks stay those of the whole month.
 */
export async function scoreSheetData(
  db: Db | Tx | Database,
  month: string,
  opts: { results?: MonthResults; filter?: (r: ResultRow) => boolean; lang?: "zh-CN" | "en" } = {},
): Promise<ScoreSheetData> {
  const p = clientOf(db);
  const results = opts.results ?? (await monthResults(p, month));
  const rows = opts.filter ? results.rows.filter(opts.filter) : results.rows;
  const [loaded, settings, items] = [
    await loadMonthInput(p, month),
    await readSettings(p),
    await p.workItem.findMany({ select: { code: true, name: true, nameEn: true } }),
  ];
  const itemName = new Map(items.map((i) => [i.code, opts.lang === "en" ? i.nameEn : i.name]));
  const inputs = new Map(loaded.input.people.map((x) => [x.personId, x]));

  const people = rows.map((r): SheetPerson => {
    const input = inputs.get(r.personId);
    const byItem = new Map<string, SheetItem>();
    for (const l of input?.lines ?? []) {
      const code = l.itemCode ?? "?";
      const it = byItem.get(code) ?? { code, name: itemName.get(code) ?? l.label ?? code, count: 0 };
      it.count += l.count;
      byItem.set(code, it);
    }
    const priced = (input?.tempTasks ?? []).filter((x) => x.points !== null);
    const tempPoints = priced.reduce((a, x) => a + (x.points ?? 0n), 0n);
    return {
      ...r,
      items: [...byItem.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
      tempTasks: { count: priced.length, points: formatHundredths(tempPoints) },
      weighted: formatHundredths(parseHundredths(r.final) - parseHundredths(r.discretionary)),
    };
  });

  const categories: SheetCategory[] = [];
  for (const c of [...loaded.categories.values()].sort(
    (a, b) => a.sortOrder - b.sortOrder || (a.code < b.code ? -1 : 1),
  )) {
    const members = people
      .filter((x) => x.categoryCode === c.code)
      .sort((a, b) => a.rankCategory - b.rankCategory || a.rankOverall - b.rankOverall);
    if (members.length === 0) continue;
    categories.push({
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      qualityWeight: members[0]?.qualityWeight ?? c.weights?.qualityWeight ?? null,
      quantityWeight: members[0]?.quantityWeight ?? c.weights?.quantityWeight ?? null,
      people: members,
    });
  }
  // people in a category no longer in the catalog (should not happen): a sheet of their own
  for (const code of new Set(people.map((x) => x.categoryCode))) {
    if (categories.some((c) => c.code === code)) continue;
    const members = people.filter((x) => x.categoryCode === code);
    categories.push({
      code,
      name: code,
      nameEn: code,
      qualityWeight: members[0]?.qualityWeight ?? null,
      quantityWeight: members[0]?.quantityWeight ?? null,
      people: members,
    });
  }
  return { month, status: results.status, unitName: settings.unitName, people, categories };
}

/** "发票发售×120；税务登记×8；临时性工作 ×2（30.00 分）" */
export function itemsText(t: Translate, p: SheetPerson, lang: "zh-CN" | "en"): string {
  const sep = lang === "en" ? "; " : "；";
  const parts = p.items.map((i) => `${i.name}×${i.count}`);
  if (p.tempTasks.count > 0)
    parts.push(t("exports.sheet.tempTasks", { count: p.tempTasks.count, points: p.tempTasks.points }));
  return parts.join(sep);
}

/** Excel's worksheet name rules: ≤ 31 characters, none of []:*?/\ , unique in the workbook. */
export function worksheetName(wanted: string, taken: Set<string>): string {
  const base =
    wanted
      .replace(/[[\]:*?/\\]/g, " ")
      .trim()
      .slice(0, 28) || "Sheet";
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

type Cell = string | number | null;

interface FormColumn {
  header: string;
  width: number;
  value: (p: SheetPerson, index: number) => Cell;
  /** numeric with 2 decimals */
  money?: boolean;
  /** summed on the totals line: the 2-decimal string to add */
  total?: (p: SheetPerson) => string;
}

const n = (s: string) => Number(s);

function formColumns(
  t: Translate,
  lang: "zh-CN" | "en",
  kind: "summary" | "category",
  showSection: boolean,
): FormColumn[] {
  const cols: (FormColumn | false)[] = [
    { header: t("exports.sheet.no"), width: 6, value: (_p, i) => i + 1 },
    { header: t("exports.sheet.name"), width: 14, value: (p) => p.name },
    showSection && { header: t("exports.sheet.section"), width: 14, value: (p) => p.sectionName ?? "" },
    kind === "summary" && {
      header: t("exports.sheet.categoryCol"),
      width: 14,
      value: (p) => p.categoryName ?? p.categoryCode,
    },
    kind === "category" && {
      header: t("exports.sheet.items"),
      width: 44,
      value: (p) => itemsText(t, p, lang),
    },
    { header: t("exports.sheet.raw"), width: 11, value: (p) => n(p.raw), money: true, total: (p) => p.raw },
    kind === "category" && {
      header: t("exports.sheet.groupMax"),
      width: 11,
      value: (p) => n(p.groupMax),
      money: true,
    },
    { header: t("exports.sheet.quantity"), width: 10, value: (p) => n(p.quantity), money: true },
    { header: t("exports.sheet.quality"), width: 10, value: (p) => n(p.quality), money: true },
    { header: t("exports.sheet.veto"), width: 8, value: (p) => (p.vetoed ? t("exports.sheet.yes") : null) },
    { header: t("exports.sheet.weighted"), width: 10, value: (p) => n(p.weighted), money: true },
    {
      header: t("exports.sheet.discretionary"),
      width: 10,
      value: (p) => n(p.discretionary),
      money: true,
      total: (p) => p.discretionary,
    },
    { header: t("exports.sheet.final"), width: 10, value: (p) => n(p.final), money: true },
    { header: t("exports.sheet.rankCategory"), width: 9, value: (p) => p.rankCategory },
    { header: t("exports.sheet.rankOverall"), width: 9, value: (p) => p.rankOverall },
  ];
  return cols.filter((c): c is FormColumn => c !== false);
}

const THIN = { style: "thin" as const };
const BOX = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** The workbook: summary first, then one worksheet per category. */
export async function scoreSheetToXlsx(
  data: ScoreSheetData,
  t: Translate,
  lang: "zh-CN" | "en",
  generatedAt: string,
): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs"); // slow to load: only when a file is made
  const wb = new ExcelJS.Workbook();
  wb.creator = "kpi-slack-bot";
  const taken = new Set<string>();
  const status = statusLabel(t, data.status);
  const showSection = data.people.some((p) => p.sectionName);

  const addForm = (
    sheetName: string,
    title: string,
    headerLines: string[],
    kind: "summary" | "category",
    people: SheetPerson[],
    footerLines: string[],
  ) => {
    const cols = formColumns(t, lang, kind, showSection);
    const ws = wb.addWorksheet(worksheetName(sheetName, taken), {
      pageSetup: {
        paperSize: 9,
        orientation: "landscape",
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        horizontalCentered: true,
      },
    });
    ws.columns = cols.map((c) => ({ width: c.width }));
    const last = cols.length;
    // title (a preview says so in the title itself)
    ws.addRow([data.status === "published" ? title : `${title} (${status})`]);
    ws.mergeCells(1, 1, 1, last);
    const titleCell = ws.getCell(1, 1);
    titleCell.font = { size: 16, bold: true };
    titleCell.alignment = { horizontal: "center", vertical: "middle" };
    ws.getRow(1).height = 28;
    // unit, month, category, weights, status: one line
    ws.addRow([headerLines.join("    ")]);
    ws.mergeCells(2, 1, 2, last);
    ws.getCell(2, 1).alignment = { horizontal: "left" };
    // column headers
    const head = ws.addRow(cols.map((c) => c.header));
    head.font = { bold: true };
    head.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    head.height = 30;
    head.eachCell((cell) => {
      cell.border = BOX;
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEFEFEF" } };
    });
    const firstData = ws.rowCount + 1;
    people.forEach((p, i) => {
      const row = ws.addRow(cols.map((c) => c.value(p, i)));
      row.alignment = { vertical: "top", wrapText: true };
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.border = BOX;
      });
    });
    ws.views = [{ state: "frozen", ySplit: firstData - 1 }];
    // totals line
    const totals = ws.addRow(
      cols.map((c, i) => {
        if (i === 1) return t("exports.sheet.total");
        const sum = c.total;
        if (!sum) return null;
        return n(formatHundredths(people.reduce((a, p) => a + parseHundredths(sum(p)), 0n)));
      }),
    );
    totals.font = { bold: true };
    totals.eachCell({ includeEmpty: true }, (cell) => {
      cell.border = BOX;
    });
    cols.forEach((c, i) => {
      if (c.money) ws.getColumn(i + 1).numFmt = "0.00";
    });
    ws.addRow([]);
    for (const line of footerLines) {
      const r = ws.addRow([line]);
      ws.mergeCells(r.number, 1, r.number, last);
    }
    ws.addRow([]);
    const signatures = [
      t("exports.sheet.signPreparer"),
      t("exports.sheet.signChief"),
      t("exports.sheet.signGroup"),
      t("exports.sheet.signBranch"),
      t("exports.sheet.signDate"),
    ];
    const signRow = ws.addRow([signatures.slice(0, 3).join("      ")]);
    ws.mergeCells(signRow.number, 1, signRow.number, last);
    const signRow2 = ws.addRow([signatures.slice(3).join("      ")]);
    ws.mergeCells(signRow2.number, 1, signRow2.number, last);
    ws.pageSetup.printTitlesRow = `3:3`;
    return ws;
  };

  const unit = data.unitName
    ? t("exports.sheet.unit", { unit: data.unitName })
    : t("exports.sheet.unitBlank");
  const monthLine = t("exports.sheet.month", { month: data.month });
  const statusLine = t("exports.sheet.status", { status });
  const finals = data.people.map((p) => parseHundredths(p.final));
  let hi = finals[0] ?? 0n;
  let lo = finals[0] ?? 0n;
  for (const f of finals) {
    if (f > hi) hi = f;
    if (f < lo) lo = f;
  }
  const spread = hi - lo;
  const given = data.people.reduce((a, p) => a + parseHundredths(p.discretionary), 0n);
  const summaryPeople = [...data.people].sort(
    (a, b) => a.rankOverall - b.rankOverall || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  addForm(
    t("exports.sheet.summarySheet"),
    t("exports.sheet.summaryTitle"),
    [unit, monthLine, statusLine, t("exports.sheet.generated", { time: generatedAt })],
    "summary",
    summaryPeople,
    [
      t("exports.sheet.people", { count: data.people.length }),
      t("exports.sheet.spread", { value: formatHundredths(spread) }),
      t("exports.sheet.poolGiven", { value: formatHundredths(given) }),
    ],
  );
  for (const c of data.categories) {
    const catName = lang === "en" ? c.nameEn : c.name;
    addForm(
      catName,
      t("exports.sheet.title"),
      [
        unit,
        monthLine,
        t("exports.sheet.category", { category: `${catName} (${c.code})` }),
        ...(c.qualityWeight && c.quantityWeight
          ? [t("exports.sheet.weights", { quality: c.qualityWeight, quantity: c.quantityWeight })]
          : []),
        statusLine,
      ],
      "category",
      c.people,
      [t("exports.sheet.people", { count: c.people.length })],
    );
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
