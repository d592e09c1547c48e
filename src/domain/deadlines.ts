/**
 * The monthly deadlines (SCHEME: staff submit last month's sheet by the 5th, chiefs review by the 7th).
 * The nominal day is `submitDeadlineDay` / `reviewDeadlineDay` of the following month. With
 * `holidayRule: "next-working-day"` a nominal day on a weekend or public holiday moves to the next working
 * day (Chinese holidays and swapped working days 调休, plus the admin's CalendarDay overrides: see
 * calendar.ts). Every deadline the bot shows or applies is this **effective** date. A deadline date is
 * inclusive: late means after the end of that day in the configured zone.
 *
 * Pass `calendar` (from `loadCalendar(db)`) to honour the admin's overrides; without it the holiday
 * package's data alone is used.
 *
 * No DomainError codes.
 */

import type { Db, Tx } from "../db/client.js";
import { shiftDate, shiftMonth, zonedInstant } from "../util/time.js";
import { loadCalendar, PACKAGE_CALENDAR, type WorkCalendar } from "./calendar.js";
import type { Settings } from "./settings.js";

export type DeadlineRule = Partial<Pick<Settings, "holidayRule">> & { calendar?: WorkCalendar };
export type DeadlineSettings = Pick<Settings, "submitDeadlineDay" | "reviewDeadlineDay"> & DeadlineRule;

function dayOf(month: string, day: number): string {
  return `${month}-${String(day).padStart(2, "0")}`;
}

/** The date a nominal deadline day really falls on under the holiday rule. */
export function effectiveDate(nominal: string, rule: DeadlineRule): string {
  if (rule.holidayRule !== "next-working-day") return nominal;
  return (rule.calendar ?? PACKAGE_CALENDAR).onOrAfter(nominal);
}

/** The nominal submit day: day `submitDeadlineDay` of the month after `month` ("2026-11" → "2026-12-05"). */
export function nominalSubmitDeadline(month: string, settings: Pick<Settings, "submitDeadlineDay">): string {
  return dayOf(shiftMonth(month, 1), settings.submitDeadlineDay);
}

/** The nominal review day: day `reviewDeadlineDay` of the month after `month` ("2026-11" → "2026-12-07"). */
export function nominalReviewDeadline(month: string, settings: Pick<Settings, "reviewDeadlineDay">): string {
  return dayOf(shiftMonth(month, 1), settings.reviewDeadlineDay);
}

/** The effective submit deadline of `month`'s sheet ("2026-09" → "2026-10-08" under next-working-day). */
export function submitDeadline(
  month: string,
  settings: Pick<Settings, "submitDeadlineDay"> & DeadlineRule,
): string {
  return effectiveDate(nominalSubmitDeadline(month, settings), settings);
}

/**
 * The effective review deadline of `month`'s sheets; never before the effective submit deadline (a
 * submit deadline moved past the nominal review day pulls the review along).
 */
export function reviewDeadline(
  month: string,
  settings: Pick<Settings, "reviewDeadlineDay"> & DeadlineRule & Partial<Pick<Settings, "submitDeadlineDay">>,
): string {
  const review = effectiveDate(nominalReviewDeadline(month, settings), settings);
  if (settings.submitDeadlineDay === undefined) return review;
  const submit = submitDeadline(month, { ...settings, submitDeadlineDay: settings.submitDeadlineDay });
  // dates as YYYY-MM-DD compare as strings: the later of the two
  return [review, submit].sort()[1] as string;
}

/** The first instant after a deadline day (its end), in the zone. */
export function deadlineEnd(date: string, timeZone: string): Date {
  return zonedInstant(shiftDate(date, 1), "00:00", timeZone);
}

/** True when `now` is past the end of the deadline day in the zone. */
export function isPastDeadline(date: string, now: Date, timeZone: string): boolean {
  return now.getTime() >= deadlineEnd(date, timeZone).getTime();
}

/**
 * The next deadline on or after today: last month's submission (by the submit day), then its review
 * (by the review day), then this month's submission next month. Effective dates.
 */
export function nextDeadline(
  today: string,
  settings: DeadlineSettings,
): { kind: "submit" | "review"; date: string; month: string } {
  const thisMonth = today.slice(0, 7);
  const last = shiftMonth(thisMonth, -1);
  const submit = submitDeadline(last, settings);
  if (today <= submit) return { kind: "submit", date: submit, month: last };
  const review = reviewDeadline(last, settings);
  if (today <= review) return { kind: "review", date: review, month: last };
  return { kind: "submit", date: submitDeadline(thisMonth, settings), month: thisMonth };
}

/**
 * The last day of this month on which "last month" is still the month being submitted and reviewed:
 * the day of last month's effective review deadline (for `defaultSubmitMonth`).
 */
export function previousMonthWindow(today: string, settings: DeadlineSettings): number {
  const review = reviewDeadline(shiftMonth(today.slice(0, 7), -1), settings);
  return review.slice(0, 7) === today.slice(0, 7) ? Number(review.slice(8, 10)) : settings.reviewDeadlineDay;
}

/** The settings with the working-day calendar (admin overrides included) when the holiday rule needs it. */
export async function withCalendar<S extends DeadlineSettings>(db: Db | Tx, settings: S): Promise<S> {
  if (settings.holidayRule !== "next-working-day" || settings.calendar) return settings;
  return { ...settings, calendar: await loadCalendar(db) };
}
