/**
 * Entries import: lines of work from another system (e.g. the tax system's export), imported as
 * APPROVED lines of one month. Format: README.md#entries.
 *
 * Each line becomes an Entry with source IMPORT, priced by the item's point version in force in the month
 * (SCHEME.md: "An entry keeps the points of the version in force on its work date"; versions start on a
 * month). Each person's Sheet for the month is created in state APPROVED (SCHEME.md "Sheet states"), or
 * the lines join it when it is APPROVED already; a sheet still OPEN/SUBMITTED/RETURNED (the chief has not
 * decided it) or LOCKED (month closed) refuses the file, as does a published month.
 *
 * Re-importing is additive and idempotent: a line already imported for the month (same person, item,
 * date, count and note/ref) is not added again; the same line twice in a file counts twice. A `ref`
 * (the source system's line id) must be unique in the file, and a ref imported before with a different
 * line is refused. Validated whole first; written in one transaction.
 */
import { z } from "zod";
import { EntrySource, EntryStatus, MonthState, SheetState } from "../../generated/prisma/enums.js";
import { isMonth } from "../../util/time.js";
import { audit } from "../audit.js";
import { chunks, type DbLike, inTransaction } from "./db.js";
import { codeField, countField, dateField, optionalText, requiredText, validateRow } from "./fields.js";
import { personLookup, type ResolvedPerson } from "./lookup.js";
import { ImportRefusedError, ProblemList } from "./problems.js";
import { bindColumns, type ColumnSpec, type RawTable } from "./table.js";

export const ENTRY_COLUMNS: ColumnSpec[] = [
  { name: "person", required: true, aliases: ["slack_id", "staff", "人员", "姓名"] },
  { name: "item", required: true, aliases: ["item_code", "code", "项目编码", "编码"] },
  { name: "date", required: true, aliases: ["work_date", "日期"] },
  { name: "count", required: true, aliases: ["数量", "笔数", "units"] },
  { name: "ref", required: false, aliases: ["reference", "单号", "流水号"] },
  { name: "note", required: false, aliases: ["备注", "remark"] },
];

const EntryRow = z.object({
  person: requiredText(100),
  item: codeField,
  date: dateField,
  count: countField,
  ref: z
    .string()
    .max(64, { error: "is longer than 64 characters" })
    .regex(/^[^[\]]*$/, { error: "must not contain [ or ]" })
    .transform((s) => (s === "" ? null : s)),
  note: optionalText(500),
});

export interface EntriesImportOptions {
  /** the month the lines belong to, "YYYY-MM"; every date must fall in it */
  month: string;
  actor?: string;
}

export interface EntriesImportSummary {
  source: string;
  month: string;
  rows: number;
  /** lines written */
  added: number;
  /** lines already imported before (skipped) */
  alreadyPresent: number;
  people: number;
  sheetsCreated: number;
  /** Σ count × points of the added lines, hundredths */
  pointsAdded: bigint;
}

/** How an imported line's ref is kept (Entry has no column for it): "[ref] note". */
export function storedNote(ref: string | null, note: string | null): string | null {
  if (ref === null) return note;
  return note === null ? `[${ref}]` : `[${ref}] ${note}`;
}

const REF_IN_NOTE = /^\[([^\]]+)\]/;

interface Planned {
  line: number;
  person: ResolvedPerson;
  itemId: string;
  itemCode: string;
  versionId: string;
  points: number;
  date: string;
  count: number;
  note: string | null;
}

const keyOf = (personId: string, itemId: string, date: string, count: number, note: string | null) =>
  `${personId}\u0000${itemId}\u0000${date}\u0000${count}\u0000${note ?? ""}`;

export async function importEntries(
  db: DbLike,
  table: RawTable,
  options: EntriesImportOptions,
): Promise<EntriesImportSummary> {
  const { month } = options;
  if (!isMonth(month)) throw new Error(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
  const actor = options.actor ?? "cli";

  return inTransaction(db, async (tx) => {
    const problems = new ProblemList();
    const valid: { line: number; row: z.output<typeof EntryRow> }[] = [];
    const refLine = new Map<string, number>();
    for (const b of bindColumns(table, ENTRY_COLUMNS, problems)) {
      const row = validateRow(EntryRow, b, problems);
      const ref = b.values.ref ?? "";
      if (ref !== "") {
        const f = refLine.get(ref);
        if (f !== undefined) problems.add(b.line, `duplicate ref ${ref} (also on line ${f})`, "ref");
        else refLine.set(ref, b.line);
      }
      if (!row) continue;
      if (!row.date.startsWith(`${month}-`)) {
        problems.add(b.line, `date ${row.date} is outside the month ${month}`, "date");
        continue;
      }
      valid.push({ line: b.line, row });
    }

    const lookup = await personLookup(
      tx,
      valid.map((v) => v.row.person),
    );
    const items = new Map(
      (
        await tx.workItem.findMany({
          where: { code: { in: [...new Set(valid.map((v) => v.row.item))] } },
          include: {
            versions: {
              where: { effectiveMonth: { lte: month } },
              orderBy: { effectiveMonth: "desc" },
              take: 1,
            },
          },
        })
      ).map((i) => [i.code, i]),
    );
    const planned: Planned[] = [];
    for (const { line, row } of valid) {
      let ok = true;
      const found = lookup(row.person);
      if ("error" in found) {
        problems.add(line, found.error, "person");
        ok = false;
      } else if (!found.person.active) {
        problems.add(line, `${found.person.name} (${found.person.slackUserId}) is not active`, "person");
        ok = false;
      } else if (!found.person.isStaff) {
        problems.add(
          line,
          `${found.person.name} (${found.person.slackUserId}) is not a staff member (role STAFF)`,
          "person",
        );
        ok = false;
      }
      const item = items.get(row.item);
      const version = item?.versions[0];
      if (!item) {
        problems.add(line, `unknown item code "${row.item}"`, "item");
        ok = false;
      } else if (!version) {
        problems.add(line, `${row.item} has no point value in force in ${month}`, "item");
        ok = false;
      }
      if (!ok || "error" in found || !item || !version) continue;
      planned.push({
        line,
        person: found.person,
        itemId: item.id,
        itemCode: item.code,
        versionId: version.id,
        points: version.points,
        date: row.date,
        count: row.count,
        note: storedNote(row.ref, row.note),
      });
    }

    // What was imported before for these people and month: a multiset of lines, and the refs.
    const personIds = [...new Set(planned.map((p) => p.person.id))];
    const before = await tx.entry.findMany({
      where: { month, source: EntrySource.IMPORT, status: EntryStatus.ACTIVE, personId: { in: personIds } },
      select: { personId: true, itemId: true, workDate: true, count: true, note: true },
    });
    const have = new Map<string, number>();
    const refKey = new Map<string, string>();
    for (const e of before) {
      const k = keyOf(e.personId, e.itemId, e.workDate, e.count, e.note);
      have.set(k, (have.get(k) ?? 0) + 1);
      const ref = e.note ? REF_IN_NOTE.exec(e.note)?.[1] : undefined;
      if (ref !== undefined) refKey.set(ref, k);
    }
    const toAdd: Planned[] = [];
    let alreadyPresent = 0;
    for (const p of planned) {
      const k = keyOf(p.person.id, p.itemId, p.date, p.count, p.note);
      const ref = p.note ? REF_IN_NOTE.exec(p.note)?.[1] : undefined;
      const prior = ref === undefined ? undefined : refKey.get(ref);
      if (prior !== undefined && prior !== k) {
        problems.add(
          p.line,
          `ref ${ref} was imported before with a different line; it cannot be changed by re-importing`,
          "ref",
        );
        continue;
      }
      const n = have.get(k) ?? 0;
      if (n > 0) {
        have.set(k, n - 1);
        alreadyPresent++;
      } else toAdd.push(p);
    }

    // Where the new lines go: each person's sheet must be absent (created APPROVED) or APPROVED.
    const addPeople = [...new Set(toAdd.map((p) => p.person.id))];
    const sheets = new Map(
      (await tx.sheet.findMany({ where: { month, personId: { in: addPeople } } })).map((s) => [
        s.personId,
        s,
      ]),
    );
    if (toAdd.length > 0) {
      const close = await tx.monthClose.findUnique({ where: { month } });
      if (close?.state === MonthState.PUBLISHED) {
        problems.add(null, `month ${month} is published; its lines can no longer change`);
      }
    }
    const reported = new Set<string>();
    for (const p of toAdd) {
      const s = sheets.get(p.person.id);
      if (!s || s.state === SheetState.APPROVED || reported.has(p.person.id)) continue;
      reported.add(p.person.id);
      problems.add(
        p.line,
        s.state === SheetState.LOCKED
          ? `${p.person.name}'s sheet for ${month} is LOCKED (month closed)`
          : `${p.person.name}'s sheet for ${month} is ${s.state}, not approved: imported lines go to approved sheets only ` +
              `(have it decided first)`,
        "person",
      );
    }
    if (!problems.empty) throw new ImportRefusedError(table.source, problems, table.locLabel);

    const summary: EntriesImportSummary = {
      source: table.source,
      month,
      rows: planned.length,
      added: toAdd.length,
      alreadyPresent,
      people: addPeople.length,
      sheetsCreated: 0,
      pointsAdded: 0n,
    };
    if (toAdd.length === 0) return summary;

    const monthCats = new Map(
      (await tx.personMonthCategory.findMany({ where: { month, personId: { in: addPeople } } })).map((c) => [
        c.personId,
        c.categoryCode,
      ]),
    );
    const sheetIds = new Map<string, string>();
    const perPerson = new Map<string, Planned[]>();
    for (const p of toAdd) perPerson.set(p.person.id, [...(perPerson.get(p.person.id) ?? []), p]);
    for (const [personId, lines] of perPerson) {
      const person = lines[0]!.person;
      let sheetId = sheets.get(personId)?.id;
      let created = false;
      if (!sheetId) {
        const s = await tx.sheet.create({
          data: {
            personId,
            month,
            state: SheetState.APPROVED,
            version: 1,
            categoryCode: monthCats.get(personId) ?? person.categoryCode,
            decidedAt: new Date(),
            transitions: {
              create: {
                fromState: null,
                toState: SheetState.APPROVED,
                actorId: actor,
                reason: "import",
                detail: { source: table.source },
              },
            },
          },
        });
        sheetId = s.id;
        created = true;
        summary.sheetsCreated++;
      }
      sheetIds.set(personId, sheetId);
      let points = 0n;
      for (const l of lines) points += BigInt(l.count) * BigInt(l.points);
      summary.pointsAdded += points;
      await audit(tx, {
        actor,
        action: created ? "sheet.import.create" : "sheet.import.add",
        entityType: "Sheet",
        entityId: sheetId,
        after: {
          person: person.slackUserId,
          month,
          state: SheetState.APPROVED,
          linesAdded: lines.length,
          points,
          source: table.source,
        },
      });
    }
    for (const batch of chunks(toAdd, 1000)) {
      await tx.entry.createMany({
        data: batch.map((p) => ({
          personId: p.person.id,
          sheetId: sheetIds.get(p.person.id)!,
          month,
          workDate: p.date,
          itemId: p.itemId,
          pointVersionId: p.versionId,
          pointsPerUnit: p.points,
          count: p.count,
          note: p.note,
          status: EntryStatus.ACTIVE,
          source: EntrySource.IMPORT,
        })),
      });
    }
    await audit(tx, {
      actor,
      action: "import.entries",
      entityType: "Entry",
      after: { ...summary },
    });
    return summary;
  });
}
