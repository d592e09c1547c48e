/** `audit [--person <slackId|name>] [--sheet <id>] [--limit N]`: the audit trail, newest first. */
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import { readSettings } from "../../domain/settings.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { CliError, type Command, EXIT, UsageError } from "../command.js";

const MAX_JSON = 300;

function compact(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > MAX_JSON ? `${s.slice(0, MAX_JSON)}…` : s;
}

export const auditCommand: Command = {
  name: "audit",
  summary: "print the audit trail (newest first), optionally for one person or sheet",
  usage: ["audit [--person <slackId|name>] [--sheet <id>] [--limit N]"],
  help: [
    "Prints audit rows, newest first, with time (in the configured time zone), actor, action, entity,",
    "outcome, reason and the before/after values.",
    "",
    "--person  rows by or on behalf of this person, or about the person, their sheets or their entries",
    "--sheet   rows about this sheet or its entries",
    "--limit   how many rows (default 50, at most 10000)",
  ].join("\n"),
  options: { person: { type: "string" }, sheet: { type: "string" }, limit: { type: "string" } },
  needs: "migrated",
  async run(ctx, args) {
    if (args.positionals.length)
      throw new UsageError(`unexpected argument "${args.positionals[0]}"`, auditCommand);
    const limitArg = (args.values.limit as string | undefined) ?? "50";
    if (!/^\d+$/.test(limitArg) || Number(limitArg) < 1 || Number(limitArg) > 10_000) {
      throw new UsageError(`--limit must be a whole number from 1 to 10000, got "${limitArg}"`, auditCommand);
    }
    const p = ctx.db.prisma;
    const where: Prisma.AuditLogWhereInput[] = [];
    const personArg = args.values.person as string | undefined;
    if (personArg !== undefined) {
      const people = await p.person.findMany({
        where: { OR: [{ slackUserId: personArg }, { name: personArg }] },
      });
      if (people.length === 0) throw new CliError(`unknown person "${personArg}"`);
      if (people.length > 1)
        throw new CliError(`"${personArg}" names ${people.length} people; use the Slack id`);
      const person = people[0]!;
      const sheets = await p.sheet.findMany({ where: { personId: person.id }, select: { id: true } });
      where.push({
        OR: [
          { actor: person.slackUserId },
          { onBehalfOf: person.slackUserId },
          { entityId: { in: [person.id, person.slackUserId, ...sheets.map((s) => s.id)] } },
          // rows about the person recorded elsewhere (quality adjustments, awards …) name them in `after`
          { after: { path: ["person"], equals: person.slackUserId } },
        ],
      });
    }
    const sheetArg = args.values.sheet as string | undefined;
    if (sheetArg !== undefined) {
      const sheet = await p.sheet.findUnique({ where: { id: sheetArg } });
      if (!sheet) throw new CliError(`unknown sheet "${sheetArg}"`);
      const entries = await p.entry.findMany({ where: { sheetId: sheet.id }, select: { id: true } });
      where.push({ entityId: { in: [sheet.id, ...entries.map((e) => e.id)] } });
    }
    const rows = await p.auditLog.findMany({
      where: where.length ? { AND: where } : {},
      orderBy: { id: "desc" },
      take: Number(limitArg),
    });
    const tz = (await readSettings(p)).timeZone;
    if (rows.length === 0) {
      ctx.out.out("no audit rows");
      return EXIT.ok;
    }
    for (const r of rows) {
      const at = format(new TZDate(r.at.getTime(), tz), "yyyy-MM-dd HH:mm:ss");
      const who = r.onBehalfOf ? `${r.actor} (for ${r.onBehalfOf})` : r.actor;
      const entity = r.entityId ? `${r.entityType} ${r.entityId}` : r.entityType;
      ctx.out.out(
        `#${r.id} ${at}  ${who}  ${r.action}  ${entity}${r.outcome === "OK" ? "" : `  ${r.outcome}`}`,
      );
      if (r.reason) ctx.out.out(`    reason: ${r.reason}`);
      if (r.before !== null) ctx.out.out(`    before: ${compact(r.before)}`);
      if (r.after !== null) ctx.out.out(`    after:  ${compact(r.after)}`);
    }
    ctx.out.out(`(${rows.length} row${rows.length === 1 ? "" : "s"}, newest first; times in ${tz})`);
    return EXIT.ok;
  },
};
