/** `import catalog|people|sections|entries <file>`: validated whole, written in one transaction. */
import path from "node:path";
import { audit } from "../../domain/audit.js";
import {
  importAwards,
  importCatalog,
  importEntries,
  importPeople,
  importQualityAdjustments,
  importSections,
  isImportRefused,
  type RawTable,
  readTableFile,
} from "../../domain/import/index.js";
import { readSettings } from "../../domain/settings.js";
import { formatHundredths } from "../../scoring/index.js";
import { currentMonth } from "../../util/time.js";
import { CliError, type Command, type CommandContext, EXIT, requireMonth, UsageError } from "../command.js";

const KINDS = ["catalog", "people", "sections", "entries", "quality", "awards"] as const;
type Kind = (typeof KINDS)[number];

export const importCommand: Command = {
  name: "import",
  summary: "import a catalog, sections, people, approved lines, quality adjustments or awards (CSV/XLSX)",
  usage: [
    "import catalog <file.csv|file.xlsx> [--effective YYYY-MM]",
    "import sections <file.csv>",
    "import people <file.csv>",
    "import entries <file.csv> --month YYYY-MM",
    "import quality <file.csv>",
    "import awards <file.csv>",
  ],
  help: [
    "Imports a file (CSV in UTF-8, with or without BOM; or the first sheet of an .xlsx). The whole file is",
    "checked first: if anything is wrong it is refused whole, with every problem listed by line, and",
    "nothing is written. Otherwise it is written in one transaction. Formats: README.md, Import formats;",
    "examples: prisma/seed/*.sample.csv, examples/entries.bad.csv.",
    "",
    "catalog   upserts items by code. A changed point value creates a new point version effective from",
    '          --effective (default: the current month), reason "import".',
    "sections  upserts sections by code.",
    "people    upserts people by Slack id (roles, section, category, locale). Import sections first.",
    "entries   adds lines of --month as APPROVED lines (source IMPORT), priced by the point version in",
    "          force; creates each person's sheet in state APPROVED. Lines already imported are skipped.",
    "quality   adds quality adjustments (signed points, or veto) of people and months named in the file",
    "          (e.g. the paper records of a month kept before the bot). Rows already recorded are skipped.",
    "awards    adds discretionary awards; refused if a month's pool (poolPerStaff × staff) would be overspent.",
    "",
    'Every change is audited with actor "cli".',
  ].join("\n"),
  options: { month: { type: "string" }, effective: { type: "string" } },
  needs: "migrated",
  async run(ctx, args) {
    const [kind, file, ...rest] = args.positionals;
    if (!kind || !(KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(
        kind ? `unknown import "${kind}" (${KINDS.join(", ")})` : "what to import?",
        importCommand,
      );
    }
    if (!file) throw new UsageError(`import ${kind}: the file is missing`, importCommand);
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, importCommand);
    const k = kind as Kind;
    if (args.values.month !== undefined && k !== "entries")
      throw new UsageError("--month is for import entries", importCommand);
    if (args.values.effective !== undefined && k !== "catalog")
      throw new UsageError("--effective is for import catalog", importCommand);
    const month =
      k === "entries"
        ? requireMonth(args.values.month as string | undefined, "--month", importCommand)
        : undefined;
    const effective =
      k === "catalog" && args.values.effective !== undefined
        ? requireMonth(args.values.effective as string, "--effective", importCommand)
        : undefined;

    let table: RawTable;
    try {
      table = await readTableFile(path.resolve(ctx.cwd, file));
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    try {
      await runImport(ctx, k, table, { month, effective });
    } catch (e) {
      // The refusal is kept in the audit trail (outside the import's rolled-back transaction).
      if (isImportRefused(e)) {
        await audit(ctx.db.prisma, {
          actor: "cli",
          action: `import.${k}`,
          entityType: "Import",
          outcome: "REFUSED",
          reason: e.message,
          after: { source: e.source, problems: e.describe().slice(0, 50) },
        });
      }
      throw e;
    }
    return EXIT.ok;
  },
};

async function runImport(
  ctx: CommandContext,
  k: Kind,
  table: RawTable,
  { month, effective }: { month?: string; effective?: string },
): Promise<void> {
  const { out } = ctx;
  switch (k) {
    case "catalog": {
      const eff = effective ?? currentMonth((await readSettings(ctx.db.prisma)).timeZone);
      const s = await importCatalog(ctx.db, table, { actor: "cli", effectiveMonth: eff });
      out.out(
        `${s.source}: ${s.rows} items — ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged; ` +
          `${s.versionsCreated} new point versions (effective ${eff})`,
      );
      for (const d of s.details) out.out(`  ${d}`);
      break;
    }
    case "sections":
    case "people": {
      const s = k === "sections" ? await importSections(ctx.db, table) : await importPeople(ctx.db, table);
      out.out(
        `${s.source}: ${s.rows} ${k} — ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged`,
      );
      break;
    }
    case "quality":
    case "awards": {
      const s =
        k === "quality"
          ? await importQualityAdjustments(ctx.db, table, { actor: "cli" })
          : await importAwards(ctx.db, table, { actor: "cli" });
      out.out(
        `${s.source}: ${s.rows} ${k === "quality" ? "adjustments" : "awards"} — ${s.added} added, ${s.alreadyPresent} already recorded`,
      );
      break;
    }
    case "entries": {
      const s = await importEntries(ctx.db, table, { month: month!, actor: "cli" });
      out.out(
        `${s.source}: ${s.rows} lines for ${s.month} — ${s.added} added (${formatHundredths(s.pointsAdded)} points) ` +
          `for ${s.people} people, ${s.alreadyPresent} already imported; ${s.sheetsCreated} approved sheets created`,
      );
      break;
    }
  }
}
