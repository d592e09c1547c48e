/**
 * Reading an import file into rows of text cells, with the line (CSV) or row (XLSX) number of each, and
 * binding the header to a format's columns. Formats: README.md ("Import formats").
 *
 * - CSV: UTF-8 with or without a byte-order mark, comma-separated, RFC 4180 quoting (a quoted cell may
 *   hold commas and line breaks). A file that is not valid UTF-8 (e.g. saved as GBK by Excel) is refused.
 * - XLSX: the first worksheet; the header is its first non-empty row. Numbers, dates, rich text, hyperlinks
 *   and formula results are read as text.
 * - Every cell is trimmed; rows whose cells are all empty are skipped (spreadsheets leave such rows).
 * - Header names are matched case-insensitively, with spaces and hyphens read as "_", and a few Chinese
 *   aliases per column (e.g. 编码 for code).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import type ExcelJS from "exceljs";
import type { ProblemList } from "./problems.js";

export interface RawRow {
  line: number;
  cells: string[];
}

export interface RawTable {
  /** the file name, for messages */
  source: string;
  locLabel: "line" | "row";
  header: RawRow | null;
  rows: RawRow[];
  /** a problem that made the file unreadable (bad encoding, broken quoting) */
  fatal: { line: number | null; message: string } | null;
}

export type TableFormat = "csv" | "xlsx";

export function formatOfPath(file: string): TableFormat | null {
  const ext = path.extname(file).toLowerCase();
  return ext === ".csv" ? "csv" : ext === ".xlsx" ? "xlsx" : null;
}

/** Reads a .csv or .xlsx file. Throws (with a readable message) when the file cannot be opened. */
export async function readTableFile(file: string): Promise<RawTable> {
  const format = formatOfPath(file);
  if (!format) throw new Error(`${file}: expected a .csv or .xlsx file`);
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `${file}: no such file` : `${file}: cannot read (${String(e)})`);
  }
  const source = path.basename(file);
  return format === "csv" ? parseCsvTable(data, source) : parseXlsxTable(data, source);
}

const blank = (cells: string[]) => cells.every((c) => c === "");

function splitHeader(rows: RawRow[]): { header: RawRow | null; rows: RawRow[] } {
  const nonBlank = rows.filter((r) => !blank(r.cells));
  return { header: nonBlank[0] ?? null, rows: nonBlank.slice(1) };
}

export function parseCsvTable(data: string | Uint8Array, source: string): RawTable {
  let text: string;
  if (typeof data === "string") text = data;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(data);
    } catch {
      return {
        source,
        locLabel: "line",
        header: null,
        rows: [],
        fatal: {
          line: null,
          message: 'the file is not UTF-8 text (saved as GBK/ANSI?); save it as "CSV UTF-8" and try again',
        },
      };
    }
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    return {
      source,
      locLabel: "line",
      header: null,
      rows: [],
      fatal: { line: err.lines ?? null, message: `not a readable CSV file: ${err.message ?? String(e)}` },
    };
  }
  // A record's own line is the line after the previous record's last one (records may span lines).
  const rows: RawRow[] = [];
  let prevEnd = 0;
  for (const r of records) {
    rows.push({ line: prevEnd + 1, cells: r.record.map((c) => c.trim()) });
    prevEnd = r.info.lines;
  }
  return { source, locLabel: "line", ...splitHeader(rows), fatal: null };
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("richText" in v) return v.richText.map((t) => t.text).join("");
    if ("formula" in v || "sharedFormula" in v)
      return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ("text" in v) return typeof v.text === "string" ? v.text : cellText(v.text as ExcelJS.CellValue);
    if ("error" in v) return String(v.error);
  }
  return String(v);
}

export async function parseXlsxTable(data: Uint8Array, source: string): Promise<RawTable> {
  const { default: Excel } = await import("exceljs"); // loaded only when needed (slow to load)
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch (e) {
    return {
      source,
      locLabel: "row",
      header: null,
      rows: [],
      fatal: { line: null, message: `not a readable .xlsx workbook: ${(e as Error).message}` },
    };
  }
  const ws = wb.worksheets[0];
  if (!ws)
    return {
      source,
      locLabel: "row",
      header: null,
      rows: [],
      fatal: { line: null, message: "the workbook has no worksheet" },
    };
  const rows: RawRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value).trim());
    rows.push({ line: rowNumber, cells });
  });
  return { source, locLabel: "row", ...splitHeader(rows), fatal: null };
}

// ───────────────────────────── header binding ─────────────────────────────

export interface ColumnSpec {
  /** canonical name, as documented */
  name: string;
  required: boolean;
  /** other accepted header names (normalised form) */
  aliases?: string[];
}

export interface BoundRow {
  line: number;
  /** canonical column name → trimmed cell text ("" when empty or the column is absent) */
  values: Record<string, string>;
}

export function normaliseHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

/**
 * Binds the header to the format's columns: a missing required column, an unknown column, a repeated
 * column or an unnamed column with data is a problem (of the header line). Rows are returned even when
 * the header has problems, so the caller can list the rows' own problems in the same report.
 */
export function bindColumns(table: RawTable, columns: ColumnSpec[], problems: ProblemList): BoundRow[] {
  if (table.fatal) {
    problems.add(table.fatal.line, table.fatal.message);
    return [];
  }
  if (!table.header) {
    problems.add(
      null,
      `the file is empty: expected a header with ${columns
        .filter((c) => c.required)
        .map((c) => c.name)
        .join(", ")}`,
    );
    return [];
  }
  const byName = new Map<string, ColumnSpec>();
  for (const c of columns) {
    byName.set(c.name, c);
    for (const a of c.aliases ?? []) byName.set(normaliseHeader(a), c);
  }
  const hl = table.header.line;
  const positions = new Map<string, number>();
  const known = columns.map((c) => c.name).join(", ");
  table.header.cells.forEach((cell, i) => {
    const h = normaliseHeader(cell);
    if (h === "") {
      const hasData = table.rows.some((r) => (r.cells[i] ?? "") !== "");
      if (hasData) problems.add(hl, `column ${i + 1} has data but no name in the header`);
      return;
    }
    const spec = byName.get(h);
    if (!spec) {
      problems.add(hl, `unknown column "${cell}" (expected: ${known})`);
      return;
    }
    if (positions.has(spec.name)) {
      problems.add(hl, `column "${spec.name}" appears twice in the header`);
      return;
    }
    positions.set(spec.name, i);
  });
  for (const c of columns) {
    if (c.required && !positions.has(c.name)) problems.add(hl, `missing column "${c.name}"`);
  }
  const width = table.header.cells.length;
  return table.rows.map((r) => {
    if (r.cells.length > width && r.cells.slice(width).some((c) => c !== "")) {
      problems.add(r.line, `has ${r.cells.length} cells but the header names ${width} columns`);
    }
    const values: Record<string, string> = {};
    for (const c of columns) {
      const i = positions.get(c.name);
      values[c.name] = i === undefined ? "" : (r.cells[i] ?? "");
    }
    return { line: r.line, values };
  });
}

/** Which of the format's columns the file has (optional columns absent from the file are left alone). */
export function presentColumns(table: RawTable, columns: ColumnSpec[]): Set<string> {
  const out = new Set<string>();
  if (!table.header) return out;
  const byName = new Map<string, string>();
  for (const c of columns) {
    byName.set(c.name, c.name);
    for (const a of c.aliases ?? []) byName.set(normaliseHeader(a), c.name);
  }
  for (const cell of table.header.cells) {
    const n = byName.get(normaliseHeader(cell));
    if (n) out.add(n);
  }
  return out;
}
