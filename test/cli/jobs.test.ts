/**
 * `jobs list|status|run` and `calendar set|import|list` in process, against the FakeSlack: a real
 * send through the CLI, a rerun sending nothing, the dry run, wrong usage, a refused calendar file.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferOutput } from "../../src/cli/output.js";
import { runCli } from "../../src/cli/run.js";
import type { Database } from "../../src/db/client.js";
import { FakeSlack } from "../../src/emulator/index.js";
import { createTestDatabase } from "../helpers/db.js";
import { JOB_FAKE_USERS, JOB_USERS, seedJobFixtures } from "../jobs/harness.js";

let db: Database;
let slack: FakeSlack;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedJobFixtures(db.prisma);
  slack = await FakeSlack.start({ signingSecret: "unused", users: JOB_FAKE_USERS });
});
afterAll(async () => {
  await slack.stop();
  await db.close();
});

async function cli(args: string[], env: Record<string, string> = {}) {
  const out = bufferOutput();
  const code = await runCli(args, {
    db,
    out,
    env: { SLACK_BOT_TOKEN: slack.botToken, SLACK_API_URL: slack.apiUrl, ...env },
  });
  return { code, stdout: out.stdout.join("\n"), stderr: out.stderr.join("\n") };
}

describe("admin CLI: jobs", () => {
  it("list, dry run, run, rerun, status", async () => {
    const list = await cli(["jobs", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/remind-submit\s+submit reminder\s+\d{4}-\d{2}-05 09:00/);
    expect(list.stdout).toMatch(/nudge-daily\s+daily nudge \(nothing logged\)\s+off/);

    const dry = await cli(["jobs", "run", "remind-submit", "--period", "2026-10", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Dry run: remind-submit for 2026-10 would remind 5 people");
    expect(dry.stdout).toContain("Anna Schmidt");
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);

    const run = await cli(["jobs", "run", "remind-submit", "--period", "2026-10"]);
    expect(run.stdout).toContain("remind-submit 2026-10: sent 5, already sent before 0, failed 0");
    expect(run.code).toBe(0);
    expect(slack.acceptedCount(JOB_USERS.zhang)).toBe(1);

    const again = await cli(["jobs", "run", "remind-submit", "--period", "2026-10"]);
    expect(again.stdout).toContain("sent 0, already sent before 5");
    expect(slack.acceptedCount(JOB_USERS.zhang)).toBe(1);

    const status = await cli(["jobs", "status", "--period", "2026-10"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/remind-submit\s+2026-10\s+DONE\s+5\s+0\s+0\s+2\s+cli/);
  });

  it("wrong usage and bad arguments are named", async () => {
    expect((await cli(["jobs"])).code).toBe(2);
    const unknown = await cli(["jobs", "run", "remind-all"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Unknown job “remind-all”");
    const period = await cli(["jobs", "run", "nudge-daily", "--period", "2026-10"]);
    expect(period.stderr).toContain("“2026-10” is not a period of nudge-daily (expected YYYY-MM-DD)");
    const token = await cli(["jobs", "run", "remind-review"], { SLACK_BOT_TOKEN: "" });
    expect(token.stderr).toContain("SLACK_BOT_TOKEN is required to send");
  });
});

describe("admin CLI: calendar", () => {
  it("set, import (all or nothing), list", async () => {
    expect((await cli(["calendar", "set", "2027-01-01", "holiday", "--name", "元旦"])).stdout).toContain(
      "2027-01-01: HOLIDAY",
    );
    expect((await cli(["calendar", "set", "2027-01-01", "someday"])).code).toBe(2);
    const bad = path.join(tmpdir(), `cal-bad-${process.pid}.csv`);
    writeFileSync(bad, "date,kind,name\n2027-02-06,workday,春节调休\n2027-02-30,holiday,\n2027-02-06,休,\n");
    const refused = await cli(["calendar", "import", bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('line 3, date: is not a date (YYYY-MM-DD), got "2027-02-30"');
    expect(refused.stderr).toContain("line 4, date: 2027-02-06 is listed twice");
    const good = path.join(tmpdir(), `cal-good-${process.pid}.csv`);
    writeFileSync(good, "date,kind,name\n2027-02-06,workday,春节调休\n2027-02-11,holiday,春节\n");
    expect((await cli(["calendar", "import", good])).stdout).toContain("2 days, 2 changed");
    const list = await cli(["calendar", "list", "--year", "2027"]);
    expect(list.stdout).toMatch(/2027-01-01\s+HOLIDAY\s+元旦/);
    expect(list.stdout).toMatch(/2027-02-06\s+WORKDAY\s+春节调休/);
  });
});
