/**
 * `/kpi jobs`: the reminder jobs for the assessment group and admins: what runs when and how the last
 * run went; `/kpi jobs dry <job> [period]` lists who would be reminded; `/kpi jobs run <job> [period]`
 * sends now (only what is missing: never a second reminder to someone already reminded).
 */
import { DomainError } from "../../../../domain/errors.js";
import { JOB_NAMES } from "../../../../jobs/schedule.js";
import { jobsOverview, parseJobArgs, requireJobsRole } from "../../../../jobs/status.js";
import { simpleMessage } from "../../../blocks/log-reply.js";
import { dryRunMessage, jobRanMessage, jobsOverviewMessage } from "../../../blocks/reminders.js";
import { today } from "../../../context.js";
import type { KpiSubcommand, KpiTable } from "./types.js";

const DRY = new Set(["dry", "dry-run", "preview", "预览"]);
const RUN = new Set(["run", "send", "now", "发送"]);

const jobs: KpiSubcommand = async ({ ctx, user, actor, lang, t, words, send }) => {
  requireJobsRole(actor);
  const [verb, jobArg, periodArg] = words;
  if (!verb || verb === "list" || verb === "status") {
    const o = await jobsOverview(ctx.db, ctx.clock());
    await send(
      jobsOverviewMessage(t, {
        jobs: o.jobs.map((j) => ({
          job: j.job,
          next: j.next ? { date: j.next.date, time: j.next.time, period: j.next.period } : null,
          last: j.last
            ? { period: j.last.period, status: j.last.status, sent: j.last.sent, failed: j.last.failed }
            : null,
        })),
        missingHolidayYears: o.missingHolidayYears,
      }),
    );
    return;
  }
  if (!DRY.has(verb) && !RUN.has(verb)) {
    await send(simpleMessage(t("jobs.usage", { jobs: JOB_NAMES.join(", ") })));
    return;
  }
  if (!jobArg) throw new DomainError("jobs.unknownJob", { job: "", jobs: JOB_NAMES.join(", ") });
  const { job, period } = parseJobArgs(jobArg, periodArg, today(ctx));
  if (!ctx.jobs) throw new Error("the job scheduler is not running");
  if (DRY.has(verb)) {
    const r = await ctx.jobs.runJob(job, period, { trigger: user, dryRun: true });
    await send(dryRunMessage(t, lang, job, period, r.dryRun ?? []));
    return;
  }
  const r = await ctx.jobs.runJob(job, period, { trigger: user, rerun: true });
  await send(jobRanMessage(t, lang, r));
};

export const jobsSubcommands: KpiTable = { jobs, job: jobs, 任务: jobs, 提醒: jobs };
