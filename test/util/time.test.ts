/**
 * The one "date and time in the zone" formatter and the one time-zone check (src/util/time.ts), used by
 * the review cards and refusals, the pricing and quality forms, the admin CLI, TZ_DEFAULT and the
 * `timeZone` setting.
 */
import { describe, expect, it } from "vitest";
import { isTimeZone, localDateTime } from "../../src/util/time.js";

describe("localDateTime", () => {
  it("is the instant's date and time to the minute in the zone, 24-hour", () => {
    const at = new Date("2026-11-20T01:14:59.900Z");
    expect(localDateTime(at, "Asia/Shanghai")).toBe("2026-11-20 09:14");
    expect(localDateTime(at, "America/New_York")).toBe("2026-11-19 20:14");
    expect(localDateTime(at, "UTC")).toBe("2026-11-20 01:14");
    // midnight is 00, never 24; the date is the zone's (Shanghai is already on the next day)
    expect(localDateTime(new Date("2026-12-31T16:00:00Z"), "Asia/Shanghai")).toBe("2027-01-01 00:00");
    expect(localDateTime(new Date("2026-12-31T16:00:00Z"), "Etc/GMT+1")).toBe("2026-12-31 15:00");
  });
});

describe("isTimeZone", () => {
  it("takes IANA Area/Location names and UTC, not unknown names, abbreviations or old aliases", () => {
    for (const tz of ["Asia/Shanghai", "America/New_York", "Etc/GMT-8", "UTC"])
      expect(isTimeZone(tz)).toBe(true);
    for (const tz of ["Mars/Olympus", "EST", "CET", "PRC", "GMT+8", "+08:00", ""])
      expect(isTimeZone(tz)).toBe(false);
  });
});
