/**
 * Working days (SCHEME: "a setting moves [a deadline] to the next working day (Chinese holiday calendar,
 * with its swapped working days 调休)").
 *
 * Sources, in order:
 * 1. admin overrides in the CalendarDay table (a HOLIDAY or a WORKDAY on a date, e.g. a year the State
 *    Council has announced but the `chinese-days` package does not know yet, or a local closure);
 * 2. the `chinese-days` package (holidays and swapped working days for the years it has data for:
 *    2004…2026 in 1.5.7);
 * 3. for a year neither knows: weekends only. Such a year is reported by `missingYears` so the admins
 *    are warned (App Home of admins, `/kpi jobs`, `npm run admin -- jobs status`, `calendar list`).
 *
 * DomainError codes: calendar.badDate, calendar.badKind.
 */
import { createRequire } from "node:module";
import type { Db, Tx } from "../db/client.js";
import { isDate, shiftDate } from "../util/time.js";
import { audit } from "./audit.js";
import { DomainError } from "./errors.js";

export type DayKind = "HOLIDAY" | "WORKDAY";

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const require = createRequire(import.meta.url);
const packageData = require("chinese-days/dist/chinese-days.json") as ChineseDaysData;

/** Years the holiday package has data for ("2026" …). */
export const PACKAGE_YEARS: ReadonlySet<number> = new Set(
  Object.keys(packageData.holidays).map((d) => Number(d.slice(0, 4))),
);

export interface CalendarOverride {
  date: string;
  kind: DayKind;
  name?: string | null;
}

export interface DayInfo {
  date: string;
  working: boolean;
  /** why: an admin override, the holiday package, or the weekday alone */
  source: "admin" | "package" | "weekend" | "weekday";
  /** holiday or swap name ("National Day,国庆节,3" from the package; the admin's text) */
  name?: string;
  /** the year has no holiday data (neither the package nor an admin entry): weekends only */
  guessed: boolean;
}

function weekday(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/**
 * A working-day calendar: the package's data plus the admin's overrides. Pure and synchronous once
 * built; build one with `loadCalendar(db)` (cached a little while per database) or `new WorkCalendar([])`.
 */
export class WorkCalendar {
  private readonly overrides: Map<string, CalendarOverride>;
  /** years with at least one admin HOLIDAY entry count as having data */
  private readonly adminYears: Set<number>;

  constructor(overrides: readonly CalendarOverride[] = []) {
    this.overrides = new Map(overrides.map((o) => [o.date, o]));
    this.adminYears = new Set(
      overrides.filter((o) => o.kind === "HOLIDAY").map((o) => Number(o.date.slice(0, 4))),
    );
  }

  /** True when the year's public holidays are known (package or admin entries). */
  hasData(year: number): boolean {
    return PACKAGE_YEARS.has(year) || this.adminYears.has(year);
  }

  day(date: string): DayInfo {
    const year = Number(date.slice(0, 4));
    const guessed = !this.hasData(year);
    const o = this.overrides.get(date);
    if (o)
      return { date, working: o.kind === "WORKDAY", source: "admin", name: o.name ?? undefined, guessed };
    const holiday = packageData.holidays[date];
    if (holiday) return { date, working: false, source: "package", name: holiday, guessed };
    const swapped = packageData.workdays[date];
    if (swapped) return { date, working: true, source: "package", name: swapped, guessed };
    const wd = weekday(date);
    return wd === 0 || wd === 6
      ? { date, working: false, source: "weekend", guessed }
      : { date, working: true, source: "weekday", guessed };
  }

  isWorkingDay(date: string): boolean {
    return this.day(date).working;
  }

  /** The date itself when it is a working day, else the next working day (at most a month on). */
  onOrAfter(date: string): string {
    let d = date;
    for (let i = 0; i < 40; i++) {
      if (this.isWorkingDay(d)) return d;
      d = shiftDate(d, 1);
    }
    return date;
  }

  /** The first working day strictly after `date`. */
  after(date: string): string {
    return this.onOrAfter(shiftDate(date, 1));
  }

  /** Years in [from, to] for which only weekends are known. */
  missingYears(from: number, to: number): number[] {
    const out: number[] = [];
    for (let y = from; y <= to; y++) if (!this.hasData(y)) out.push(y);
    return out;
  }

  overridesList(): CalendarOverride[] {
    return [...this.overrides.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  }
}

/** The package's data only (no admin overrides). */
export const PACKAGE_CALENDAR = new WorkCalendar([]);

const CACHE_MS = 30_000;
const cache = new WeakMap<object, { at: number; calendar: Promise<WorkCalendar> }>();

/** The calendar with the admin's overrides; cached 30 s per database client (`fresh` to re-read). */
export async function loadCalendar(db: Db | Tx, opts: { fresh?: boolean } = {}): Promise<WorkCalendar> {
  const hit = cache.get(db);
  const now = Date.now();
  if (hit && !opts.fresh && now - hit.at < CACHE_MS) return hit.calendar;
  const calendar = db.calendarDay
    .findMany({ orderBy: { date: "asc" } })
    .then(
      (rows) =>
        new WorkCalendar(
          rows
            .filter((r) => r.kind === "HOLIDAY" || r.kind === "WORKDAY")
            .map((r) => ({ date: r.date, kind: r.kind as DayKind, name: r.name })),
        ),
    );
  cache.set(db, { at: now, calendar });
  calendar.catch(() => cache.delete(db));
  return calendar;
}

/** Forget the cached calendar of a database (after an admin change). */
export function invalidateCalendar(db: Db | Tx): void {
  cache.delete(db);
}

function checkDay(date: string, kind: string): asserts kind is DayKind {
  if (!isDate(date)) throw new DomainError("calendar.badDate", { date });
  if (kind !== "HOLIDAY" && kind !== "WORKDAY") throw new DomainError("calendar.badKind", { kind });
}

/**
 * Adds or replaces admin overrides (one transaction, audited). `kind` HOLIDAY or WORKDAY; `null` removes
 * the override of that date. Returns how many rows changed.
 */
export async function setCalendarDays(
  db: Db,
  actor: string,
  days: readonly { date: string; kind: DayKind | null; name?: string | null }[],
): Promise<number> {
  for (const d of days) if (d.kind !== null) checkDay(d.date, d.kind);
  for (const d of days) if (!isDate(d.date)) throw new DomainError("calendar.badDate", { date: d.date });
  let changed = 0;
  await db.$transaction(async (tx) => {
    for (const d of days) {
      const before = await tx.calendarDay.findUnique({ where: { date: d.date } });
      if (d.kind === null) {
        if (!before) continue;
        await tx.calendarDay.delete({ where: { date: d.date } });
      } else {
        if (before && before.kind === d.kind && (before.name ?? null) === (d.name ?? null)) continue;
        await tx.calendarDay.upsert({
          where: { date: d.date },
          create: { date: d.date, kind: d.kind, name: d.name ?? null, source: "admin" },
          update: { kind: d.kind, name: d.name ?? null, source: "admin" },
        });
      }
      changed++;
      await audit(tx, {
        actor,
        action: "calendar.set",
        entityType: "CalendarDay",
        entityId: d.date,
        before: before ? { kind: before.kind, name: before.name } : null,
        after: d.kind ? { kind: d.kind, name: d.name ?? null } : null,
      });
    }
  });
  invalidateCalendar(db);
  return changed;
}
