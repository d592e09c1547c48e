/**
 * `jobs list|status|run`: the reminder jobs from the command line (same database, same rules, same
 * exactly-once bookkeeping as the bot's scheduler; a run sends through Slack with SLACK_BOT_TOKEN).
 */
import { WebClient } from "@slack/web-api";
import { pino } from "pino";
import { isDomainError } from "../../domain/errors.js";
import { readSettings } from "../../domain/settings.js";
import { translator } from "../../i18n/index.js";
import { JOB_NAMES } from "../../jobs/schedule.js";
import { createScheduler } from "../../jobs/scheduler.js";
import { jobsOverview, parseJobArgs, periodStatus } from "../../jobs/status.js";
import { jobTitle } from "../../slack/blocks/reminders.js";
import { localDateTime, todayIn } from "../../util/time.js";
import { CliError, type Command, EXIT, UsageError } from "../command.js";
import { renderTable } from "../output.js";

const en = translator("en");

function when(d: Date | null | undefined, tz: string): string {
  return d ? localDateTime(d, tz) : "-";
}

function domain<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isDomainError(e)) throw new CliError(en(`errors.${e.code}` as never, e.params));
    throw e;
  }
}

export const jobsCommand: Command = {
  name: "jobs",
  summary: "reminder jobs: list them, show their runs, run one now (or a dry run)",
  usage: [
    "jobs list",
    "jobs status [--period YYYY-MM]",
    "jobs run <job> [--period YYYY-MM|YYYY-MM-DD] [--dry-run] [--resend-unconfirmed]",
  ],
  help: [
    `Jobs: ${JOB_NAMES.join(", ")}.`,
    "",
    "list     each job, its next run (effective deadlines, configured zone) and its last run",
    "status   the runs (of a period, or the latest 20), the sends not delivered, holiday-data warnings",
    "run      runs a job for a period now: sends only what is missing (a rerun after a crash, or after",
    "         fixing a failed recipient, never sends a reminder twice). Default period: last month (the",
    "         daily nudge: today). Needs SLACK_BOT_TOKEN (and SLACK_API_URL for a fake Slack).",
    "         --dry-run lists who would be reminded and sends nothing.",
    "         --resend-unconfirmed also resends messages whose delivery a crashed run could not confirm.",
  ].join("\n"),
  options: {
    period: { type: "string" },
    "dry-run": { type: "boolean" },
    "resend-unconfirmed": { type: "boolean" },
  },
  needs: "migrated",
  async run(ctx, args) {
    const [sub, ...rest] = args.positionals;
    const p = ctx.db.prisma;
    const settings = await readSettings(p);
    const tz = settings.timeZone;
    const now = new Date();
    const warn = (years: number[]) => {
      if (years.length)
        ctx.out.err(
          `warning: no holiday data for ${years.join(", ")}: deadlines there move off weekends only. Add the holidays and swapped working days with \`npm run admin -- calendar import <file.csv>\`.`,
        );
    };
    if (sub === "list") {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, jobsCommand);
      const o = await jobsOverview(p, now);
      ctx.out.out(`Time zone ${o.timeZone}; today ${o.today}; holiday rule ${settings.holidayRule}.`);
      const rows = o.jobs.map((j) => [
        j.job,
        jobTitle(en, j.job),
        j.next ? `${j.next.date} ${j.next.time} (${j.next.period})` : "off",
        j.last ? `${j.last.period} ${j.last.status} sent ${j.last.sent} failed ${j.last.failed}` : "never",
      ]);
      for (const l of renderTable(["job", "what", "next run", "last run"], rows)) ctx.out.out(l);
      warn(o.missingHolidayYears);
      return EXIT.ok;
    }
    if (sub === "status") {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, jobsCommand);
      const period = args.values.period as string | undefined;
      const s = await periodStatus(p, period);
      if (s.runs.length === 0) ctx.out.out(period ? `No job has run for ${period}.` : "No job has run yet.");
      else {
        const rows = s.runs.map((r) => [
          r.job,
          r.period,
          r.status,
          String(r.sent),
          String(r.failed),
          String(r.skipped),
          String(r.attempts),
          r.trigger ?? "-",
          r.claimedBy ?? "-",
          when(r.startedAt, tz),
          when(r.finishedAt, tz),
          r.status === "RUNNING" ? when(r.leaseUntil, tz) : "-",
        ]);
        for (const l of renderTable(
          [
            "job",
            "period",
            "status",
            "sent",
            "failed",
            "unconfirmed",
            "attempts",
            "trigger",
            "by",
            "started",
            "finished",
            "lease until",
          ],
          rows,
          ["l", "l", "l", "r", "r", "r", "r"],
        ))
          ctx.out.out(l);
      }
      if (s.undelivered.length) {
        ctx.out.out();
        ctx.out.out("Not delivered:");
        for (const l of renderTable(
          ["job", "period", "recipient", "name", "status", "error"],
          s.undelivered.map((u) => [
            u.job,
            u.period,
            u.recipient,
            u.name,
            u.status === "PENDING" ? "UNCONFIRMED" : u.status,
            u.error ?? "",
          ]),
        ))
          ctx.out.out(l);
      }
      warn((await jobsOverview(p, now)).missingHolidayYears);
      return EXIT.ok;
    }
    if (sub === "run") {
      const [jobArg, ...extra] = rest;
      if (!jobArg) throw new UsageError("which job? (e.g. remind-submit)", jobsCommand);
      if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`, jobsCommand);
      const { job, period } = domain(() =>
        parseJobArgs(jobArg, args.values.period as string | undefined, todayIn(tz, now)),
      );
      const dryRun = args.values["dry-run"] === true;
      const token = ctx.env.SLACK_BOT_TOKEN;
      if (!dryRun && !token) throw new CliError("SLACK_BOT_TOKEN is required to send (or use --dry-run)");
      const client = new WebClient(token ?? "xoxb-dry-run", {
        ...(ctx.env.SLACK_API_URL ? { slackApiUrl: ctx.env.SLACK_API_URL } : {}),
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      });
      const scheduler = createScheduler({
        db: p,
        client,
        logger: pino({ level: ctx.env.LOG_LEVEL === "debug" ? "debug" : "silent" }),
        cron: false,
        catchUp: false,
      });
      const r = await scheduler.runJob(job, period, {
        trigger: "cli",
        rerun: true,
        dryRun,
        resendUnconfirmed: args.values["resend-unconfirmed"] === true,
      });
      await scheduler.stop();
      if (r.outcome === "dry-run") {
        const list = r.dryRun ?? [];
        if (list.length === 0) {
          ctx.out.out(`Dry run: ${job} for ${period} would remind nobody.`);
          return EXIT.ok;
        }
        ctx.out.out(`Dry run: ${job} for ${period} would remind ${list.length} people (nothing sent):`);
        for (const l of renderTable(
          ["slack id", "name", "already reminded"],
          list.map((x) => [
            x.slackUserId,
            x.nameEn ? `${x.name} ${x.nameEn}` : x.name,
            x.alreadySent ? "yes" : "no",
          ]),
        ))
          ctx.out.out(l);
        return EXIT.ok;
      }
      if (r.outcome === "busy")
        throw new CliError(`${job} ${period} is being sent by another process; try again in a minute`);
      ctx.out.out(
        `${job} ${period}: sent ${r.sent}, already sent before ${r.already}, failed ${r.failed.length}, unconfirmed ${r.unconfirmed.length}` +
          (r.rateLimited
            ? ` (rate-limited ${r.rateLimited}×, paused ${r.retryAfterSeconds.toFixed(0)} s)`
            : ""),
      );
      for (const f of r.failed) ctx.out.out(`  failed: ${f.slackUserId} ${f.name}: ${f.error}`);
      for (const u of r.unconfirmed) ctx.out.out(`  unconfirmed: ${u.slackUserId} ${u.name}`);
      return r.failed.length || r.outcome !== "done" ? EXIT.failed : EXIT.ok;
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : "list, status or run?", jobsCommand);
  },
};
