/**
 * Sections import (股室): upserts sections by code. Format: README.md#sections.
 * Validated whole first, written in one transaction; re-importing the same file changes nothing.
 */
import { z } from "zod";
import { audit } from "../audit.js";
import { type DbLike, inTransaction } from "./db.js";
import { codeField, optionalText, requiredText, validateRow } from "./fields.js";
import { ImportRefusedError, ProblemList } from "./problems.js";
import { bindColumns, type ColumnSpec, type RawTable } from "./table.js";

export const SECTION_COLUMNS: ColumnSpec[] = [
  { name: "code", required: true, aliases: ["编码", "代码", "section_code"] },
  { name: "name", required: true, aliases: ["名称", "股室"] },
  { name: "name_en", required: false, aliases: ["英文名称", "english_name"] },
];

const SectionRow = z.object({ code: codeField, name: requiredText(100), name_en: optionalText(200) });

export interface SimpleImportSummary {
  source: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

export async function importSections(
  db: DbLike,
  table: RawTable,
  options: { actor?: string } = {},
): Promise<SimpleImportSummary> {
  const actor = options.actor ?? "cli";
  return inTransaction(db, async (tx) => {
    const problems = new ProblemList();
    const rows: { line: number; row: z.output<typeof SectionRow> }[] = [];
    const first = new Map<string, number>();
    for (const b of bindColumns(table, SECTION_COLUMNS, problems)) {
      const row = validateRow(SectionRow, b, problems);
      if (!row) continue;
      const f = first.get(row.code);
      if (f !== undefined) problems.add(b.line, `duplicate code ${row.code} (also on line ${f})`, "code");
      else first.set(row.code, b.line);
      rows.push({ line: b.line, row });
    }
    if (!problems.empty) throw new ImportRefusedError(table.source, problems, table.locLabel);

    const existing = new Map(
      (await tx.section.findMany({ where: { code: { in: rows.map((r) => r.row.code) } } })).map((s) => [
        s.code,
        s,
      ]),
    );
    const summary: SimpleImportSummary = {
      source: table.source,
      rows: rows.length,
      created: 0,
      updated: 0,
      unchanged: 0,
    };
    for (const { row } of rows) {
      const data = { name: row.name, nameEn: row.name_en };
      const s = existing.get(row.code);
      if (!s) {
        const created = await tx.section.create({ data: { code: row.code, ...data } });
        await audit(tx, {
          actor,
          action: "section.create",
          entityType: "Section",
          entityId: created.id,
          after: { code: row.code, ...data },
        });
        summary.created++;
      } else if (s.name !== data.name || s.nameEn !== data.nameEn) {
        await tx.section.update({ where: { id: s.id }, data });
        await audit(tx, {
          actor,
          action: "section.update",
          entityType: "Section",
          entityId: s.id,
          before: { name: s.name, nameEn: s.nameEn },
          after: data,
        });
        summary.updated++;
      } else summary.unchanged++;
    }
    return summary;
  });
}
