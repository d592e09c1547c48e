/**
 * `calendar list|set|import`: the admin's holidays and swapped working days (CalendarDay), for years the
 * holiday package does not know yet (or local exceptions). Deadlines and the daily nudge follow them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { type DayKind, loadCalendar, PACKAGE_YEARS, setCalendarDays } from "../../domain/calendar.js";
import { isDate } from "../../util/time.js";
import { CliError, type Command, EXIT, UsageError } from "../command.js";
import { renderTable } from "../output.js";

const KINDS: Record<string, DayKind | null> = {
  holiday: "HOLIDAY",
  假日: "HOLIDAY",
  休: "HOLIDAY",
  workday: "WORKDAY",
  班: "WORKDAY",
  调休: "WORKDAY",
  clear: null,
};

function kindOf(s: string): DayKind | null | undefined {
  const k = s.trim().toLowerCase();
  return Object.hasOwn(KINDS, k) ? KINDS[k] : undefined;
}

export const calendarCommand: Command = {
  name: "calendar",
  summary: "holidays and swapped working days added by an admin (years without holiday data)",
  usage: [
    "calendar list [--year YYYY]",
    "calendar set <YYYY-MM-DD> holiday|workday|clear [--name <text>]",
    "calendar import <file.csv>",
  ],
  help: [
    "Deadlines move off weekends and public holidays when the holidayRule setting is next-working-day.",
    `The built-in data (chinese-days) covers ${Math.min(...PACKAGE_YEARS)}–${Math.max(...PACKAGE_YEARS)}; for a later year`,
    "only weekends are known until the holidays and swapped working days are added here.",
    "",
    "import: CSV with columns date,kind[,name]; kind holiday | workday | clear (also 休 / 班).",
    "Every line is checked first; a bad file is refused whole.",
  ].join("\n"),
  options: { year: { type: "string" }, name: { type: "string" } },
  needs: "migrated",
  async run(ctx, args) {
    const [sub, ...rest] = args.positionals;
    const p = ctx.db.prisma;
    if (sub === "list") {
      const cal = await loadCalendar(p, { fresh: true });
      const year = args.values.year as string | undefined;
      if (year !== undefined && !/^\d{4}$/.test(year))
        throw new UsageError(`--year must be YYYY, got "${year}"`, calendarCommand);
      const rows = cal
        .overridesList()
        .filter((o) => !year || o.date.startsWith(year))
        .map((o) => [o.date, o.kind, o.name ?? ""]);
      if (rows.length === 0) ctx.out.out("No admin entries.");
      else for (const l of renderTable(["date", "kind", "name"], rows)) ctx.out.out(l);
      const now = new Date().getUTCFullYear();
      const missing = cal.missingYears(now, now + 1);
      if (missing.length) ctx.out.err(`warning: no holiday data for ${missing.join(", ")} (weekends only)`);
      return EXIT.ok;
    }
    if (sub === "set") {
      const [date, kindArg, ...extra] = rest;
      if (!date || !kindArg) throw new UsageError("give a date and holiday|workday|clear", calendarCommand);
      if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`, calendarCommand);
      if (!isDate(date)) throw new UsageError(`"${date}" is not a date (YYYY-MM-DD)`, calendarCommand);
      const kind = kindOf(kindArg);
      if (kind === undefined)
        throw new UsageError(`"${kindArg}" is not holiday, workday or clear`, calendarCommand);
      const n = await setCalendarDays(p, "cli", [
        { date, kind, name: (args.values.name as string | undefined) ?? null },
      ]);
      ctx.out.out(n ? `${date}: ${kind ?? "cleared"}` : `${date}: unchanged`);
      return EXIT.ok;
    }
    if (sub === "import") {
      const [file, ...extra] = rest;
      if (!file) throw new UsageError("which file?", calendarCommand);
      if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`, calendarCommand);
      let text: string;
      try {
        text = readFileSync(path.resolve(ctx.cwd, file), "utf8").replace(/^\uFEFF/, "");
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      const records = parse(text, {
        columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
        skip_empty_lines: true,
        trim: true,
        relax_column_count: true,
      }) as Record<string, string>[];
      const problems: string[] = [];
      const days: { date: string; kind: DayKind | null; name: string | null }[] = [];
      const seen = new Set<string>();
      records.forEach((r, i) => {
        const line = i + 2;
        const date = r.date ?? r["日期"] ?? "";
        const kind = kindOf(r.kind ?? r["类型"] ?? "");
        if (!isDate(date)) problems.push(`line ${line}, date: is not a date (YYYY-MM-DD), got "${date}"`);
        if (kind === undefined)
          problems.push(`line ${line}, kind: expected holiday, workday or clear, got "${r.kind ?? ""}"`);
        if (seen.has(date)) problems.push(`line ${line}, date: ${date} is listed twice`);
        seen.add(date);
        if (isDate(date) && kind !== undefined)
          days.push({ date, kind, name: (r.name ?? r["名称"] ?? "") || null });
      });
      if (records.length === 0) problems.push("the file has no lines");
      if (problems.length) {
        ctx.out.err(`${path.basename(file)}: refused, ${problems.length} problems; nothing was imported:`);
        for (const pr of problems) ctx.out.err(`  ${pr}`);
        return EXIT.failed;
      }
      const n = await setCalendarDays(p, "cli", days);
      ctx.out.out(`${path.basename(file)}: ${days.length} days, ${n} changed.`);
      return EXIT.ok;
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : "list, set or import?", calendarCommand);
  },
};
