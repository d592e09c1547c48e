/**
 * The run and send claims on their own (database only): a lease that expires is taken over, the old
 * holder's next claim is refused, and a send it left PENDING is seen as unknown by the new holder; a
 * DONE run is claimed again only by a manual rerun.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import {
  claimRun,
  claimSend,
  finishRun,
  LeaseLost,
  recordSend,
  renewLease,
} from "../../src/jobs/coordinator.js";
import { createTestDatabase } from "../helpers/db.js";

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const t = (s: number) => new Date(Date.parse("2026-11-05T01:00:00Z") + s * 1000);

describe("run and send claims", () => {
  it("lease, takeover, refused claims of the old holder, unknown sends, done and rerun", async () => {
    const p = db.prisma;
    const a = await claimRun(p, {
      job: "remind-submit",
      period: "2026-10",
      owner: "A",
      now: t(0),
      trigger: "schedule",
      leaseMs: 60_000,
    });
    expect(a.claimed).toBe(true);
    const runId = a.run.id;
    // B while A's lease holds: busy
    const busy = await claimRun(p, {
      job: "remind-submit",
      period: "2026-10",
      owner: "B",
      now: t(30),
      trigger: "schedule",
      leaseMs: 60_000,
    });
    expect(busy).toMatchObject({ claimed: false, reason: "busy" });
    const send = (owner: string, recipientId: string, s: number) =>
      claimSend(p, {
        runId,
        runJob: "remind-submit",
        runPeriod: "2026-10",
        job: "remind-submit",
        period: "2026-10",
        recipientId,
        owner,
        now: t(s),
      });
    const c1 = await send("A", "p1", 31);
    expect(c1.state).toBe("claimed");
    await recordSend(p, c1.row.id, { status: "SENT", ts: "1.1", channel: "Dp1", at: t(32) });
    const c2 = await send("A", "p2", 33); // A dies here: p2 stays PENDING
    expect(c2.state).toBe("claimed");
    expect(await renewLease(p, runId, "A", t(40), 60_000)).toBe(true);

    // the lease (renewed at 40 s) runs out at 100 s: B takes over
    expect(
      (
        await claimRun(p, {
          job: "remind-submit",
          period: "2026-10",
          owner: "B",
          now: t(99),
          trigger: "catch-up",
          leaseMs: 60_000,
        })
      ).claimed,
    ).toBe(false);
    const b = await claimRun(p, {
      job: "remind-submit",
      period: "2026-10",
      owner: "B",
      now: t(101),
      trigger: "catch-up",
      leaseMs: 60_000,
    });
    expect(b).toMatchObject({ claimed: true, resumed: true });
    expect(b.run.attempts).toBe(2);

    // A (still alive after all) can no longer claim, renew or finish
    await expect(send("A", "p3", 102)).rejects.toBeInstanceOf(LeaseLost);
    expect(await renewLease(p, runId, "A", t(102), 60_000)).toBe(false);
    expect(await finishRun(p, runId, "A", t(102), { status: "DONE", sent: 1, skipped: 0, failed: 0 })).toBe(
      false,
    );

    // B: p1 already sent, p2 unknown (PENDING from A), p3 new
    expect((await send("B", "p1", 103)).state).toBe("sent");
    expect((await send("B", "p2", 103)).state).toBe("unknown");
    expect((await send("B", "p3", 103)).state).toBe("claimed");
    // a failed send is claimed again
    await recordSend(p, c2.row.id, { status: "FAILED", error: "not delivered" });
    const again = await send("B", "p2", 104);
    expect(again.state).toBe("claimed");
    expect((await p.reminderSend.findUniqueOrThrow({ where: { id: again.row.id } })).attempts).toBe(2);

    expect(await finishRun(p, runId, "B", t(110), { status: "DONE", sent: 3, skipped: 0, failed: 0 })).toBe(
      true,
    );
    expect(
      await claimRun(p, {
        job: "remind-submit",
        period: "2026-10",
        owner: "C",
        now: t(200),
        trigger: "schedule",
      }),
    ).toMatchObject({
      claimed: false,
      reason: "done",
    });
    const rerun = await claimRun(p, {
      job: "remind-submit",
      period: "2026-10",
      owner: "C",
      now: t(200),
      trigger: "cli",
      rerun: true,
    });
    expect(rerun).toMatchObject({ claimed: true, resumed: true });
    expect(rerun.run.attempts).toBe(3);
    expect(await p.reminderSend.count()).toBe(3);
  });
});
