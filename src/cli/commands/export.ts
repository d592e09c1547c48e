/**
 * `export results <YYYY-MM> --format csv|xlsx [--out file]`: one row per person, every component.
 * `export sheet <YYYY-MM> [--out file.xlsx]`: the score sheet laid out like the paper form.
 * `export quarter <YYYY-Qn> [--format xlsx|csv] [--out file]`: the quarterly summary for the bonus.
 * sheet and quarter use the same use-case as `/kpi export` (domain/export-files.ts), with every person.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { monthResults, writeResults } from "../../domain/export.js";
import { exportPeriod } from "../../domain/export-files.js";
import { parseQuarter } from "../../domain/quarter-results.js";
import { readSettings } from "../../domain/settings.js";
import { type Lang, normalizeLang } from "../../i18n/index.js";
import { type Command, EXIT, requireMonth, UsageError } from "../command.js";

export const exportCommand: Command = {
  name: "export",
  summary: "export a month's results (one row per person, every component) to CSV or XLSX",
  usage: [
    "export results <YYYY-MM> [--format csv|xlsx] [--out file]",
    "export sheet <YYYY-MM> [--out file.xlsx] [--lang zh-CN|en]",
    "export quarter <YYYY-Qn> [--format xlsx|csv] [--out file] [--lang zh-CN|en]",
  ],
  help: [
    "Writes one row per person with every component: ranks (overall, category, section), person, section,",
    "category, raw, group max, quantity, quality, veto, weights, discretionary, final.",
    "Uses the month's saved results when there are any; otherwise computes the month now from the",
    'database ("not published — computed preview"; status column "preview").',
    "",
    "--format  csv (UTF-8 with BOM, opens in Excel) or xlsx; default: from --out's extension, else csv",
    "--out     the file to write (default results-<YYYY-MM>.<format> in the current directory)",
    "",
    "sheet: the monthly score sheet (工作量化考核评分表) as XLSX, a summary worksheet and one per category,",
    "laid out like the paper form (items and counts, raw, quantity, quality, weighted, discretionary, final,",
    "ranks, signature lines). Default file score-sheet-<YYYY-MM>.xlsx (…-preview.xlsx before publishing).",
    "quarter: the three monthly finals of the published months, their sum and the rank (2026-Q4 or 2026Q4).",
    "Default file quarter-<YYYY-Qn>.<format>, format xlsx unless --format csv or --out ends in .csv.",
    "--lang    language of the sheet's headings (default: the language setting)",
  ].join("\n"),
  options: { format: { type: "string" }, out: { type: "string" }, lang: { type: "string" } },
  needs: "migrated",
  async run(ctx, args) {
    const [what, monthArg, ...rest] = args.positionals;
    if (what === "sheet" || what === "quarter") return exportForm(ctx, what, monthArg, rest, args.values);
    if (what !== "results")
      throw new UsageError(
        what
          ? `cannot export "${what}" (only: results, sheet, quarter)`
          : "export what? (results, sheet, quarter)",
        exportCommand,
      );
    const month = requireMonth(monthArg, "the month", exportCommand);
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, exportCommand);
    const outArg = args.values.out as string | undefined;
    const fromExt = outArg ? path.extname(outArg).slice(1).toLowerCase() : "";
    const format = (
      (args.values.format as string | undefined) ?? (fromExt === "xlsx" ? "xlsx" : "csv")
    ).toLowerCase();
    if (format !== "csv" && format !== "xlsx")
      throw new UsageError(`--format must be csv or xlsx, got "${format}"`, exportCommand);
    const file = path.resolve(ctx.cwd, outArg ?? `results-${month}.${format}`);

    const results = await monthResults(ctx.db, month);
    if (results.status === "preview") ctx.out.out(`${month}: not published — computed preview`);
    else ctx.out.out(`${month}: ${results.status} results`);
    await writeResults(results, format, file);
    ctx.out.out(`wrote ${results.rows.length} rows to ${file}`);
    return EXIT.ok;
  },
};

async function exportForm(
  ctx: Parameters<Command["run"]>[0],
  what: "sheet" | "quarter",
  periodArg: string | undefined,
  rest: string[],
  values: Record<string, string | boolean | undefined>,
): Promise<number> {
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, exportCommand);
  let period: string;
  if (what === "sheet") period = requireMonth(periodArg, "the month", exportCommand);
  else {
    const q = periodArg ? parseQuarter(periodArg) : null;
    if (!q)
      throw new UsageError(
        periodArg ? `the quarter must be YYYY-Qn, got "${periodArg}"` : "the quarter is required (YYYY-Qn)",
        exportCommand,
      );
    period = q;
  }
  const outArg = values.out as string | undefined;
  const fromExt = outArg ? path.extname(outArg).slice(1).toLowerCase() : "";
  const format = (
    (values.format as string | undefined) ?? (fromExt === "csv" ? "csv" : "xlsx")
  ).toLowerCase();
  if (format !== "xlsx" && (what === "sheet" || format !== "csv"))
    throw new UsageError(
      what === "sheet"
        ? `the score sheet is XLSX only, got "${format}"`
        : `--format must be xlsx or csv, got "${format}"`,
      exportCommand,
    );
  const settings = await readSettings(ctx.db.prisma);
  const langArg = values.lang as string | undefined;
  const lang: Lang | undefined = langArg
    ? normalizeLang(langArg)
    : (normalizeLang(settings.language) ?? "zh-CN");
  if (!lang) throw new UsageError(`--lang must be zh-CN or en, got "${langArg}"`, exportCommand);
  const result = await exportPeriod(
    ctx.db,
    { kind: "cli" },
    { period, lang, now: new Date(), timeZone: settings.timeZone, formats: [format as "xlsx" | "csv"] },
  );
  const file = result.files[0]!;
  const target = path.resolve(ctx.cwd, outArg ?? file.filename);
  await writeFile(target, file.bytes);
  if (result.status === "preview") ctx.out.out(`${period}: not published — computed preview`);
  else if (result.status === "saved") ctx.out.out(`${period}: saved, not published`);
  ctx.out.out(`wrote ${file.title} (${result.rows} people) to ${target}`);
  return EXIT.ok;
}
