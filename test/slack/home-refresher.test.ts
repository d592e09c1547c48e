/**
 * The App Home refresher: debounced and coalesced per person, one rebuild at a time per person, bounded
 * overall (concurrency and rate), and never skipping a change: a change during a rebuild gets one more.
 */
import { describe, expect, it } from "vitest";
import type { SlackContext } from "../../src/slack/context.js";
import { homeRefresher } from "../../src/slack/home.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder(opts: { workMs?: number } = {}) {
  const started: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const perUser = new Map<string, number>();
  let maxPerUser = 0;
  const publish = async (user: string) => {
    started.push(user);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    perUser.set(user, (perUser.get(user) ?? 0) + 1);
    maxPerUser = Math.max(maxPerUser, perUser.get(user)!);
    await sleep(opts.workMs ?? 5);
    perUser.set(user, perUser.get(user)! - 1);
    inFlight--;
  };
  return { started, publish, max: () => ({ inFlight: maxInFlight, perUser: maxPerUser }) };
}

const ctx = { logger: { error() {} } } as unknown as SlackContext;
const client = {} as never;

describe("homeRefresher", () => {
  it("collapses a person's changes within the debounce into one rebuild", async () => {
    const r = recorder();
    const h = homeRefresher(ctx, client, { debounceMs: 40, publish: r.publish });
    for (let i = 0; i < 5; i++) {
      h.schedule("U1");
      await sleep(10);
    }
    expect(r.started).toEqual([]);
    await sleep(80);
    expect(r.started).toEqual(["U1"]);
    await h.idle();
    expect(r.started).toEqual(["U1"]);
  });

  it("rebuilds at the latest maxWaitMs after the first change, even if changes keep coming", async () => {
    const r = recorder();
    const h = homeRefresher(ctx, client, { debounceMs: 40, maxWaitMs: 100, publish: r.publish });
    const t0 = Date.now();
    while (Date.now() - t0 < 200) {
      h.schedule("U1");
      await sleep(10);
    }
    expect(r.started.length).toBeGreaterThanOrEqual(1);
    await h.idle();
  });

  it("a change during a rebuild schedules exactly one more; opening the home rebuilds at once", async () => {
    const r = recorder({ workMs: 40 });
    const h = homeRefresher(ctx, client, { debounceMs: 10, publish: r.publish });
    h.schedule("U1", { now: true });
    await sleep(5);
    expect(r.started).toEqual(["U1"]);
    h.schedule("U1");
    h.schedule("U1");
    await h.idle();
    expect(r.started).toEqual(["U1", "U1"]);
    expect(r.max().perUser).toBe(1);
  });

  it("bounds rebuilds in flight and started per second; idle() runs what is scheduled", async () => {
    const r = recorder({ workMs: 20 });
    const h = homeRefresher(ctx, client, {
      debounceMs: 1000,
      concurrency: 2,
      perSecond: 100,
      publish: r.publish,
    });
    const users = Array.from({ length: 10 }, (_, i) => `U${i}`);
    for (const u of users) h.schedule(u);
    const t0 = Date.now();
    await h.idle();
    expect([...r.started].sort()).toEqual([...users].sort());
    expect(r.max().inFlight).toBeLessThanOrEqual(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(80); // 10 starts at most 100 a second
  });

  it("someone who opened their home goes before those waiting in the queue", async () => {
    const r = recorder({ workMs: 1 });
    const h = homeRefresher(ctx, client, {
      debounceMs: 0,
      concurrency: 1,
      perSecond: 50,
      publish: r.publish,
    });
    for (const u of ["A", "B", "C", "D"]) h.schedule(u);
    await sleep(5);
    h.schedule("Z", { now: true });
    await h.idle();
    expect(r.started.indexOf("Z")).toBeLessThanOrEqual(2);
    expect([...r.started].sort()).toEqual(["A", "B", "C", "D", "Z"]);
  });

  it("idle({ unthrottled: true }) (shutdown) works the queue off without the rate limit", async () => {
    const r = recorder({ workMs: 1 });
    const h = homeRefresher(ctx, client, {
      debounceMs: 1000,
      concurrency: 4,
      perSecond: 2,
      publish: r.publish,
    });
    for (let i = 0; i < 12; i++) h.schedule(`U${i}`);
    const t0 = Date.now();
    await h.idle({ unthrottled: true });
    expect(r.started).toHaveLength(12);
    expect(Date.now() - t0).toBeLessThan(4000); // at 2 a second this would take 6 s (margin for a loaded CI machine)
  });

  it("starts at most perSecondWhenBusy while busy() is true, and catches up once it is not", async () => {
    const r = recorder({ workMs: 1 });
    let busy = true;
    const h = homeRefresher(ctx, client, {
      debounceMs: 0,
      perSecond: 1000,
      perSecondWhenBusy: 10,
      busy: () => busy,
      publish: r.publish,
    });
    for (let i = 0; i < 20; i++) h.schedule(`U${i}`);
    await sleep(250);
    expect(r.started.length).toBeGreaterThanOrEqual(1);
    expect(r.started.length).toBeLessThanOrEqual(5); // about 10 a second
    busy = false;
    await h.idle();
    expect(r.started).toHaveLength(20);
  });
});
