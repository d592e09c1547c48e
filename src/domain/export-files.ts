/**
 * One use-case for every export (issue 6 item 7), used by `/kpi export` in Slack and by the admin CLI:
 * a month gives the score sheet (XLSX laid out like the paper form, see score-sheet.ts) and the
 * results (CSV, one row per person with every component, see export.ts); a quarter gives the
 * quarterly summary for the bonus calculation (XLSX and CSV, see quarter-results.ts).
 *
 * Who gets what (README "Exports"):
 * - the admin CLI, the assessment group and the branch chief: everyone;
 * - a section chief: the people of the sections they lead (and their own line);
 * - a staff member: their own line only;
 * - anyone else (no such role): refused.
 * A month not yet published exists only as a preview computed now (or saved, unpublished results): only
 * the CLI and the assessment group may export it, and its file names and titles say "preview".
 * Quarters use published months only. Every export and every refusal is audited.
 *
 * Codes: export.badPeriod { value }, export.noMonth, export.notPublished { month },
 * export.noPublishedMonth { quarter }, export.forbidden, export.nothingForYou { period }.
 */

import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import type { Database, Db, Tx } from "../db/client.js";
import { MonthState, Role } from "../generated/prisma/enums.js";
import { type Lang, translator } from "../i18n/index.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";
import { monthResults, type ResultRow, resultsToCsv } from "./export.js";
import type { Actor } from "./people.js";
import { parsePeriod, quarterResults, quarterToCsv, quarterToXlsx } from "./quarter-results.js";
import { scoreSheetData, scoreSheetToXlsx } from "./score-sheet.js";

export type Requester = { kind: "cli" } | { kind: "person"; actor: Actor };

export type ExportScope = "all" | "sections" | "own";

export interface ExportFile {
  filename: string;
  title: string;
  mimetype: string;
  bytes: Uint8Array;
}

export interface ExportResult {
  kind: "month" | "quarter";
  /** "2026-10" or "2026-Q4" */
  period: string;
  /** month: published | saved | preview; quarter: always published months */
  status: "published" | "saved" | "preview";
  scope: ExportScope;
  rows: number;
  files: ExportFile[];
}

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV = "text/csv";

const clientOf = (db: Db | Tx | Database): Db | Tx =>
  "prisma" in db && "sql" in db ? db.prisma : (db as Db | Tx);

/** What a requester may see; null = nothing (refused). */
export function exportScope(requester: Requester): { scope: ExportScope; preview: boolean } | null {
  if (requester.kind === "cli") return { scope: "all", preview: true };
  const a = requester.actor;
  if (a.roles.has(Role.ASSESSMENT_GROUP)) return { scope: "all", preview: true };
  if (a.roles.has(Role.BRANCH_CHIEF)) return { scope: "all", preview: false };
  if (a.chiefOf.length > 0) return { scope: "sections", preview: false };
  if (a.roles.has(Role.STAFF)) return { scope: "own", preview: false };
  return null;
}

function rowFilter(
  requester: Requester,
  scope: ExportScope,
): (r: { personId: string; sectionId: string | null }) => boolean {
  if (scope === "all" || requester.kind === "cli") return () => true;
  const a = requester.actor;
  if (scope === "sections")
    return (r) => r.personId === a.personId || (r.sectionId !== null && a.chiefOf.includes(r.sectionId));
  return (r) => r.personId === a.personId;
}

export interface ExportInput {
  /** "2026-10", "2026Q4", "2026-Q4"; empty: the latest published month */
  period?: string;
  lang: Lang;
  now: Date;
  timeZone: string;
  /** which files (default both) */
  formats?: ("xlsx" | "csv")[];
}

export async function exportPeriod(
  db: Db | Database,
  requester: Requester,
  input: ExportInput,
): Promise<ExportResult> {
  const p = clientOf(db) as Db;
  const actorId = requester.kind === "cli" ? "cli" : requester.actor.slackUserId;
  const refuse = async (code: string, params: Record<string, unknown>, entityId: string | null) => {
    await audit(p, {
      actor: actorId,
      action: "export.results",
      entityType: "Export",
      entityId,
      outcome: "REFUSED",
      reason: code,
      after: params,
    });
    return new DomainError(code, params);
  };

  const allowed = exportScope(requester);
  if (!allowed) throw await refuse("export.forbidden", {}, input.period ?? null);

  let periodText = (input.period ?? "").trim();
  if (!periodText) {
    const latest = await p.monthClose.findFirst({
      where: { state: MonthState.PUBLISHED },
      orderBy: { month: "desc" },
    });
    if (!latest) throw await refuse("export.noMonth", {}, null);
    periodText = latest.month;
  }
  const period = parsePeriod(periodText);
  if (!period) throw new DomainError("export.badPeriod", { value: periodText });

  const t = translator(input.lang);
  const generatedAt = format(new TZDate(input.now.getTime(), input.timeZone), "yyyy-MM-dd HH:mm");
  const formats = input.formats ?? ["xlsx", "csv"];
  const filter = rowFilter(requester, allowed.scope);
  const files: ExportFile[] = [];

  if (period.kind === "month") {
    const month = period.month;
    const all = await monthResults(p, month);
    if (all.status !== "published" && !allowed.preview)
      throw await refuse("export.notPublished", { month }, month);
    const rows = all.rows.filter(filter);
    if (rows.length === 0 && allowed.scope !== "all")
      throw await refuse("export.nothingForYou", { period: month }, month);
    const results = { ...all, rows };
    const suffix = all.status === "published" ? "" : `-${all.status}`;
    const status =
      all.status === "published"
        ? ""
        : ` (${t(all.status === "saved" ? "exports.statusSaved" : "exports.statusPreview")})`;
    if (formats.includes("xlsx")) {
      const data = await scoreSheetData(p, month, { results, lang: input.lang });
      files.push({
        filename: `score-sheet-${month}${suffix}.xlsx`,
        title: `${t("exports.sheet.title")} ${month}${status}`,
        mimetype: XLSX,
        bytes: await scoreSheetToXlsx(data, t, input.lang, generatedAt),
      });
    }
    if (formats.includes("csv"))
      files.push({
        filename: `results-${month}${suffix}.csv`,
        title: `results ${month}${status}`,
        mimetype: CSV,
        bytes: Buffer.from(resultsToCsv(results), "utf8"),
      });
    await audit(p, {
      actor: actorId,
      action: "export.results",
      entityType: "Export",
      entityId: month,
      after: {
        status: all.status,
        scope: allowed.scope,
        rows: rows.length,
        files: files.map((f) => f.filename),
      },
    });
    return {
      kind: "month",
      period: month,
      status: all.status,
      scope: allowed.scope,
      rows: rows.length,
      files,
    };
  }

  const all = await quarterResults(p, period.quarter);
  if (all.published.length === 0)
    throw await refuse("export.noPublishedMonth", { quarter: all.quarter }, all.quarter);
  const rows = all.rows.filter(filter);
  if (rows.length === 0 && allowed.scope !== "all")
    throw await refuse("export.nothingForYou", { period: all.quarter }, all.quarter);
  const q = { ...all, rows };
  if (formats.includes("xlsx"))
    files.push({
      filename: `quarter-${q.quarter}.xlsx`,
      title: t("exports.quarter.title", { quarter: q.quarter }),
      mimetype: XLSX,
      bytes: await quarterToXlsx(q, t, generatedAt),
    });
  if (formats.includes("csv"))
    files.push({
      filename: `quarter-${q.quarter}.csv`,
      title: `quarter ${q.quarter}`,
      mimetype: CSV,
      bytes: Buffer.from(quarterToCsv(q), "utf8"),
    });
  await audit(p, {
    actor: actorId,
    action: "export.results",
    entityType: "Export",
    entityId: q.quarter,
    after: {
      status: "published",
      months: q.published,
      scope: allowed.scope,
      rows: rows.length,
      files: files.map((f) => f.filename),
    },
  });
  return {
    kind: "quarter",
    period: q.quarter,
    status: "published",
    scope: allowed.scope,
    rows: rows.length,
    files,
  };
}

export type { ResultRow };
