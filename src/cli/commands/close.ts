/**
 * `close <YYYY-MM> --dry-run`: computes the month with the scoring module from the database and prints
 * a table a reader can check by hand against SCHEME.md "Scoring: the formula" — per category, then
 * overall — with the pool and what blocks closing. Persists nothing. Publishing is done in Slack.
 */

import { publishMonth } from "../../domain/close.js";
import { DomainError } from "../../domain/errors.js";
import {
  type LoadedMonth,
  loadMonthInput,
  type MonthBlockers,
  noBlockers,
} from "../../domain/month-input.js";
import { computeMonth, formatHundredths, type MonthResult, type PersonResult } from "../../scoring/index.js";
import { CliError, type Command, EXIT, requireMonth, UsageError } from "../command.js";
import type { Output } from "../output.js";
import { renderTable } from "../output.js";

const VETO = "✗";

function personLabel(m: LoadedMonth, p: PersonResult): string {
  const info = m.people.get(p.personId)!;
  return info.nameEn ? `${info.name} ${info.nameEn}` : info.name;
}

const rankText = (r: number | null) => (r === null ? "-" : String(r));

export function printDryRun(out: Output, m: LoadedMonth, r: MonthResult): void {
  out.out(`Month ${r.month} — dry run: computed from the database now; nothing is saved.`);
  out.out("final = quality × quality weight + quantity × quantity weight + discretionary;");
  out.out("quantity = 100 × raw ÷ group max; quality = 100 + adjustments (≥ 0), ✗ = veto (一票否决) → 0.");
  out.out(
    "Every step is exact; only the final is rounded (2 decimals, half up). Points shown to 2 decimals.",
  );

  const byCat = new Map<string, PersonResult[]>();
  for (const p of r.people) byCat.set(p.categoryCode, [...(byCat.get(p.categoryCode) ?? []), p]);
  const cats = [...m.categories.values()].sort(
    (a, b) => a.sortOrder - b.sortOrder || (a.code < b.code ? -1 : 1),
  );
  for (const c of cats) {
    const people = (byCat.get(c.code) ?? []).sort((a, b) => a.rankCategory - b.rankCategory);
    if (people.length === 0 || !c.weights) continue;
    const w = c.weights;
    const group = r.groups.find((g) => g.normGroup === w.normGroup);
    out.out();
    out.out(
      `${c.code} ${c.name} ${c.nameEn} — weights quality ${w.qualityWeight} / quantity ${w.quantityWeight}` +
        ` (from ${w.effectiveMonth}), normalised within ${w.normGroup}` +
        (group && group.categories.length > 1 ? ` (${group.categories.join(" + ")})` : "") +
        `, group max ${formatHundredths(group?.max ?? 0n)}`,
    );
    const rows = people.map((p) => [
      personLabel(m, p),
      m.people.get(p.personId)?.sectionCode ?? "-",
      p.display.raw,
      formatHundredths(p.groupMax),
      p.display.quantity,
      p.vetoed ? `${p.display.quality} ${VETO}` : p.display.quality,
      `${p.qualityWeight}/${p.quantityWeight}`,
      p.qualityWeighted.toFixed2(),
      p.quantityWeighted.toFixed2(),
      p.display.discretionary,
      p.display.final,
      String(p.rankOverall),
      String(p.rankCategory),
      rankText(p.rankSection),
    ]);
    const header = [
      "person",
      "section",
      "raw",
      "group max",
      "quantity",
      "quality",
      "weights q/n",
      "quality×w",
      "quantity×w",
      "discretionary",
      "final",
      "rank",
      "in cat.",
      "in sect.",
    ];
    const align: ("l" | "r")[] = ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"];
    for (const l of renderTable(header, rows, align)) out.out(`  ${l}`);
    for (const p of people) {
      if (p.unpricedTempCount > 0)
        out.out(
          `  note: ${personLabel(m, p)} has ${p.unpricedTempCount} temporary task(s) awaiting pricing, counted 0`,
        );
      if (p.tempRaw > 0n)
        out.out(
          `  note: ${personLabel(m, p)}'s raw includes ${formatHundredths(p.tempRaw)} of priced temporary tasks`,
        );
    }
  }

  out.out();
  out.out(`Overall ranking, ${r.month}`);
  const overall = r.people.map((p) => [
    String(p.rankOverall),
    personLabel(m, p),
    p.categoryCode,
    m.people.get(p.personId)?.sectionCode ?? "-",
    p.display.final,
  ]);
  for (const l of renderTable(["rank", "person", "category", "section", "final"], overall, [
    "r",
    "l",
    "l",
    "l",
    "r",
  ]))
    out.out(`  ${l}`);
  out.out();
  out.out(
    `Pool: size ${formatHundredths(r.pool.size)} (${r.pool.staffAssessed} staff × ${formatHundredths(r.pool.poolPerStaff)}), ` +
      `spent ${formatHundredths(r.pool.spent)}, left ${formatHundredths(r.pool.left)}`,
  );
  out.out(`Staff assessed: ${r.totals.staff}; spread (top − bottom final): ${r.totals.spread}`);
  if (m.evidenceIncomplete.length) {
    out.out();
    out.out("Approved lines not counted because required documents are missing (SCHEME.md, Evidence):");
    for (const e of m.evidenceIncomplete) {
      const who = m.people.get(e.personId);
      out.out(
        `  ${who?.name ?? e.personId}: ${e.itemCode} ${e.itemName} × ${e.lines} line(s), ${formatHundredths(e.points)} pts`,
      );
    }
  }
  printBlockers(out, m.blockers);
}

export function printBlockers(out: Output, b: MonthBlockers): void {
  out.out();
  if (noBlockers(b)) {
    out.out("Blockers: none — every sheet approved, every temporary task priced, everyone quality-reviewed.");
    return;
  }
  out.out("Blockers (the month cannot be closed yet):");
  if (b.sheetsNotApproved.length) {
    const byState = new Map<string, number>();
    for (const s of b.sheetsNotApproved) byState.set(s.state, (byState.get(s.state) ?? 0) + 1);
    out.out(
      `  sheets not approved: ${b.sheetsNotApproved.length} (${[...byState].map(([s, n]) => `${s === "NONE" ? "no sheet" : s} ${n}`).join(", ")})`,
    );
    for (const s of b.sheetsNotApproved)
      out.out(`    ${s.name} (${s.slackUserId}): ${s.state === "NONE" ? "no sheet" : s.state}`);
  }
  if (b.unpricedTempTasks.length) {
    out.out(`  temporary tasks awaiting pricing: ${b.unpricedTempTasks.length}`);
    for (const t of b.unpricedTempTasks) {
      out.out(`    ${t.name} (${t.slackUserId}) ${t.workDate}, ${t.minutes} min: ${t.description}`);
    }
  }
  if (b.staffWithoutQualityReview.length) {
    out.out(`  staff not yet quality-reviewed: ${b.staffWithoutQualityReview.length}`);
    out.out(`    ${b.staffWithoutQualityReview.map((s) => `${s.name} (${s.slackUserId})`).join(", ")}`);
  }
  if (b.staffWithoutCategory.length) {
    out.out(
      `  staff without a work category (left out): ${b.staffWithoutCategory.map((s) => `${s.name} (${s.slackUserId})`).join(", ")}`,
    );
  }
  if (b.staffWithoutWeights.length) {
    out.out(
      `  staff whose category has no weights in force (left out): ${b.staffWithoutWeights.map((s) => `${s.name} (${s.categoryCode})`).join(", ")}`,
    );
  }
}

export const closeCommand: Command = {
  name: "close",
  summary: "compute a month and print the result table (--dry-run), or publish it",
  usage: ["close <YYYY-MM> --dry-run", "close <YYYY-MM> [--exceptions <reason>]"],
  help: [
    "Computes the month from the database with the scoring module and prints, per category then overall:",
    "person, section, raw, group max, quantity, quality (✗ = veto), weights, weighted parts, discretionary,",
    "final and ranks (overall, in category, in section); then the discretionary pool (size/spent/left) and",
    "what blocks closing (sheets not approved, temporary tasks awaiting pricing, staff not quality-reviewed).",
    "With --dry-run nothing is saved.",
    "Without --dry-run the month is published, as `/kpi close` → Publish does (the same use-case): every",
    "result saved, the approved sheets locked, the month marked published, in one transaction. Blockers",
    "refuse it unless --exceptions gives the reason to close anyway (each blocker is recorded by name).",
    "Publishing a published month changes nothing. The announcement (channel post, chart, DMs) is made",
    "by the bot: `/kpi close <month>` in Slack then shows Post the announcement.",
  ].join("\n"),
  options: { "dry-run": { type: "boolean" }, exceptions: { type: "string" } },
  needs: "migrated",
  async run(ctx, args) {
    const [monthArg, ...rest] = args.positionals;
    const month = requireMonth(monthArg, "the month", closeCommand);
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, closeCommand);
    if (!args.values["dry-run"]) {
      const reason = typeof args.values.exceptions === "string" ? args.values.exceptions : undefined;
      try {
        const out = await publishMonth(ctx.db.prisma, { clock: () => new Date() }, "cli", month, {
          ...(reason ? { exceptionReason: reason } : {}),
        });
        if (out.alreadyPublished) {
          ctx.out.out(`${month} was already published (${out.staff} results): nothing changed.`);
          return EXIT.ok;
        }
        ctx.out.out(`${month} published: ${out.staff} results saved, ${out.lockedSheets} sheets locked.`);
        if (out.exceptions) {
          ctx.out.out(
            `Exceptions recorded (${out.exceptions.items.length}), reason: ${out.exceptions.reason}`,
          );
          for (const e of out.exceptions.items)
            ctx.out.out(`  ${e.name} (${e.slackUserId}): ${e.kind} ${e.detail}`);
        }
        ctx.out.out(`Announce it from Slack: /kpi close ${month} → Post the announcement.`);
        return EXIT.ok;
      } catch (e) {
        if (e instanceof DomainError && e.code === "close.blocked") {
          const loaded = await loadMonthInput(ctx.db, month, { lines: "summed" });
          printBlockers(ctx.out, loaded.blockers);
          throw new CliError(
            `close ${month}: refused, ${String(e.params.count)} blockers; fix them or give --exceptions "<reason>"`,
          );
        }
        if (e instanceof DomainError)
          throw new CliError(`close ${month}: refused (${e.code} ${JSON.stringify(e.params)})`);
        throw e;
      }
    }
    const loaded = await loadMonthInput(ctx.db, month, { lines: "summed" });
    const result = computeMonth(loaded.input);
    printDryRun(ctx.out, loaded, result);
    return EXIT.ok;
  },
};
