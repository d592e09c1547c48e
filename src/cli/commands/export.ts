/** `export results <YYYY-MM> --format csv|xlsx [--out file]`. */
import path from "node:path";
import { monthResults, writeResults } from "../../domain/export.js";
import { type Command, EXIT, requireMonth, UsageError } from "../command.js";

export const exportCommand: Command = {
  name: "export",
  summary: "export a month's results (one row per person, every component) to CSV or XLSX",
  usage: ["export results <YYYY-MM> [--format csv|xlsx] [--out file]"],
  help: [
    "Writes one row per person with every component: ranks (overall, category, section), person, section,",
    "category, raw, group max, quantity, quality, veto, weights, discretionary, final.",
    "Uses the month's saved results when there are any; otherwise computes the month now from the",
    'database ("not published — computed preview"; status column "preview").',
    "",
    "--format  csv (UTF-8 with BOM, opens in Excel) or xlsx; default: from --out's extension, else csv",
    "--out     the file to write (default results-<YYYY-MM>.<format> in the current directory)",
  ].join("\n"),
  options: { format: { type: "string" }, out: { type: "string" } },
  needs: "migrated",
  async run(ctx, args) {
    const [what, monthArg, ...rest] = args.positionals;
    if (what !== "results")
      throw new UsageError(
        what ? `cannot export "${what}" (only: results)` : "export what? (results)",
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
