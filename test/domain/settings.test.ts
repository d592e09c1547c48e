/**
 * The `timeZone` setting on a real database: validated by the settings schema itself (the same check as
 * TZ_DEFAULT), on write and on read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { DomainError } from "../../src/domain/errors.js";
import { readSettings, writeSetting } from "../../src/domain/settings.js";
import { createTestDatabase } from "../helpers/db.js";

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe("the timeZone setting", () => {
  it("is written only as an IANA zone, and a bad stored value reads as the default with a problem", async () => {
    const refused = await writeSetting(db.prisma, "test", "timeZone", "PRC").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({
      code: "settings.invalid",
      params: { key: "timeZone", problem: "not an IANA time zone" },
    });
    expect(await db.prisma.setting.count({ where: { key: "timeZone" } })).toBe(0);
    expect(await writeSetting(db.prisma, "test", "timeZone", "America/New_York")).toBe("America/New_York");
    expect((await readSettings(db.prisma)).timeZone).toBe("America/New_York");

    // stored by hand (or by an older version): everything would compute in a zone that does not exist
    await db.prisma.setting.update({ where: { key: "timeZone" }, data: { value: "Mars/Olympus" } });
    const s = await readSettings(db.prisma);
    expect(s.timeZone).toBe("Asia/Shanghai");
    expect(s.problems).toEqual(["timeZone: not an IANA time zone"]);
  });
});
