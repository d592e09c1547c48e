/**
 * Writes catalog.sample.xlsx from catalog.sample.csv (same header and rows; points as numbers), so the
 * XLSX import can be tried on the same catalog. Run: npx tsx prisma/seed/build-xlsx.ts
 * A test checks that both files import to the same catalog.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { parseCsvTable } from "../../src/domain/import/table.js";

const dir = path.dirname(fileURLToPath(import.meta.url));
const table = parseCsvTable(readFileSync(path.join(dir, "catalog.sample.csv")), "catalog.sample.csv");
if (!table.header) throw new Error("empty CSV");
const pointsAt = table.header.cells.indexOf("points");

const wb = new ExcelJS.Workbook();
wb.creator = "kpi-slack-bot";
wb.created = wb.modified = new Date(Date.UTC(2026, 9, 1));
const ws = wb.addWorksheet("catalog", { views: [{ state: "frozen", ySplit: 1 }] });
ws.addRow(table.header.cells);
ws.getRow(1).font = { bold: true };
for (const r of table.rows) ws.addRow(r.cells.map((c, i) => (i === pointsAt ? Number(c) : c)));
ws.columns.forEach((c, i) => {
  c.width = [8, 10, 16, 30, 10, 8, 40, 40, 40, 8][i] ?? 12;
});
const out = path.join(dir, "catalog.sample.xlsx");
await wb.xlsx.writeFile(out);
console.log(`wrote ${table.rows.length} items to ${out}`);
