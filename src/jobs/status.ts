/**
 * What the admin CLI (`jobs list|status`) and `/kpi jobs` show: each job's next run and last run, the
 * runs of a period, the sends not (yet) delivered, and the years the holiday calendar has no data for.
 *
 * DomainError codes: jobs.unknownJob, jobs.badPeriod, jobs.forbidden.
 */
import type { Db } from "../db/client.js";
import { loadCalendar, type WorkCalendar } from "../domain/calendar.js";
import { withCalendar } from "../domain/deadlines.js";
import { DomainError } from "../domain/errors.js";
import type { Actor } from "../domain/people.js";
import { hasRole } from "../domain/people.js";
import { readSettings } from "../domain/settings.js";
import type { JobRun } from "../generated/prisma/client.js";
import { todayIn } from "../util/time.js";
import {
  defaultPeriod,
  isJobName,
  isPeriodOf,
  JOB_NAMES,
  type JobName,
  type Occurrence,
  periodKind,
  upcoming,
} from "./schedule.js";

export interface JobOverview {
  job: JobName;
  next: Occurrence | null;
  last: JobRun | null;
}

export interface Overview {
  timeZone: string;
  today: string;
  jobs: JobOverview[];
  /** years (this one, and the next within two months of its start) the holiday calendar does not know */
  missingHolidayYears: number[];
}

/** Years whose deadlines may be computed soon but for which only weekends are known. */
export function holidayGaps(calendar: WorkCalendar, today: string): number[] {
  const year = Number(today.slice(0, 4));
  const years = [year];
  if (today.slice(5) >= "11-01") years.push(year + 1);
  return years.filter((y) => !calendar.hasData(y));
}

export async function jobsOverview(db: Db, now: Date): Promise<Overview> {
  const settings = await readSettings(db);
  const calendar = await loadCalendar(db);
  const effective = await withCalendar(db, settings);
  const today = todayIn(settings.timeZone, now);
  const next = new Map(upcoming(now, effective).map((o) => [o.job, o]));
  const runs = await db.jobRun.findMany({ orderBy: { startedAt: "desc" }, take: 200 });
  const last = new Map<string, JobRun>();
  for (const r of runs) if (!last.has(r.job)) last.set(r.job, r);
  return {
    timeZone: settings.timeZone,
    today,
    jobs: JOB_NAMES.map((job) => ({ job, next: next.get(job) ?? null, last: last.get(job) ?? null })),
    missingHolidayYears: holidayGaps(calendar, today),
  };
}

/** Validates a job name and a period (default: the job's default period today). */
export function parseJobArgs(
  job: string,
  period: string | undefined,
  today: string,
): { job: JobName; period: string } {
  if (!isJobName(job)) throw new DomainError("jobs.unknownJob", { job, jobs: JOB_NAMES.join(", ") });
  const p = period ?? defaultPeriod(job, today);
  if (!isPeriodOf(job, p)) {
    throw new DomainError("jobs.badPeriod", {
      period: p,
      job,
      expected: periodKind(job) === "date" ? "YYYY-MM-DD" : "YYYY-MM",
    });
  }
  return { job, period: p };
}

/** Only the assessment group and admins run jobs from Slack. */
export function requireJobsRole(actor: Actor): void {
  if (!hasRole(actor, "ASSESSMENT_GROUP", "ADMIN")) throw new DomainError("jobs.forbidden");
}

export interface PeriodStatus {
  runs: JobRun[];
  undelivered: {
    job: string;
    period: string;
    recipient: string;
    name: string;
    status: string;
    error: string | null;
  }[];
}

/** The runs (of a period, or the latest 20) and their sends that are not SENT. */
export async function periodStatus(db: Db, period?: string): Promise<PeriodStatus> {
  const runs = await db.jobRun.findMany({
    where: period ? { period } : {},
    orderBy: { startedAt: "desc" },
    take: period ? undefined : 20,
  });
  const sends = await db.reminderSend.findMany({
    where: {
      status: { in: ["PENDING", "FAILED"] },
      OR: runs.map((r) => ({ period: r.period, job: { startsWith: r.job } })),
    },
    orderBy: { createdAt: "asc" },
  });
  const people = new Map(
    (
      await db.person.findMany({
        where: { id: { in: sends.map((x) => x.recipientId) } },
        select: { id: true, slackUserId: true, name: true },
      })
    ).map((p) => [p.id, p]),
  );
  return {
    runs,
    undelivered: runs.length
      ? sends.map((x) => ({
          job: x.job,
          period: x.period,
          recipient: people.get(x.recipientId)?.slackUserId ?? x.recipientId,
          name: people.get(x.recipientId)?.name ?? "?",
          status: x.status,
          error: x.error,
        }))
      : [],
  };
}
