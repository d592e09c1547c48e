/**
 * Logging work: the use-cases behind `/log` and its modal, list, edit, delete, undo and evidence. Each
 * takes the database, the acting person (resolved from the Slack user), validated input and the clock and
 * zone; checks ownership and the sheet's state and writes the change with its audit rows in one
 * transaction (the common `/log` path in one SQL statement). Amounts are integer hundredths of a point.
 *
 * Rules:
 * - A work date may be today or earlier, but not before the first day of the previous month; its month's
 *   sheet must be OPEN or RETURNED (SUBMITTED, APPROVED, LOCKED → sheet.locked). The first line of a month
 *   creates the sheet (OPEN).
 * - A month whose results are published (MonthClose PUBLISHED) takes no more changes, whatever its sheet's
 *   state (a sheet left open or submitted by a close with exceptions, or no sheet at all): no line, edit,
 *   delete, undo, evidence or temporary task (sheet.monthPublished). The MonthClose row is share-locked
 *   before the sheet, as publishMonth takes them, so a change waits for a publish under way.
 * - An entry keeps the points of the item's version in force for the work date's month.
 * - Plausibility: a day above `plausibleDailyPoints` (settings, default 480 points), or a line identical
 *   to one logged within the last minute (same item, date, count and note), is not written: logWork answers
 *   { status: "confirm" } and the caller re-sends with confirm: true.
 * - A person only ever sees and changes their own lines; someone else's id answers entry.notFound (audited
 *   REFUSED), exactly like an id that does not exist.
 * - Evidence: a required document (ItemEvidence) counts as provided once ticked (CHECKLIST), or once a link
 *   or file is attached naming it (documentId). Links and files without a documentId are kept as general
 *   material and shown in the count, but tick nothing.
 * - Retried calls are harmless: deleting a deleted line, ticking a ticked document, attaching the same link
 *   or file again change nothing and answer as the first call did; the same temporary task within a minute
 *   answers the recorded one (repeated: true); a repeated /log line asks to confirm (duplicate).
 *
 * DomainError codes (i18n keys under "errors.") and params:
 *   auth.inactive          { user }                 the actor is deactivated
 *   auth.forbidden         { roles }                listLines for another person (audited REFUSED)
 *   log.badDate            { value }                work date is not a real date
 *   log.futureDate         { date, today }          work date after today (in the configured zone)
 *   log.dateTooOld         { date, earliest }       work date before the first day of the previous month
 *   log.badMonth           { value }                a month argument that is not YYYY-MM
 *   log.countRange         { value, max }           count not a whole number in 1…10000
 *   log.noteTooLong        { length, max }          note over 500 characters
 *   item.notFound          { itemId }               no such item
 *   item.inactive          { code, name, nameEn }   the item is retired
 *   item.noPoints          { code, name, nameEn, month }  no point version in force for the month
 *   sheet.locked           { month, state }         the month's sheet is SUBMITTED / APPROVED / LOCKED
 *                                                   (audited REFUSED)
 *   sheet.monthPublished   { month }                the month's results are published (audited REFUSED)
 *   entry.notFound         { entryId }              no such line, or not the actor's (audited REFUSED)
 *   entry.deleted          { entryId }              editing or attaching to a line already deleted
 *   entry.monthChange      { from, to }             updateLine moving a line to another month (delete and
 *                                                   log it again instead)
 *   undo.nothing           {}                       no active line or unpriced temporary task in an open or
 *                                                   returned sheet
 *   temp.badMinutes        { value, max }           minutes not a whole number in 1…1440
 *   temp.noDescription     {}                       empty description
 *   temp.descriptionTooLong { length, max }         description over 500 characters
 *   temp.similarUnknown    { itemId }               the named similar item does not exist or is retired
 *   temp.notFound          { taskId }               no such temporary task, or not the actor's (audited)
 *   temp.priced            { taskId }               deleting a task the group has already priced
 *   evidence.tooMany       { max }                  more than 20 links + files + ticks in one call
 *   evidence.badLink       { link }                 not an http(s) URL (or longer than 2000 characters)
 *   evidence.badFile       { id }                   not a Slack file id
 *   evidence.unknownDocument { id }                 a ticked/named document the item does not require
 */
import { randomFillSync } from "node:crypto";
import { naturalBatcher, type Outcome } from "../db/batcher.js";
import { type Db, inOrder, type Tx } from "../db/client.js";
import { type RawSql, rawSqlOf } from "../db/raw.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { EntrySource, Role, SheetState } from "../generated/prisma/enums.js";
import { type Clock, isDate, isMonth, monthOf, previousMonth, todayIn } from "../util/time.js";
import { audit } from "./audit.js";
import type { CatalogEvidence } from "./catalog.js";
import {
  cleanText,
  MAX_COUNT,
  MAX_DESCRIPTION_LENGTH,
  MAX_NOTE_LENGTH,
  MAX_TEMP_MINUTES,
} from "./command-parse.js";
import { DomainError } from "./errors.js";
import { refusalsAudited } from "./guard.js";
import { type Actor, requireActor } from "./people.js";

export interface Deps {
  clock: Clock;
  timeZone: string;
  /** points (not hundredths) a day may reach before logWork asks to confirm; default: the setting (480) */
  plausibleDailyPoints?: number;
}

export interface EvidenceInput {
  links?: string[];
  /** Slack files; documentId names the required document (ItemEvidence id) the file is */
  files?: { id: string; name?: string; documentId?: string }[];
  /** ItemEvidence ids ticked in the checklist */
  checked?: string[];
}

export interface LogWorkInput {
  itemId: string;
  count: number;
  workDate: string;
  note?: string | null;
  evidence?: EvidenceInput;
  /** true after the person confirmed a plausibility question */
  confirm?: boolean;
  /** where the line came from (default SLACK) */
  source?: EntrySource;
}

export interface LoggedEntry {
  id: string;
  workDate: string;
  month: string;
  count: number;
  itemId: string;
  itemCode: string;
  itemName: string;
  itemNameEn: string;
  unit: string;
  note: string | null;
  pointsPerUnit: number;
  subtotal: number;
}

export type LogWorkResult =
  | {
      status: "logged";
      entry: LoggedEntry;
      /** the day's total including this line (hundredths) */
      dayTotal: number;
      /** the month's total including this line: active lines + priced temporary tasks (hundredths) */
      monthTotal: number;
      /** active lines in the month, this one included */
      monthLines: number;
      /** required documents not yet ticked or attached */
      evidenceMissing: CatalogEvidence[];
      /** true when this line created the month's sheet */
      sheetCreated: boolean;
    }
  | {
      status: "confirm";
      /** "duplicate" wins when both apply; `reasons` lists both */
      reason: "dayOver" | "duplicate";
      reasons: ("dayOver" | "duplicate")[];
      /** the day's total if this line were recorded (hundredths) */
      dayTotal: number;
      /** the day's total now, without this line */
      currentDayTotal: number;
      /** the plausible daily total (hundredths) */
      limit: number;
      /** the identical line logged within the last minute */
      duplicateOf?: string;
      item: { id: string; code: string; name: string; nameEn: string; unit: string };
      pointsPerUnit: number;
      subtotal: number;
      /** re-send this with confirm: true */
      input: LogWorkInput;
    };

export interface Line {
  id: string;
  workDate: string;
  month: string;
  itemId: string;
  itemCode: string;
  itemName: string;
  itemNameEn: string;
  unit: string;
  count: number;
  /** the count as logged, when a chief adjusted it */
  originalCount: number | null;
  adjustReason: string | null;
  pointsPerUnit: number;
  subtotal: number;
  note: string | null;
  status: "ACTIVE" | "DELETED";
  evidenceMissing: CatalogEvidence[];
  /** links, files and ticks attached */
  evidenceCount: number;
  /** the sheet is open or returned, the line active and its month not published */
  editable: boolean;
  createdAt: Date;
}

export interface TempTaskView {
  id: string;
  workDate: string;
  month: string;
  minutes: number;
  description: string;
  status: "AWAITING_PRICING" | "PRICED" | "DELETED";
  /** hundredths when priced, else null (counts 0) */
  points: number | null;
  similarItem: { id: string; code: string; name: string; nameEn: string } | null;
  editable: boolean;
  createdAt: Date;
}

export interface SheetInfo {
  id: string;
  state: SheetState;
  late: boolean;
  submittedAt: Date | null;
  version: number;
  reviewerId: string | null;
  returnReason: string | null;
}

export const OPEN_STATES: readonly SheetState[] = ["OPEN", "RETURNED"];
export const MAX_EVIDENCE_PER_CALL = 20;
const MAX_LINK_LENGTH = 2000;

export function isOpenState(state: SheetState | string): boolean {
  return state === "OPEN" || state === "RETURNED";
}

// ───────────────────────────── small helpers ─────────────────────────────

let idCounter = Math.floor(Math.random() * 1_679_616);
/** random 32-bit words, refilled 256 at a time (one getrandom call instead of one per id) */
const randomWords = new Uint32Array(256);
let randomNext = randomWords.length;
const SIX_BASE36_DIGITS = 36 ** 6;

function randomBase36x6(): string {
  if (randomNext >= randomWords.length) {
    randomFillSync(randomWords);
    randomNext = 0;
  }
  return (randomWords[randomNext++]! % SIX_BASE36_DIGITS).toString(36).padStart(6, "0");
}

/** A collision-resistant id shaped like Prisma's cuid (25 characters, starting with "c"). */
export function newId(): string {
  idCounter = (idCounter + 1) % 1_679_616;
  const time = Date.now().toString(36).padStart(8, "0").slice(-8);
  const counter = idCounter.toString(36).padStart(4, "0");
  return `c${time}${counter}${randomBase36x6()}${randomBase36x6()}`;
}

export function requireActive(actor: Actor): void {
  if (!actor.active) throw new DomainError("auth.inactive", { user: actor.slackUserId });
}

export function today(deps: { clock: Clock; timeZone: string }): string {
  return todayIn(deps.timeZone, deps.clock());
}

/** The work date checked against today: real, not in the future, not before last month. Returns its month. */
export function checkWorkDate(workDate: string, todayDate: string): string {
  if (typeof workDate !== "string" || !isDate(workDate))
    throw new DomainError("log.badDate", { value: workDate });
  if (workDate > todayDate) throw new DomainError("log.futureDate", { date: workDate, today: todayDate });
  const earliest = `${previousMonth(monthOf(todayDate))}-01`;
  if (workDate < earliest) throw new DomainError("log.dateTooOld", { date: workDate, earliest });
  return monthOf(workDate);
}

export function checkMonth(month: string): void {
  if (typeof month !== "string" || !isMonth(month)) throw new DomainError("log.badMonth", { value: month });
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new DomainError("log.countRange", { value: String(count), max: MAX_COUNT });
  }
}

function cleanNote(note: string | null | undefined): string | null {
  if (note === null || note === undefined) return null;
  const n = cleanText(String(note));
  if (n.length > MAX_NOTE_LENGTH)
    throw new DomainError("log.noteTooLong", { length: n.length, max: MAX_NOTE_LENGTH });
  return n || null;
}

interface CleanEvidence {
  links: string[];
  files: { id: string; name: string | null; documentId: string | null }[];
  checked: string[];
}

/** Shape checks that need no database (the documents are checked against the item later). */
function cleanEvidence(ev: EvidenceInput | undefined): CleanEvidence | null {
  if (!ev) return null;
  const links = (ev.links ?? []).map((raw) => {
    let url = cleanText(String(raw));
    const slackLink = /^<(https?:\/\/[^|>]+)(?:\|[^>]*)?>$/.exec(url);
    if (slackLink) url = slackLink[1]!;
    if (url.length > MAX_LINK_LENGTH || !/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(url)) {
      throw new DomainError("evidence.badLink", { link: url.slice(0, 100) });
    }
    return url;
  });
  const files = (ev.files ?? []).map((f) => {
    const id = String(f?.id ?? "");
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new DomainError("evidence.badFile", { id: id.slice(0, 64) });
    const name = f.name ? cleanText(String(f.name)).slice(0, 255) || null : null;
    return { id, name, documentId: f.documentId ? String(f.documentId) : null };
  });
  const checked = [...new Set((ev.checked ?? []).map(String))];
  if (links.length + files.length + checked.length > MAX_EVIDENCE_PER_CALL) {
    throw new DomainError("evidence.tooMany", { max: MAX_EVIDENCE_PER_CALL });
  }
  const dedupedFiles = [...new Map(files.map((f) => [f.id, f])).values()];
  return { links: [...new Set(links)], files: dedupedFiles, checked };
}

function hasEvidence(ev: CleanEvidence | null): ev is CleanEvidence {
  return !!ev && ev.links.length + ev.files.length + ev.checked.length > 0;
}

/**
 * Required documents not covered by the attached evidence. Lines imported from the tax system (source
 * IMPORT) carry their evidence there and miss nothing: the same rule as the scoring input
 * (src/domain/month-input.ts), so what a person sees as "incomplete" is exactly what does not count.
 */
export function evidenceMissingOf(
  required: CatalogEvidence[],
  attached: { itemEvidenceId: string | null }[],
  source?: string,
): CatalogEvidence[] {
  if (source === "IMPORT") return [];
  const have = new Set(attached.map((a) => a.itemEvidenceId).filter((x): x is string => !!x));
  return required.filter((r) => !have.has(r.id));
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * Audits (guard.ts refusalsAudited) the refusals worth keeping (someone else's ids, locked sheets, a missing
 * role), not the typing mistakes of `/log`, then rethrows.
 */
const AUDITED_REFUSALS = new Set([
  "entry.notFound",
  "temp.notFound",
  "sheet.locked",
  "sheet.monthPublished",
  "auth.forbidden",
]);

export function auditRefusals<T>(
  db: Db,
  actor: Actor,
  what: { action: string; entityType: string; entityId?: string | null },
  fn: () => Promise<T>,
): Promise<T> {
  return refusalsAudited(db, actor, { ...what, audited: (code) => AUDITED_REFUSALS.has(code) }, fn);
}

/**
 * The person's sheet for a month, created OPEN when missing, and locked (FOR UPDATE semantics through
 * ON CONFLICT DO UPDATE) until the transaction ends, so a concurrent submit cannot slip between the state
 * check and the write. Writes the sheet.create audit row when it creates one.
 */
export async function lockSheet(
  tx: Tx,
  actor: Actor,
  month: string,
  now: Date,
): Promise<{ id: string; state: SheetState; created: boolean }> {
  const rows = await tx.$queryRaw<{ id: string; state: SheetState; created: boolean }[]>`
    INSERT INTO "Sheet" (id, "personId", month, state, version, "categoryCode", "createdAt", "updatedAt")
    SELECT ${newId()}, p.id, ${month}::varchar, 'OPEN', 0,
      COALESCE((SELECT pmc."categoryCode" FROM "PersonMonthCategory" pmc
                WHERE pmc."personId" = p.id AND pmc.month = ${month}::varchar), p."categoryCode"),
      ${now.toISOString()}::timestamp(3), ${now.toISOString()}::timestamp(3)
    FROM "Person" p WHERE p.id = ${actor.personId}
    ON CONFLICT ("personId", month) DO UPDATE SET state = "Sheet".state
    RETURNING id, state::text AS state, (xmax = 0) AS created`;
  const row = rows[0];
  if (!row) throw new Error(`person ${actor.personId} missing`);
  if (row.created) {
    await audit(tx, {
      actor: actor.slackUserId,
      action: "sheet.create",
      entityType: "Sheet",
      entityId: row.id,
      after: { personId: actor.personId, month, state: "OPEN" },
    });
  }
  return row;
}

/**
 * Refuses a change to a month whose results are published (sheet.monthPublished). Inside a transaction
 * the MonthClose row (when there is one) is share-locked until it ends: a publish under way (which holds
 * it FOR UPDATE) is waited for, and one starting later waits for this change. Called before the sheet is
 * locked, the order publishMonth takes them in.
 */
export async function requireMonthUnpublished(tx: Db | Tx, month: string): Promise<void> {
  const rows = await tx.$queryRaw<{ state: string }[]>`
    SELECT state::text AS state FROM "MonthClose" WHERE month = ${month}::varchar FOR SHARE`;
  if (rows[0]?.state === "PUBLISHED") throw new DomainError("sheet.monthPublished", { month });
}

/** Locks an existing sheet row for the rest of the transaction and returns its current state. */
async function lockExistingSheet(tx: Tx, sheetId: string): Promise<SheetState> {
  const rows = await tx.$queryRaw<{ state: SheetState }[]>`
    SELECT state::text AS state FROM "Sheet" WHERE id = ${sheetId} FOR UPDATE`;
  return rows[0]!.state;
}

/** The person's totals: the day's active lines, the month's active lines + priced temporary tasks. */
export async function totals(
  db: Db | Tx,
  personId: string,
  month: string,
  workDate?: string,
): Promise<{ dayTotal: number; monthTotal: number; monthLines: number }> {
  const rows = await db.$queryRaw<{ day: unknown; month: unknown; lines: unknown; temp: unknown }[]>`
    SELECT
      COALESCE(SUM(e."pointsPerUnit"::bigint * e.count) FILTER (WHERE e."workDate" = ${workDate ?? ""}), 0) AS day,
      COALESCE(SUM(e."pointsPerUnit"::bigint * e.count), 0) AS month,
      count(e.id) AS lines,
      (SELECT COALESCE(SUM(t.points), 0) FROM "TempTask" t
        WHERE t."personId" = ${personId} AND t.month = ${month}::varchar AND t.status = 'PRICED') AS temp
    FROM "Entry" e
    WHERE e."personId" = ${personId} AND e.month = ${month}::varchar AND e.status = 'ACTIVE'`;
  const r = rows[0]!;
  return { dayTotal: num(r.day), monthTotal: num(r.month) + num(r.temp), monthLines: num(r.lines) };
}

// ───────────────────────────── logWork ─────────────────────────────

/** What kpi_log_work answers (its current version: prisma/migrations/20261127100000_log_work_many), as JSON. */
export interface LogRow {
  actor_status: "ok" | "unknown" | "inactive";
  person_id: string | null;
  person_slack_user: string | null;
  person_name: string | null;
  person_locale: string | null;
  person_section: string | null;
  person_roles: string | null;
  person_chief_of: string | null;
  item_found: boolean | null;
  item_code: string;
  item_name: string;
  item_name_en: string;
  item_unit: string;
  item_active: boolean;
  ver_id: string | null;
  ver_points: number | null;
  cur_state: string | null;
  day_total: unknown;
  day_limit: unknown;
  dup_id: string | null;
  entry_id: string | null;
  sheet_id: string | null;
  sheet_state: string | null;
  sheet_created: boolean | null;
  month_total: unknown;
  month_lines: unknown;
  temp_total: unknown;
  evidence: CatalogEvidence[] | null;
  /** the month's results are published: nothing was written (null when an earlier check answered) */
  month_published: boolean | null;
}

export interface LogParams {
  /** the actor's Person id, or null to resolve the person from slackUserId in the same statement */
  personId: string | null;
  slackUserId: string;
  itemId: string;
  month: string;
  workDate: string;
  count: number;
  note: string | null;
  now: Date;
  confirm: boolean;
  limitPoints: number | null;
  source: EntrySource;
  entryId: string;
  sheetId: string;
}

/**
 * The call of kpi_log_work (one round trip; the function's statements are planned once per connection),
 * its answer as one JSON column: cheaper for the driver than describing and converting 28 columns.
 */
export const LOG_WORK_SQL =
  "SELECT row_to_json(r) AS r FROM kpi_log_work($1::text, $2::text, $3::text, $4::varchar, $5::varchar, " +
  "$6::int, $7::text, $8::timestamp(3), $9::boolean, $10::int, $11::text, $12::text, $13::text) r";

/**
 * Reads the item, its version in force, the person, the sheet's state, the day's and month's totals and
 * any identical line of the last minute; when every check passes, creates (or locks) the sheet, inserts
 * the entry and its audit rows. A failed check writes nothing. Through the raw driver when `db` is a
 * client openDatabase opened (no Prisma overhead on the hot path), else through Prisma (transactions).
 */
async function logStatement(db: Db | Tx, p: LogParams): Promise<LogRow> {
  const raw = rawSqlOf(db);
  const row = raw
    ? await logBatcherOf(raw)(p)
    : (await db.$queryRawUnsafe<{ r: LogRow }[]>(LOG_WORK_SQL, ...logArgs(p)))[0]?.r;
  if (!row) throw new Error("kpi_log_work answered no row");
  return row;
}

function logArgs(p: LogParams): unknown[] {
  return [
    p.personId,
    p.slackUserId,
    p.itemId,
    p.month,
    p.workDate,
    p.count,
    p.note,
    p.now.toISOString(),
    p.confirm,
    p.limitPoints,
    p.source,
    p.entryId,
    p.sheetId,
  ];
}

/**
 * Several lines in one call of kpi_log_work_many (migration 20261127100000_log_work_many): one round trip
 * and one commit for lines of different requests that arrived together, each checked and written as if
 * alone. The lines go sorted by Slack user, so two batches lock people's sheets in the same order.
 */
export const LOG_WORK_MANY_SQL =
  "SELECT pos, answer FROM kpi_log_work_many($1::text[], $2::text[], $3::text[], $4::varchar[], " +
  "$5::varchar[], $6::int[], $7::text[], $8::timestamp(3)[], $9::boolean[], $10::int[], $11::text[], " +
  "$12::text[], $13::text[])";

/**
 * On a server, lines logged at the same moment by different people share a statement (src/db/batcher.ts:
 * alone when quiet; under load, what arrives while two batches are running goes in the next). A batch
 * that fails as a whole (an error, not a refusal: refusals are answers) is retried line by line, so one
 * bad line cannot fail the others. PGlite runs one statement at a time in process: each line goes alone.
 */
/** An error the server answered (a SQLSTATE), other than a connection or shutdown error: nothing was written. */
function refusedByServer(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57)/.test(code);
}

const logBatchers = new WeakMap<RawSql, (p: LogParams) => Promise<LogRow | undefined>>();

/** The /log statement runner of a raw driver (exported for the tests, which inject faults into it). */
export function logBatcherOf(raw: RawSql): (p: LogParams) => Promise<LogRow | undefined> {
  let batcher = logBatchers.get(raw);
  if (batcher) return batcher;
  const one = async (p: LogParams) =>
    (await raw.query<{ r: LogRow }>("kpi_log_work", LOG_WORK_SQL, logArgs(p)))[0]?.r;
  if (!raw.batches) {
    batcher = one;
  } else {
    const settle = async (p: LogParams): Promise<Outcome<LogRow | undefined>> => {
      try {
        return { ok: true, value: await one(p) };
      } catch (error) {
        return { ok: false, error };
      }
    };
    batcher = naturalBatcher<LogParams, LogRow | undefined>(
      async (lines) => {
        if (lines.length === 1) return [await settle(lines[0] as LogParams)];
        const order = lines
          .map((_, i) => i)
          .sort((a, b) => {
            const ua = (lines[a] as LogParams).slackUserId;
            const ub = (lines[b] as LogParams).slackUserId;
            return ua < ub ? -1 : ua > ub ? 1 : a - b;
          });
        const sorted = order.map((i) => logArgs(lines[i] as LogParams));
        const columns = Array.from({ length: 13 }, (_, c) => sorted.map((args) => args[c]));
        let rows: { pos: number; answer: LogRow }[];
        try {
          rows = await raw.query("kpi_log_work_many", LOG_WORK_MANY_SQL, columns);
        } catch (error) {
          // the server refused the statement, so it wrote nothing: line by line, each gets its own
          // answer. A lost connection may have committed it: then every line fails ("try again").
          if (!refusedByServer(error)) throw error;
          return Promise.all(lines.map(settle));
        }
        const out: Outcome<LogRow | undefined>[] = lines.map(() => ({ ok: true, value: undefined }));
        for (const { pos, answer } of rows) out[order[pos - 1] as number] = { ok: true, value: answer };
        return out;
      },
      // two in flight: measured with bench:commands (50 concurrent) against one and four, two kept the
      // server's CPU per line near one's (0.24–0.27 ms vs 0.32–0.35 with four) while a line that waits
      // for a lock (a publish of its month, say) holds up at most half of the lines being logged
      { maxBatch: 64, maxInFlight: 2 },
    );
  }
  logBatchers.set(raw, batcher);
  return batcher;
}

/** The checks that need no database; returns the statement's parameters. */
export function logParams(
  deps: Deps,
  who: { personId: string | null; slackUserId: string },
  input: LogWorkInput,
) {
  const todayDate = today(deps);
  const month = checkWorkDate(input.workDate, todayDate);
  checkCount(input.count);
  const note = cleanNote(input.note);
  const evidence = cleanEvidence(input.evidence);
  if (typeof input.itemId !== "string" || !input.itemId) {
    throw new DomainError("item.notFound", { itemId: String(input.itemId ?? "") });
  }
  const params: LogParams = {
    ...who,
    itemId: input.itemId,
    month,
    workDate: input.workDate,
    count: input.count,
    note,
    now: deps.clock(),
    confirm: input.confirm === true,
    limitPoints: deps.plausibleDailyPoints ?? null,
    source: input.source ?? "SLACK",
    entryId: newId(),
    sheetId: newId(),
  };
  return { params, evidence };
}

/** The person the statement resolved, refused as requireActor refuses (unknown, deactivated). */
function actorOf(row: LogRow, slackUserId: string): Actor {
  if (row.actor_status === "unknown" || !row.person_id) {
    throw new DomainError("auth.unknownUser", { user: slackUserId });
  }
  if (row.actor_status === "inactive") throw new DomainError("auth.inactive", { user: slackUserId });
  return {
    personId: row.person_id,
    slackUserId: row.person_slack_user ?? slackUserId,
    name: row.person_name ?? "",
    roles: new Set((row.person_roles ? row.person_roles.split(",") : []) as Role[]),
    sectionId: row.person_section,
    chiefOf: row.person_chief_of ? row.person_chief_of.split(",") : [],
    locale: row.person_locale,
    active: true,
  };
}

/**
 * Records a line of work. The common path (no evidence) is one database round trip. Refusals write
 * nothing (sheet.locked writes only its REFUSED audit row).
 */
export async function logWork(db: Db, deps: Deps, actor: Actor, input: LogWorkInput): Promise<LogWorkResult> {
  requireActive(actor);
  const { params, evidence } = logParams(
    deps,
    { personId: actor.personId, slackUserId: actor.slackUserId },
    input,
  );
  return auditRefusals(db, actor, { action: "entry.create", entityType: "Entry" }, async () => {
    if (!hasEvidence(evidence)) {
      const row = await logStatement(db, params);
      actorOf(row, actor.slackUserId);
      return interpret(row, params, input);
    }
    return db.$transaction(async (tx) => {
      const row = await logStatement(tx, params);
      actorOf(row, actor.slackUserId);
      const result = interpret(row, params, input);
      const required = row.evidence ?? [];
      checkDocuments(required, evidence);
      if (result.status !== "logged") return result;
      await addEvidence(tx, actor, result.entry.id, required, evidence, []);
      const attached = await tx.entryEvidence.findMany({
        where: { entryId: result.entry.id },
        select: { itemEvidenceId: true },
      });
      return { ...result, evidenceMissing: evidenceMissingOf(required, attached) };
    });
  });
}

/**
 * logWork for a Slack user not resolved yet: the person is looked up in the same round trip (the /log
 * command's hot path). Refuses exactly as requireActor + logWork do, the actor's refusals first
 * (auth.unknownUser, auth.inactive); answers the actor with the result. `onActor` is given the person as
 * soon as they are resolved, before what they asked is refused or answered (so a refusal can be told in
 * their language).
 */
export async function logWorkAs(
  db: Db,
  deps: Deps,
  slackUserId: string,
  input: LogWorkInput,
  opts: { onActor?: (actor: Actor) => void } = {},
): Promise<{ actor: Actor; result: LogWorkResult }> {
  let prepared: ReturnType<typeof logParams>;
  try {
    prepared = logParams(deps, { personId: null, slackUserId }, input);
  } catch (error) {
    await requireActor(db, slackUserId); // who is asking is refused before what they asked
    throw error;
  }
  if (hasEvidence(prepared.evidence)) {
    const actor = await requireActor(db, slackUserId);
    opts.onActor?.(actor);
    return { actor, result: await logWork(db, deps, actor, input) };
  }
  const { params } = prepared;
  const row = await logStatement(db, params);
  const actor = actorOf(row, slackUserId);
  opts.onActor?.(actor);
  const result = await auditRefusals(db, actor, { action: "entry.create", entityType: "Entry" }, async () =>
    interpret(row, { ...params, personId: actor.personId }, input),
  );
  return { actor, result };
}

function interpret(row: LogRow, p: LogParams, input: LogWorkInput): LogWorkResult {
  if (!row.item_found) throw new DomainError("item.notFound", { itemId: p.itemId });
  const item = { code: row.item_code, name: row.item_name, nameEn: row.item_name_en, unit: row.item_unit };
  if (!row.item_active)
    throw new DomainError("item.inactive", { code: item.code, name: item.name, nameEn: item.nameEn });
  if (row.ver_id === null) {
    throw new DomainError("item.noPoints", {
      code: item.code,
      name: item.name,
      nameEn: item.nameEn,
      month: p.month,
    });
  }
  if (row.month_published) throw new DomainError("sheet.monthPublished", { month: p.month });
  const state = row.sheet_state ?? row.cur_state;
  if (state !== null && !isOpenState(state)) throw new DomainError("sheet.locked", { month: p.month, state });
  const pointsPerUnit = num(row.ver_points);
  const subtotal = pointsPerUnit * p.count;
  const currentDay = num(row.day_total);
  if (row.entry_id === null) {
    const limit = num(row.day_limit);
    const reasons: ("dayOver" | "duplicate")[] = [];
    if (row.dup_id) reasons.push("duplicate");
    if (currentDay + subtotal > limit) reasons.push("dayOver");
    if (!reasons.length) throw new Error("logWork: entry not written and no reason found");
    const out: LogWorkResult = {
      status: "confirm",
      reason: reasons[0]!,
      reasons,
      dayTotal: currentDay + subtotal,
      currentDayTotal: currentDay,
      limit,
      item: { id: p.itemId, ...item },
      pointsPerUnit,
      subtotal,
      input: { ...input, note: p.note, confirm: true },
    };
    if (row.dup_id) out.duplicateOf = row.dup_id;
    return out;
  }
  return {
    status: "logged",
    entry: {
      id: row.entry_id,
      workDate: p.workDate,
      month: p.month,
      count: p.count,
      itemId: p.itemId,
      itemCode: item.code,
      itemName: item.name,
      itemNameEn: item.nameEn,
      unit: item.unit,
      note: p.note,
      pointsPerUnit,
      subtotal,
    },
    dayTotal: currentDay + subtotal,
    monthTotal: num(row.month_total) + subtotal + num(row.temp_total),
    monthLines: num(row.month_lines) + 1,
    evidenceMissing: row.evidence ?? [],
    sheetCreated: row.sheet_created === true,
  };
}

/** Every ticked or named document must be one the item requires (evidence.unknownDocument). */
function checkDocuments(required: CatalogEvidence[], ev: CleanEvidence): void {
  const requiredIds = new Set(required.map((r) => r.id));
  for (const id of [...ev.checked, ...ev.files.map((f) => f.documentId).filter((x): x is string => !!x)]) {
    if (!requiredIds.has(id)) throw new DomainError("evidence.unknownDocument", { id });
  }
}

/**
 * Adds evidence rows not already present (same link, same file, same tick → nothing new). Throws
 * evidence.unknownDocument for a document the item does not require. Returns how many rows it added.
 */
async function addEvidence(
  tx: Tx,
  actor: Actor,
  entryId: string,
  required: CatalogEvidence[],
  ev: CleanEvidence,
  existing: { kind: string; url: string | null; slackFileId: string | null; itemEvidenceId: string | null }[],
  opts: { replaceChecklist?: boolean } = {},
): Promise<number> {
  checkDocuments(required, ev);
  const data: Prisma.EntryEvidenceCreateManyInput[] = [];
  const hasLink = new Set(existing.filter((e) => e.kind === "LINK").map((e) => e.url));
  const hasFile = new Set(existing.filter((e) => e.kind === "FILE").map((e) => e.slackFileId));
  let ticked = new Set(existing.filter((e) => e.kind === "CHECKLIST").map((e) => e.itemEvidenceId));
  let removed = 0;
  if (opts.replaceChecklist) {
    const drop = [...ticked].filter((id): id is string => !!id && !ev.checked.includes(id));
    if (drop.length) {
      removed = (
        await tx.entryEvidence.deleteMany({
          where: { entryId, kind: "CHECKLIST", itemEvidenceId: { in: drop } },
        })
      ).count;
      ticked = new Set([...ticked].filter((id) => !drop.includes(id as string)));
    }
  }
  for (const url of ev.links) {
    if (!hasLink.has(url)) data.push({ entryId, kind: "LINK", url });
  }
  for (const f of ev.files) {
    if (!hasFile.has(f.id)) {
      data.push({ entryId, kind: "FILE", slackFileId: f.id, label: f.name, itemEvidenceId: f.documentId });
    }
  }
  for (const id of ev.checked) {
    if (!ticked.has(id)) data.push({ entryId, kind: "CHECKLIST", itemEvidenceId: id });
  }
  if (data.length) await tx.entryEvidence.createMany({ data });
  if (data.length || removed) {
    await audit(tx, {
      actor: actor.slackUserId,
      action: "entry.evidence",
      entityType: "Entry",
      entityId: entryId,
      after: {
        added: data.map((d) => ({
          kind: d.kind,
          url: d.url,
          file: d.slackFileId,
          document: d.itemEvidenceId,
        })),
        unticked: removed,
      },
    });
  }
  return data.length + removed;
}

// ───────────────────────────── temporary tasks ─────────────────────────────

export async function logTempTask(
  db: Db,
  deps: Deps,
  actor: Actor,
  input: { minutes: number; description: string; workDate?: string; similarItemId?: string | null },
): Promise<TempTaskView & { repeated: boolean }> {
  requireActive(actor);
  const todayDate = today(deps);
  const workDate = input.workDate ?? todayDate;
  const month = checkWorkDate(workDate, todayDate);
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > MAX_TEMP_MINUTES) {
    throw new DomainError("temp.badMinutes", { value: String(input.minutes), max: MAX_TEMP_MINUTES });
  }
  const description = cleanText(String(input.description ?? ""));
  if (!description) throw new DomainError("temp.noDescription", {});
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new DomainError("temp.descriptionTooLong", {
      length: description.length,
      max: MAX_DESCRIPTION_LENGTH,
    });
  }
  const now = deps.clock();
  return auditRefusals(db, actor, { action: "temp.create", entityType: "TempTask" }, () =>
    db.$transaction(async (tx) => {
      let similar: TempTaskView["similarItem"] = null;
      if (input.similarItemId) {
        const it = await tx.workItem.findUnique({
          where: { id: input.similarItemId },
          select: { id: true, code: true, name: true, nameEn: true, active: true },
        });
        if (!it?.active) throw new DomainError("temp.similarUnknown", { itemId: input.similarItemId });
        similar = { id: it.id, code: it.code, name: it.name, nameEn: it.nameEn };
      }
      await requireMonthUnpublished(tx, month);
      const sheet = await lockSheet(tx, actor, month, now);
      if (!isOpenState(sheet.state)) throw new DomainError("sheet.locked", { month, state: sheet.state });
      // a retry or double submit within a minute answers the task already recorded
      const same = await tx.tempTask.findFirst({
        where: {
          sheetId: sheet.id,
          workDate,
          minutes: input.minutes,
          description,
          similarItemId: similar?.id ?? null,
          status: "AWAITING_PRICING",
          createdAt: { gt: new Date(now.getTime() - 60_000) },
        },
        orderBy: { createdAt: "desc" },
      });
      if (same) return { ...(await tempViews(tx, [same], sheet.state))[0]!, repeated: true };
      const t = await tx.tempTask.create({
        data: {
          id: newId(),
          personId: actor.personId,
          sheetId: sheet.id,
          month,
          workDate,
          minutes: input.minutes,
          description,
          similarItemId: similar?.id ?? null,
          createdAt: now,
        },
      });
      await audit(tx, {
        actor: actor.slackUserId,
        action: "temp.create",
        entityType: "TempTask",
        entityId: t.id,
        after: {
          personId: actor.personId,
          sheetId: sheet.id,
          workDate,
          minutes: t.minutes,
          description,
          similarItemId: t.similarItemId,
        },
      });
      return {
        id: t.id,
        workDate,
        month,
        minutes: t.minutes,
        description,
        status: t.status,
        points: null,
        similarItem: similar,
        editable: true,
        createdAt: t.createdAt,
        repeated: false,
      };
    }),
  );
}

/** Soft-deletes the actor's own unpriced temporary task in an open or returned sheet; repeats are no-ops. */
export async function deleteTempTask(
  db: Db,
  _deps: Deps,
  actor: Actor,
  taskId: string,
): Promise<{ removed: TempTaskView; alreadyDeleted: boolean }> {
  requireActive(actor);
  return auditRefusals(db, actor, { action: "temp.delete", entityType: "TempTask", entityId: taskId }, () =>
    db.$transaction(async (tx) => {
      const t = await tx.tempTask.findUnique({ where: { id: String(taskId) } });
      if (!t || t.personId !== actor.personId) throw new DomainError("temp.notFound", { taskId });
      if (t.status === "DELETED") {
        return { removed: (await tempViews(tx, [t], null))[0]!, alreadyDeleted: true };
      }
      if (t.status === "PRICED") throw new DomainError("temp.priced", { taskId });
      await requireMonthUnpublished(tx, t.month);
      const state = await lockExistingSheet(tx, t.sheetId);
      if (!isOpenState(state)) throw new DomainError("sheet.locked", { month: t.month, state });
      const upd = await tx.tempTask.update({ where: { id: t.id }, data: { status: "DELETED" } });
      await audit(tx, {
        actor: actor.slackUserId,
        action: "temp.delete",
        entityType: "TempTask",
        entityId: t.id,
        before: { status: t.status },
        after: { status: "DELETED" },
      });
      return { removed: (await tempViews(tx, [upd], state))[0]!, alreadyDeleted: false };
    }),
  );
}

type TempRow = {
  id: string;
  workDate: string;
  month: string;
  minutes: number;
  description: string;
  status: "AWAITING_PRICING" | "PRICED" | "DELETED";
  points: number | null;
  similarItemId: string | null;
  createdAt: Date;
};

export async function tempViews(
  db: Db | Tx,
  rows: TempRow[],
  sheetState: SheetState | null,
): Promise<TempTaskView[]> {
  const ids = [...new Set(rows.map((r) => r.similarItemId).filter((x): x is string => !!x))];
  const items = ids.length
    ? await db.workItem.findMany({
        where: { id: { in: ids } },
        select: { id: true, code: true, name: true, nameEn: true },
      })
    : [];
  const byId = new Map(items.map((i) => [i.id, i]));
  return rows.map((t) => ({
    id: t.id,
    workDate: t.workDate,
    month: t.month,
    minutes: t.minutes,
    description: t.description,
    status: t.status,
    points: t.status === "PRICED" ? t.points : null,
    similarItem: (t.similarItemId && byId.get(t.similarItemId)) || null,
    editable: t.status === "AWAITING_PRICING" && sheetState !== null && isOpenState(sheetState),
    createdAt: t.createdAt,
  }));
}

// ───────────────────────────── lines: list, edit, delete, undo, evidence ─────────────────────────────

const LINE_INCLUDE = {
  item: {
    select: {
      code: true,
      name: true,
      nameEn: true,
      unit: true,
      evidence: {
        select: { id: true, name: true, nameEn: true },
        orderBy: [{ sortOrder: "asc" }, { name: "asc" }],
      },
    },
  },
  evidence: { select: { id: true, kind: true, url: true, slackFileId: true, itemEvidenceId: true } },
} satisfies Prisma.EntryInclude;

type EntryWithLine = Prisma.EntryGetPayload<{ include: typeof LINE_INCLUDE }>;

export function toLine(e: EntryWithLine, sheetState: SheetState | null): Line {
  return {
    id: e.id,
    workDate: e.workDate,
    month: e.month,
    itemId: e.itemId,
    itemCode: e.item.code,
    itemName: e.item.name,
    itemNameEn: e.item.nameEn,
    unit: e.item.unit,
    count: e.count,
    originalCount: e.originalCount,
    adjustReason: e.adjustReason,
    pointsPerUnit: e.pointsPerUnit,
    subtotal: e.pointsPerUnit * e.count,
    note: e.note,
    status: e.status,
    evidenceMissing: evidenceMissingOf(e.item.evidence, e.evidence, e.source),
    evidenceCount: e.evidence.length,
    editable: e.status === "ACTIVE" && sheetState !== null && isOpenState(sheetState),
    createdAt: e.createdAt,
  };
}

export interface MonthLines {
  month: string;
  sheet: SheetInfo | null;
  lines: Line[];
  tempTasks: TempTaskView[];
  /** active lines + priced temporary tasks (hundredths) */
  total: number;
  /** the part of `total` from lines whose required documents are incomplete */
  incompleteTotal: number;
  /** lines with a required document missing */
  evidenceGaps: number;
  /** the month's results are published: nothing in it can change (lines and tasks not editable) */
  published: boolean;
}

/** The actor's lines and temporary tasks of a month (active ones), with totals and evidence gaps. */
export async function listLines(
  db: Db,
  _deps: Deps,
  actor: Actor,
  month: string,
  opts: { personId?: string } = {},
): Promise<MonthLines> {
  requireActive(actor);
  checkMonth(month);
  const personId = opts.personId ?? actor.personId;
  if (personId !== actor.personId) {
    // for now only one's own; chiefs' and the group's views come with the review use-cases
    await auditRefusals(
      db,
      actor,
      { action: "lines.list", entityType: "Person", entityId: personId },
      async () => {
        throw new DomainError("auth.forbidden", { roles: "SECTION_CHIEF, ASSESSMENT_GROUP" });
      },
    );
  }
  return readMonthLines(db, personId, month);
}

export async function readMonthLines(db: Db | Tx, personId: string, month: string): Promise<MonthLines> {
  const [sheet, entries, temps, close] = await inOrder([
    db.sheet.findUnique({
      where: { personId_month: { personId, month } },
      select: {
        id: true,
        state: true,
        late: true,
        submittedAt: true,
        version: true,
        reviewerId: true,
        returnReason: true,
      },
    }),
    db.entry.findMany({
      where: { personId, month, status: "ACTIVE" },
      include: LINE_INCLUDE,
      orderBy: [{ workDate: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    }),
    db.tempTask.findMany({
      where: { personId, month, status: { not: "DELETED" } },
      orderBy: [{ workDate: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    }),
    db.monthClose.findUnique({ where: { month }, select: { state: true } }),
  ]);
  const published = close?.state === "PUBLISHED";
  // a published month's lines are shown read-only, whatever their sheet's state
  const editableIn = published ? null : (sheet?.state ?? null);
  const lines = entries.map((e) => toLine(e, editableIn));
  const tempTasks = await tempViews(db, temps, editableIn);
  const lineTotal = lines.reduce((s, l) => s + l.subtotal, 0);
  const incompleteTotal = lines.filter((l) => l.evidenceMissing.length).reduce((s, l) => s + l.subtotal, 0);
  const tempTotal = tempTasks.reduce((s, t) => s + (t.points ?? 0), 0);
  return {
    month,
    sheet,
    lines,
    tempTasks,
    total: lineTotal + tempTotal,
    incompleteTotal,
    evidenceGaps: lines.filter((l) => l.evidenceMissing.length > 0).length,
    published,
  };
}

/**
 * The actor's own entry with its sheet row locked for the rest of the transaction. Someone else's entry
 * and a missing one look the same: entry.notFound. An active line of a published month is refused
 * (sheet.monthPublished); a deleted one is left to the caller (already deleted: nothing to change).
 */
async function ownEntry(
  tx: Tx,
  actor: Actor,
  entryId: string,
): Promise<{ entry: EntryWithLine; state: SheetState }> {
  const entry =
    typeof entryId === "string" && entryId
      ? await tx.entry.findUnique({ where: { id: entryId }, include: LINE_INCLUDE })
      : null;
  if (!entry || entry.personId !== actor.personId) throw new DomainError("entry.notFound", { entryId });
  if (entry.status === "ACTIVE") await requireMonthUnpublished(tx, entry.month);
  const state = await lockExistingSheet(tx, entry.sheetId);
  return { entry, state };
}

export interface LinePatch {
  count?: number;
  workDate?: string;
  note?: string | null;
}

/** Changes the count, date (within the same month) or note of the actor's own line in an open sheet. */
export async function updateLine(
  db: Db,
  deps: Deps,
  actor: Actor,
  entryId: string,
  patch: LinePatch,
): Promise<{ line: Line; changed: boolean; dayTotal: number; monthTotal: number }> {
  requireActive(actor);
  const todayDate = today(deps);
  if (patch.count !== undefined) checkCount(patch.count);
  const note = patch.note === undefined ? undefined : cleanNote(patch.note);
  if (patch.workDate !== undefined) checkWorkDate(patch.workDate, todayDate);
  return auditRefusals(db, actor, { action: "entry.update", entityType: "Entry", entityId: entryId }, () =>
    db.$transaction(async (tx) => {
      const { entry, state } = await ownEntry(tx, actor, entryId);
      if (entry.status === "DELETED") throw new DomainError("entry.deleted", { entryId });
      if (!isOpenState(state)) throw new DomainError("sheet.locked", { month: entry.month, state });
      if (patch.workDate !== undefined && monthOf(patch.workDate) !== entry.month) {
        throw new DomainError("entry.monthChange", { from: entry.month, to: monthOf(patch.workDate) });
      }
      const data: { count?: number; workDate?: string; note?: string | null } = {};
      if (patch.count !== undefined && patch.count !== entry.count) data.count = patch.count;
      if (patch.workDate !== undefined && patch.workDate !== entry.workDate) data.workDate = patch.workDate;
      if (note !== undefined && note !== entry.note) data.note = note;
      let current = entry;
      const changed = Object.keys(data).length > 0;
      if (changed) {
        current = await tx.entry.update({ where: { id: entry.id }, data, include: LINE_INCLUDE });
        const before: Record<string, unknown> = {};
        for (const k of Object.keys(data) as (keyof typeof data)[]) before[k] = entry[k];
        await audit(tx, {
          actor: actor.slackUserId,
          action: "entry.update",
          entityType: "Entry",
          entityId: entry.id,
          before,
          after: data,
        });
      }
      const t = await totals(tx, actor.personId, current.month, current.workDate);
      return { line: toLine(current, state), changed, dayTotal: t.dayTotal, monthTotal: t.monthTotal };
    }),
  );
}

/** Soft-deletes the actor's own line in an open sheet. Deleting it again answers alreadyDeleted: true. */
export async function deleteLine(
  db: Db,
  _deps: Deps,
  actor: Actor,
  entryId: string,
): Promise<{ removed: Line; alreadyDeleted: boolean; monthTotal: number }> {
  requireActive(actor);
  return auditRefusals(db, actor, { action: "entry.delete", entityType: "Entry", entityId: entryId }, () =>
    db.$transaction(async (tx) => {
      const { entry, state } = await ownEntry(tx, actor, entryId);
      if (entry.status === "DELETED") {
        const t = await totals(tx, actor.personId, entry.month);
        return { removed: toLine(entry, state), alreadyDeleted: true, monthTotal: t.monthTotal };
      }
      if (!isOpenState(state)) throw new DomainError("sheet.locked", { month: entry.month, state });
      const removed = await removeEntry(tx, actor, entry, "entry.delete");
      const t = await totals(tx, actor.personId, entry.month);
      return { removed: toLine(removed, state), alreadyDeleted: false, monthTotal: t.monthTotal };
    }),
  );
}

async function removeEntry(
  tx: Tx,
  actor: Actor,
  entry: EntryWithLine,
  action: string,
): Promise<EntryWithLine> {
  const removed = await tx.entry.update({
    where: { id: entry.id },
    data: { status: "DELETED" },
    include: LINE_INCLUDE,
  });
  await audit(tx, {
    actor: actor.slackUserId,
    action,
    entityType: "Entry",
    entityId: entry.id,
    before: { status: "ACTIVE", itemId: entry.itemId, workDate: entry.workDate, count: entry.count },
    after: { status: "DELETED" },
  });
  return removed;
}

export type UndoResult =
  | { removed: { kind: "entry"; line: Line }; monthTotal: number }
  | { removed: { kind: "temp"; task: TempTaskView }; monthTotal: number };

/**
 * Removes the actor's most recent active line or unpriced temporary task (imported lines excepted) in an
 * open or returned sheet. Not idempotent by nature: a retried undo removes the next one; buttons should
 * call deleteLine with the line's id instead. When that most recent one is in a published month, undo is
 * refused (sheet.monthPublished) rather than reaching past it to an older one.
 */
export async function undoLast(db: Db, _deps: Deps, actor: Actor): Promise<UndoResult> {
  requireActive(actor);
  return auditRefusals(db, actor, { action: "entry.undo", entityType: "Entry" }, () =>
    db.$transaction(async (tx) => {
      const openSheet = { state: { in: [...OPEN_STATES] } };
      const [entry, task] = await inOrder([
        tx.entry.findFirst({
          where: { personId: actor.personId, status: "ACTIVE", source: { not: "IMPORT" }, sheet: openSheet },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          include: LINE_INCLUDE,
        }),
        tx.tempTask.findFirst({
          where: { personId: actor.personId, status: "AWAITING_PRICING", sheet: openSheet },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        }),
      ]);
      if (!entry && !task) throw new DomainError("undo.nothing", {});
      if (entry && (!task || entry.createdAt >= task.createdAt)) {
        await requireMonthUnpublished(tx, entry.month);
        const state = await lockExistingSheet(tx, entry.sheetId);
        if (!isOpenState(state)) throw new DomainError("sheet.locked", { month: entry.month, state });
        const removed = await removeEntry(tx, actor, entry, "entry.undo");
        const t = await totals(tx, actor.personId, entry.month);
        return {
          removed: { kind: "entry" as const, line: toLine(removed, state) },
          monthTotal: t.monthTotal,
        };
      }
      const tt = task!;
      await requireMonthUnpublished(tx, tt.month);
      const state = await lockExistingSheet(tx, tt.sheetId);
      if (!isOpenState(state)) throw new DomainError("sheet.locked", { month: tt.month, state });
      const upd = await tx.tempTask.update({ where: { id: tt.id }, data: { status: "DELETED" } });
      await audit(tx, {
        actor: actor.slackUserId,
        action: "temp.undo",
        entityType: "TempTask",
        entityId: tt.id,
        before: { status: tt.status },
        after: { status: "DELETED" },
      });
      const t = await totals(tx, actor.personId, tt.month);
      return {
        removed: { kind: "temp" as const, task: (await tempViews(tx, [upd], state))[0]! },
        monthTotal: t.monthTotal,
      };
    }),
  );
}

/**
 * Attaches links and files to the actor's own line and ticks required documents. Already present
 * evidence is not added twice. With `replaceChecklist`, the ticks become exactly `checked` (unticking the
 * rest), for an edit modal that shows the whole checklist.
 */
export async function attachEvidence(
  db: Db,
  _deps: Deps,
  actor: Actor,
  entryId: string,
  evidence: EvidenceInput,
  opts: { replaceChecklist?: boolean } = {},
): Promise<{ entryId: string; evidenceMissing: CatalogEvidence[]; evidenceCount: number; added: number }> {
  requireActive(actor);
  const ev = cleanEvidence(evidence) ?? { links: [], files: [], checked: [] };
  return auditRefusals(db, actor, { action: "entry.evidence", entityType: "Entry", entityId: entryId }, () =>
    db.$transaction(async (tx) => {
      const { entry, state } = await ownEntry(tx, actor, entryId);
      if (entry.status === "DELETED") throw new DomainError("entry.deleted", { entryId });
      if (!isOpenState(state)) throw new DomainError("sheet.locked", { month: entry.month, state });
      const added = await addEvidence(tx, actor, entry.id, entry.item.evidence, ev, entry.evidence, opts);
      const attached = added
        ? await tx.entryEvidence.findMany({ where: { entryId: entry.id }, select: { itemEvidenceId: true } })
        : entry.evidence;
      return {
        entryId: entry.id,
        evidenceMissing: evidenceMissingOf(entry.item.evidence, attached, entry.source),
        evidenceCount: attached.length,
        added,
      };
    }),
  );
}
