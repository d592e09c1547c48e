/**
 * One time zone for the whole bot: the `timeZone` setting once an admin sets it, the configuration's
 * TZ_DEFAULT before that. "Today" in the Slack layer (a `/log` without a date), the deadlines and the
 * reminder scheduler all read the same zone; a change reaches a running bot within the settings cache's
 * 30 seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateSettings } from "../../src/domain/org-admin.js";
import { requireActor } from "../../src/domain/people.js";
import { readSettings } from "../../src/domain/settings.js";
import { USERS } from "./fixtures.js";
import { type Harness, startHarness } from "./harness.js";

describe("the time zone", () => {
  let h: Harness;
  beforeAll(async () => {
    // 00:30 on 2026-11-21 in Shanghai is 11:30 on 2026-11-20 in New York
    h = await startHarness("http", {
      env: { TZ_DEFAULT: "America/New_York" },
      clockStart: "2026-11-21T00:30:00+08:00",
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const lastWorkDate = async () =>
    (
      await h.db.prisma.entry.findFirstOrThrow({
        where: { personId: h.fx.people.zhang },
        orderBy: { createdAt: "desc" },
      })
    ).workDate;

  it("is TZ_DEFAULT until the setting is set, then the setting, for /log and for the scheduler alike", async () => {
    expect((await readSettings(h.db.prisma)).timeZone).toBe("America/New_York");
    const r1 = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 1" });
    expect(r1.acked).toBe(true);
    expect(await lastWorkDate()).toBe("2026-11-20");

    await h.db.prisma.roleAssignment.create({ data: { personId: h.fx.people.chief!, role: "ADMIN" } });
    const admin = await requireActor(h.db.prisma, USERS.chief);
    await updateSettings(h.db.prisma, admin, { timeZone: "Asia/Shanghai" });
    expect((await readSettings(h.db.prisma)).timeZone).toBe("Asia/Shanghai");

    // a minute later (past the settings cache): the same instant of the day is already the 21st
    h.clock.advance(60_000);
    const r2 = await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 1" });
    expect(r2.acked).toBe(true);
    expect(await lastWorkDate()).toBe("2026-11-21");
  });
});
