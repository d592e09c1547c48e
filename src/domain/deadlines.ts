/**
 * The monthly deadlines (SCHEME: staff submit last month's sheet by the 5th, chiefs review by the 7th).
 * Calendar days only for now; a later change moves a deadline off weekends and holidays when
 * `holidayRule` says so. A deadline date is inclusive: late means after the end of that day in the
 * configured zone.
 *
 * No DomainError codes.
 */
import { shiftDate, shiftMonth, zonedInstant } from "../util/time.js";
import type { Settings } from "./settings.js";

export type DeadlineSettings = Pick<Settings, "submitDeadlineDay" | "reviewDeadlineDay">;

function dayOf(month: string, day: number): string {
  return `${month}-${String(day).padStart(2, "0")}`;
}

/** Day `submitDeadlineDay` of the month after `month` ("2026-11" → "2026-12-05"). */
export function submitDeadline(month: string, settings: Pick<Settings, "submitDeadlineDay">): string {
  return dayOf(shiftMonth(month, 1), settings.submitDeadlineDay);
}

/** Day `reviewDeadlineDay` of the month after `month` ("2026-11" → "2026-12-07"). */
export function reviewDeadline(month: string, settings: Pick<Settings, "reviewDeadlineDay">): string {
  return dayOf(shiftMonth(month, 1), settings.reviewDeadlineDay);
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
 * (by the review day), then this month's submission next month.
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
