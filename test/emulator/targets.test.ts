/**
 * Several HTTP-mode targets (FakeSlack.setRequestUrls) behave like a health-checking load balancer: in
 * turn among the targets whose last GET /readyz was 200, the others only when no ready one accepts the
 * connection; a target refusing the connection is skipped; one target alone is never polled.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlack } from "../../src/emulator/index.js";
import { SIGNING_SECRET, sleep, USERS } from "./helpers.js";

interface Target {
  url: string;
  ready: boolean;
  readyChecks: number;
  server: Server;
}

/** A stand-in replica: acknowledges every POST, answers /readyz 200 or 503 as told. */
async function target(): Promise<Target> {
  const t = { url: "", ready: true, readyChecks: 0 } as Target;
  t.server = createServer((req, res) => {
    if (req.url === "/readyz") {
      t.readyChecks++;
      res.writeHead(t.ready ? 200 : 503).end(t.ready ? "ready" : "shutting down");
      return;
    }
    req.resume();
    req.on("end", () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => t.server.listen(0, "127.0.0.1", resolve));
  t.url = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}/slack/events`;
  return t;
}

describe("FakeSlack with several targets", () => {
  let slack: FakeSlack;
  let a: Target;
  let b: Target;
  const INTERVAL = 40;
  /** long enough for a few readiness polls */
  const polled = () => sleep(INTERVAL * 4);

  beforeAll(async () => {
    slack = await FakeSlack.start({
      signingSecret: SIGNING_SECRET,
      users: USERS,
      readinessIntervalMs: INTERVAL,
    });
    a = await target();
    b = await target();
  });
  afterAll(async () => {
    await slack?.stop();
    for (const t of [a, b]) t?.server.closeAllConnections();
    await Promise.all([a, b].map((t) => new Promise((r) => t?.server.close(r))));
  });

  const deliver = async (n: number) => {
    const hit: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await slack.slashCommand({ user: "U1", command: "/ping", text: String(i) });
      expect(r.acked).toBe(true);
      hit.push(r.target === a.url ? "a" : r.target === b.url ? "b" : String(r.target));
    }
    return hit.sort().join("");
  };

  it("sends in turn while both are ready, and polls each one's /readyz", async () => {
    slack.setRequestUrls([a.url, b.url]);
    await polled();
    expect(a.readyChecks).toBeGreaterThan(0);
    expect(b.readyChecks).toBeGreaterThan(0);
    expect(await deliver(4)).toBe("aabb");
  });

  it("sends nothing new to a target whose /readyz answers 503 while the other is ready", async () => {
    b.ready = false;
    await polled();
    expect(await deliver(4)).toBe("aaaa");
    b.ready = true;
    await polled();
    expect(await deliver(4)).toBe("aabb");
  });

  it("sends to every target in turn when none is ready (fails open)", async () => {
    a.ready = false;
    b.ready = false;
    await polled();
    expect(await deliver(4)).toBe("aabb");
    a.ready = true;
    b.ready = true;
  });

  it("skips a target that refuses the connection, even for one that is not ready", async () => {
    const c = await target();
    await new Promise((r) => c.server.close(r)); // nothing listens there now: connections refused
    b.ready = false;
    slack.setRequestUrls([c.url, b.url]);
    await polled();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await slack.slashCommand({ user: "U1", command: "/ping" }));
    expect(results.map((r) => [r.acked, r.target])).toEqual(Array(3).fill([true, b.url]));
    b.ready = true;
  });

  it("polls nothing with one target", async () => {
    slack.setRequestUrl(a.url);
    await sleep(INTERVAL); // a poll started before may still answer
    const before = a.readyChecks;
    await polled();
    expect(a.readyChecks).toBe(before);
    expect(await deliver(2)).toBe("aa");
  });
});
