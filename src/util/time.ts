/**
 * Calendar arithmetic in the configured time zone (default Asia/Shanghai). Months are "YYYY-MM",
 * dates "YYYY-MM-DD"; both are computed in the zone, never from the server's local time.
 */
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";

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
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  // the month's last day, proleptic Gregorian (setUTCFullYear keeps years 0–99 as they are)
  const last = new Date(0);
  last.setUTCFullYear(year, month, 0);
  return day <= last.getUTCDate();
}

/**
 * Per zone, the last minute asked and its date. Since 1973 every zone's UTC offset is a whole number of
 * minutes, so a date only changes on a minute boundary; earlier instants are not cached.
 */
const CACHE_FROM_MINUTE = Date.UTC(1973, 0, 1) / 60_000;
const todayCache = new Map<string, { minute: number; date: string }>();

export function todayIn(timeZone: string, now: Date = new Date()): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const hit = todayCache.get(timeZone);
  if (hit && hit.minute === minute) return hit.date;
  const date = format(new TZDate(now.getTime(), timeZone), "yyyy-MM-dd");
  if (minute >= CACHE_FROM_MINUTE) {
    if (todayCache.size > 100) todayCache.clear();
    todayCache.set(timeZone, { minute, date });
  }
  return date;
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
  const index = y * 12 + (m - 1) + delta;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, "0")}-${String(index - year * 12 + 1).padStart(2, "0")}`;
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

/** "2026-11-20 09:14": an instant's date and time (to the minute) in the zone, 24-hour. */
export function localDateTime(at: Date, timeZone: string): string {
  return format(new TZDate(at.getTime(), timeZone), "yyyy-MM-dd HH:mm");
}

/**
 * A zone the bot computes in (TZ_DEFAULT and the `timeZone` setting alike): an IANA name the runtime
 * knows, as Area/Location ("Asia/Shanghai", "Etc/GMT-8") or "UTC"; not an abbreviation or old alias
 * ("EST", "CET", "PRC"), which read as something else than they say.
 */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz.includes("/") || tz === "UTC";
  } catch {
    return false;
  }
}

/** The instant of a wall-clock time in a zone, e.g. ("2026-12-05", "09:00", "Asia/Shanghai"). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const [h, mi] = time.split(":").map(Number) as [number, number];
  return new Date(new TZDate(y, mo - 1, d, h, mi, 0, timeZone).getTime());
}
