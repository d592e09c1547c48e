/**
 * Working days and effective deadlines: National Day 2026, a year boundary (New Year 2026 with its
 * swapped Sunday), a year without holiday data (2027: weekends only, reported, and fixed by the admin's
 * overrides), and the job schedule that follows the effective dates.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { loadCalendar, PACKAGE_CALENDAR, setCalendarDays, WorkCalendar } from "../../src/domain/calendar.js";
import { nextDeadline, reviewDeadline, submitDeadline } from "../../src/domain/deadlines.js";
import { DEFAULT_SETTINGS } from "../../src/domain/settings.js";
import { dueOccurrences, occurrencesOn } from "../../src/jobs/schedule.js";
import { createTestDatabase } from "../helpers/db.js";

const calendarRule = { ...DEFAULT_SETTINGS };
const moveRule = { ...DEFAULT_SETTINGS, holidayRule: "next-working-day" as const };

describe("working days from chinese-days", () => {
  it("National Day 2026: 10-01…10-07 off, Saturday 10-10 a swapped working day", () => {
    for (let d = 1; d <= 7; d++) expect(PACKAGE_CALENDAR.isWorkingDay(`2026-10-0${d}`)).toBe(false);
    expect(PACKAGE_CALENDAR.isWorkingDay("2026-10-08")).toBe(true);
    expect(PACKAGE_CALENDAR.day("2026-10-10")).toMatchObject({ working: true, source: "package" });
    expect(PACKAGE_CALENDAR.isWorkingDay("2026-10-11")).toBe(false);
  });

  it("a year without data: weekends only, flagged as guessed", () => {
    expect(PACKAGE_CALENDAR.hasData(2026)).toBe(true);
    expect(PACKAGE_CALENDAR.hasData(2027)).toBe(false);
    expect(PACKAGE_CALENDAR.day("2027-01-01")).toMatchObject({
      working: true,
      source: "weekday",
      guessed: true,
    });
    expect(PACKAGE_CALENDAR.isWorkingDay("2027-01-02")).toBe(false);
    expect(PACKAGE_CALENDAR.missingYears(2026, 2028)).toEqual([2027, 2028]);
  });
});

describe("effective deadlines", () => {
  it("keep the calendar day by default", () => {
    expect(submitDeadline("2026-09", calendarRule)).toBe("2026-10-05");
    expect(reviewDeadline("2026-09", calendarRule)).toBe("2026-10-07");
  });

  it("move off National Day to Thursday 10-08 (submit and review), and honour the working Saturday", () => {
    expect(submitDeadline("2026-09", moveRule)).toBe("2026-10-08");
    expect(reviewDeadline("2026-09", moveRule)).toBe("2026-10-08");
    expect(submitDeadline("2026-09", { ...moveRule, submitDeadlineDay: 10 })).toBe("2026-10-10");
    expect(nextDeadline("2026-10-06", moveRule)).toEqual({
      kind: "submit",
      date: "2026-10-08",
      month: "2026-09",
    });
    // November 2026: the 7th is a Saturday → Monday the 9th
    expect(reviewDeadline("2026-10", moveRule)).toBe("2026-11-09");
  });

  it("across a year boundary: New Year 2026 moves to the swapped working Sunday 01-04", () => {
    const day2 = { ...moveRule, submitDeadlineDay: 2 };
    expect(submitDeadline("2025-12", day2)).toBe("2026-01-04");
    expect(submitDeadline("2025-12", { ...day2, holidayRule: "calendar" })).toBe("2026-01-02");
  });

  it("in 2027 (no data) only weekends move; the admin's overrides are honoured", () => {
    const day2 = { ...moveRule, submitDeadlineDay: 2 };
    // Saturday 2027-01-02 → Monday 01-04 on weekends alone
    expect(submitDeadline("2026-12", day2)).toBe("2027-01-04");
    const cal = new WorkCalendar([
      { date: "2027-01-01", kind: "HOLIDAY", name: "元旦" },
      { date: "2027-01-04", kind: "HOLIDAY", name: "local closure" },
    ]);
    expect(cal.hasData(2027)).toBe(true);
    expect(submitDeadline("2026-12", { ...day2, calendar: cal })).toBe("2027-01-05");
    expect(submitDeadline("2026-12", { ...moveRule, submitDeadlineDay: 1, calendar: cal })).toBe(
      "2027-01-05",
    );
    // an admin WORKDAY on a Saturday keeps a deadline there
    const swap = new WorkCalendar([{ date: "2027-01-02", kind: "WORKDAY" }]);
    expect(submitDeadline("2026-12", { ...day2, calendar: swap })).toBe("2027-01-02");
  });
});

describe("the job schedule follows the effective dates", () => {
  it("lists the 5th's and 7th's jobs and the escalations, only when due and within the catch-up window", () => {
    const s = { ...calendarRule };
    const enabledOn = (date: string) => occurrencesOn(date, s).filter((o) => o.enabled);
    expect(enabledOn("2026-11-05").map((o) => [o.job, o.period, o.time])).toEqual([
      ["remind-submit", "2026-10", "09:00"],
    ]);
    expect(enabledOn("2026-11-07").map((o) => o.job)).toEqual(["remind-review", "remind-quality"]);
    expect(enabledOn("2026-11-06").map((o) => o.job)).toEqual(["escalate-submit"]);
    expect(enabledOn("2026-11-08").map((o) => o.job)).toEqual(["escalate-review"]);
    // the early reminder and the daily nudge exist but are off by default
    const third = occurrencesOn("2026-11-03", s);
    expect(third.map((o) => [o.job, o.enabled])).toEqual([
      ["remind-early", false],
      ["nudge-daily", false],
    ]);
    expect(dueOccurrences(new Date("2026-11-05T08:59:00+08:00"), s)).toEqual([]);
    expect(dueOccurrences(new Date("2026-11-05T09:00:00+08:00"), s).map((o) => o.job)).toEqual([
      "remind-submit",
    ]);
    expect(dueOccurrences(new Date("2026-11-05T21:00:00+08:00"), s)).toHaveLength(1);
    expect(dueOccurrences(new Date("2026-11-05T21:01:00+08:00"), s)).toEqual([]);
    const on = {
      ...s,
      earlyReminder: { enabled: true, day: 3, time: "09:00" },
      dailyNudge: { enabled: true, time: "17:30" },
    };
    expect(dueOccurrences(new Date("2026-11-03T17:30:00+08:00"), on).map((o) => [o.job, o.period])).toEqual([
      ["remind-early", "2026-10"],
      ["nudge-daily", "2026-11-03"],
    ]);
    // no nudge on a holiday
    expect(dueOccurrences(new Date("2026-10-02T17:30:00+08:00"), on)).toEqual([]);
    // reminders switched off as a whole
    expect(dueOccurrences(new Date("2026-11-05T09:00:00+08:00"), { ...s, remindersEnabled: false })).toEqual(
      [],
    );
  });
});

describe("admin overrides in the database", () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it("are stored, audited, and read back into the calendar", async () => {
    const changed = await setCalendarDays(db.prisma, "cli", [
      { date: "2027-01-01", kind: "HOLIDAY", name: "元旦" },
      { date: "2027-02-06", kind: "WORKDAY", name: "春节调休" },
    ]);
    expect(changed).toBe(2);
    expect(
      await setCalendarDays(db.prisma, "cli", [{ date: "2027-01-01", kind: "HOLIDAY", name: "元旦" }]),
    ).toBe(0);
    const cal = await loadCalendar(db.prisma, { fresh: true });
    expect(cal.day("2027-01-01")).toMatchObject({ working: false, source: "admin", guessed: false });
    expect(cal.isWorkingDay("2027-02-06")).toBe(true);
    expect(await db.prisma.auditLog.count({ where: { action: "calendar.set" } })).toBe(2);
    await expect(
      setCalendarDays(db.prisma, "cli", [{ date: "2027-13-01", kind: "HOLIDAY" }]),
    ).rejects.toThrow("calendar.badDate");
    expect(await setCalendarDays(db.prisma, "cli", [{ date: "2027-02-06", kind: null }])).toBe(1);
    expect((await loadCalendar(db.prisma)).day("2027-02-06").source).toBe("weekend");
  });
});

describe("the early reminder", () => {
  it("runs only before the submit deadline", () => {
    const on = { ...calendarRule, earlyReminder: { enabled: true, day: 3, time: "09:00" } };
    expect(occurrencesOn("2026-11-03", on).find((o) => o.job === "remind-early")?.enabled).toBe(true);
    const late = { ...on, earlyReminder: { enabled: true, day: 5, time: "08:00" } };
    expect(occurrencesOn("2026-11-05", late).find((o) => o.job === "remind-early")?.enabled).toBe(false);
  });
});
