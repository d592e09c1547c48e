/**
 * When each job runs, from the settings alone (pure): the time zone, the deadline days and the holiday
 * rule (effective deadlines), the reminder and escalation times, the optional early reminder and daily
 * nudge. Nothing about schedules is in code but the meaning of each job.
 *
 * | job             | day (in the zone)                                   | period          | default time |
 * |-----------------|-----------------------------------------------------|-----------------|--------------|
 * | remind-early    | day `earlyReminder.day` (off by default)            | last month      | 09:00        |
 * | remind-submit   | the effective submit deadline (the 5th)             | last month      | 09:00        |
 * | remind-review   | the effective review deadline (the 7th): reviewers  | last month      | 09:00        |
 * | remind-quality  | the effective review deadline: assessment group     | last month      | 09:00        |
 * | escalate-submit | the day after the submit deadline (the 6th)         | last month      | 09:00        |
 * | escalate-review | the day after the review deadline (the 8th)         | last month      | 09:00        |
 * | nudge-daily     | every working day (off by default)                  | the day         | 17:30        |
 *
 * "The day after" is the next working day under `holidayRule: "next-working-day"`, else the next calendar day.
 */
import { PACKAGE_CALENDAR, type WorkCalendar } from "../domain/calendar.js";
import { reviewDeadline, submitDeadline } from "../domain/deadlines.js";
import type { Settings } from "../domain/settings.js";
import { isDate, isMonth, shiftDate, shiftMonth, todayIn, zonedInstant } from "../util/time.js";

export const JOB_NAMES = [
  "remind-early",
  "remind-submit",
  "remind-review",
  "remind-quality",
  "escalate-submit",
  "escalate-review",
  "nudge-daily",
] as const;
export type JobName = (typeof JOB_NAMES)[number];

export function isJobName(s: string): s is JobName {
  return (JOB_NAMES as readonly string[]).includes(s);
}

/** The daily nudge's period is a date; every other job's a month. */
export function periodKind(job: JobName): "month" | "date" {
  return job === "nudge-daily" ? "date" : "month";
}

export function isPeriodOf(job: JobName, period: string): boolean {
  return periodKind(job) === "date" ? isDate(period) : isMonth(period);
}

export type ScheduleSettings = Pick<
  Settings,
  | "timeZone"
  | "submitDeadlineDay"
  | "reviewDeadlineDay"
  | "holidayRule"
  | "reminderTime"
  | "earlyReminder"
  | "dailyNudge"
  | "escalation"
  | "catchUpHours"
  | "remindersEnabled"
> & { calendar?: WorkCalendar };

export interface Occurrence {
  job: JobName;
  /** "YYYY-MM" (the month the sheets are for) or "YYYY-MM-DD" (nudge-daily) */
  period: string;
  /** the day it runs, in the zone */
  date: string;
  /** HH:MM in the zone */
  time: string;
  /** the instant */
  at: Date;
  enabled: boolean;
}

function dayOf(month: string, day: number): string {
  return `${month}-${String(day).padStart(2, "0")}`;
}

function dayAfter(date: string, s: ScheduleSettings): string {
  return s.holidayRule === "next-working-day"
    ? (s.calendar ?? PACKAGE_CALENDAR).after(date)
    : shiftDate(date, 1);
}

/** The day and time `job` runs for `period`, enabled or not. */
export function occurrenceOf(job: JobName, period: string, s: ScheduleSettings): Occurrence {
  const make = (date: string, time: string, enabled: boolean): Occurrence => ({
    job,
    period,
    date,
    time,
    at: zonedInstant(date, time, s.timeZone),
    enabled: enabled && s.remindersEnabled,
  });
  switch (job) {
    case "remind-early": {
      // only before the deadline (an early day on or after it would repeat the deadline's reminder)
      const day = dayOf(shiftMonth(period, 1), s.earlyReminder.day);
      return make(day, s.earlyReminder.time, s.earlyReminder.enabled && day < submitDeadline(period, s));
    }
    case "remind-submit":
      return make(submitDeadline(period, s), s.reminderTime, true);
    case "remind-review":
    case "remind-quality":
      return make(reviewDeadline(period, s), s.reminderTime, true);
    case "escalate-submit":
      return make(dayAfter(submitDeadline(period, s), s), s.escalation.time, s.escalation.enabled);
    case "escalate-review":
      return make(dayAfter(reviewDeadline(period, s), s), s.escalation.time, s.escalation.enabled);
    case "nudge-daily":
      return make(
        period,
        s.dailyNudge.time,
        s.dailyNudge.enabled && (s.calendar ?? PACKAGE_CALENDAR).isWorkingDay(period),
      );
  }
}

/** Every job occurrence (enabled or not) that falls on `date`. */
export function occurrencesOn(date: string, s: ScheduleSettings): Occurrence[] {
  const out: Occurrence[] = [];
  const month = date.slice(0, 7);
  // a deadline moved by holidays can spill into the month after, so look two months back
  const periods = [shiftMonth(month, -1), shiftMonth(month, -2)];
  for (const job of JOB_NAMES) {
    if (job === "nudge-daily") {
      out.push(occurrenceOf(job, date, s));
      continue;
    }
    for (const period of periods) {
      const o = occurrenceOf(job, period, s);
      if (o.date === date) out.push(o);
    }
  }
  return out.sort(
    (a, b) => a.at.getTime() - b.at.getTime() || JOB_NAMES.indexOf(a.job) - JOB_NAMES.indexOf(b.job),
  );
}

/**
 * The occurrences due at `at`: enabled, on today's date in the zone, whose time has come, and at most
 * `catchUpHours` ago (a job missed while the bot was down runs when it starts the same day, within the
 * window; never a day late).
 */
export function dueOccurrences(at: Date, s: ScheduleSettings): Occurrence[] {
  const today = todayIn(s.timeZone, at);
  const windowMs = s.catchUpHours * 3_600_000;
  return occurrencesOn(today, s).filter(
    (o) => o.enabled && o.at.getTime() <= at.getTime() && at.getTime() - o.at.getTime() <= windowMs,
  );
}

/** The next enabled occurrence of each job after `at` (within the next 70 days). */
export function upcoming(at: Date, s: ScheduleSettings): Occurrence[] {
  const out = new Map<JobName, Occurrence>();
  let date = todayIn(s.timeZone, at);
  for (let i = 0; i < 70 && out.size < JOB_NAMES.length; i++) {
    for (const o of occurrencesOn(date, s)) {
      if (o.enabled && o.at.getTime() > at.getTime() && !out.has(o.job)) out.set(o.job, o);
    }
    date = shiftDate(date, 1);
  }
  return JOB_NAMES.flatMap((j) => (out.has(j) ? [out.get(j)!] : []));
}

/** The period a job means by default on `today`: last month (or today for the nudge). */
export function defaultPeriod(job: JobName, today: string): string {
  return periodKind(job) === "date" ? today : shiftMonth(today.slice(0, 7), -1);
}

/** The distinct HH:MM times of the enabled jobs (one cron task each). */
export function cronTimes(s: ScheduleSettings): string[] {
  const times = new Set<string>([s.reminderTime]);
  if (s.escalation.enabled) times.add(s.escalation.time);
  if (s.earlyReminder.enabled) times.add(s.earlyReminder.time);
  if (s.dailyNudge.enabled) times.add(s.dailyNudge.time);
  return [...times].sort();
}
