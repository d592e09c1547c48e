/**
 * Calendar arithmetic in the configured time zone (default Asia/Shanghai). Months are "YYYY-MM",
 * dates "YYYY-MM-DD"; both are computed in the zone, never from the server's local time.
 */
import { TZDate } from "@date-fns/tz";
import { addMonths, format, isValid, parse } from "date-fns";

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** A source of "now"; tests and the playground inject a controllable one. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isMonth(s: string): boolean {
  return MONTH_RE.test(s);
}

/** A real calendar date "YYYY-MM-DD" (rejects 2026-13-40, 2026-02-30). */
export function isDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = parse(s, "yyyy-MM-dd", new Date(2000, 0, 1));
  return isValid(d) && format(d, "yyyy-MM-dd") === s;
}

export function todayIn(timeZone: string, now: Date = new Date()): string {
  return format(new TZDate(now.getTime(), timeZone), "yyyy-MM-dd");
}

export function nowParts(timeZone: string, now: Date = new Date()) {
  const z = new TZDate(now.getTime(), timeZone);
  return {
    year: z.getFullYear(),
    month: z.getMonth() + 1,
    day: z.getDate(),
    hour: z.getHours(),
    minute: z.getMinutes(),
  };
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function currentMonth(timeZone: string, now: Date = new Date()): string {
  return monthOf(todayIn(timeZone, now));
}

export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return format(addMonths(new Date(y, m - 1, 1), delta), "yyyy-MM");
}

export function previousMonth(month: string): string {
  return shiftMonth(month, -1);
}

export function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return format(new Date(y, m - 1, d + days), "yyyy-MM-dd");
}

export function daysInMonth(month: string): number {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(y, m, 0).getDate();
}

/** The instant of a wall-clock time in a zone, e.g. ("2026-12-05", "09:00", "Asia/Shanghai"). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const [h, mi] = time.split(":").map(Number) as [number, number];
  return new Date(new TZDate(y, mo - 1, d, h, mi, 0, timeZone).getTime());
}
