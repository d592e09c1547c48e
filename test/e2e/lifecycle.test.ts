/**
 * `npm start` with no Slack tokens, as a newcomer runs it: the page is served at once (before the
 * database is ready), Ctrl-C stops everything (no process left in the group), and a restart on the same
 * folder keeps the data. Prints the time to the first page and to ready.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { removeDir, spawnPlayground } from "./playground.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

async function post(url: string, body: unknown) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

function group(pgid: number): string {
  try {
    return execFileSync("ps", ["-o", "pid=,args=", "-g", String(pgid)], { encoding: "utf8" }).trim();
  } catch {
    return ""; // ps exits 1 when no process matches
  }
}

/** The processes left in the group after `ms` (npm may exit before its script has finished closing). */
async function groupAlive(pgid: number, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  let left = group(pgid);
  while (left && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    left = group(pgid);
  }
  return left;
}

describe("npm start (playground mode)", () => {
  it("serves the page before the bot is ready, stops on Ctrl-C, and keeps the data on restart", async () => {
    const first = await spawnPlayground({ via: "npm", logLevel: "info" });
    dirs.push(first.dir);
    // the page is there as soon as the URL is printed, while the database is still being set up
    const page = await fetch(first.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("starting…");
    const status = (await (await fetch(`${first.url}api/status`)).json()) as { state: string };
    const readyMs = await first.ready;
    console.log(
      `playground, fresh folder: page served ${first.servedMs} ms after spawn (state then: ${status.state}), ready after ${readyMs} ms`,
    );
    expect((await (await fetch(`${first.url}api/status`)).json()) as { state: string }).toEqual({
      state: "ready",
    });

    const logged = await post(`${first.url}api/command`, {
      user: "U0DEMO05",
      channel: "U0DEMO05",
      text: "/log fpfs 7 kept across restarts",
    });
    expect(logged.ok).toBe(true);

    const pgid = first.child.pid!;
    expect([0, "SIGINT"]).toContain(await first.stop("SIGINT"));
    expect(first.output()).toContain('"msg":"shutting down"');
    expect(first.output()).not.toMatch(/forced exit|start-up failed|"level":50/);
    expect(await groupAlive(pgid)).toBe("");

    // restart on the same folder: no migration, no seeding, the line is still there
    const second = await spawnPlayground({ via: "npm", logLevel: "info", dir: first.dir });
    const again = await second.ready;
    console.log(`playground, existing folder: page served ${second.servedMs} ms, ready after ${again} ms`);
    const listed = await post(`${second.url}api/command`, {
      user: "U0DEMO05",
      channel: "U0DEMO05",
      text: "/log list",
    });
    expect(listed.ok).toBe(true);
    await expect
      .poll(
        async () => {
          const state = (await (await fetch(`${second.url}api/state?user=U0DEMO05`)).json()) as {
            ephemerals: { text: string; blocks?: unknown[] }[];
          };
          return JSON.stringify(state.ephemerals);
        },
        { timeout: 10_000 },
      )
      .toContain("kept across restarts");
    expect(second.output()).not.toContain("seeded the sample catalog");
    const pgid2 = second.child.pid!;
    expect([0, "SIGTERM"]).toContain(await second.stop("SIGTERM"));
    expect(second.output()).not.toMatch(/forced exit|"level":50/);
    expect(await groupAlive(pgid2)).toBe("");
  });

  it("stops cleanly when Ctrl-C comes while the database is still being set up", async () => {
    const run = await spawnPlayground({ via: "npm", logLevel: "info" });
    dirs.push(run.dir);
    const pgid = run.child.pid!;
    expect([0, "SIGINT"]).toContain(await run.stop("SIGINT"));
    expect(run.output()).not.toMatch(/forced exit/);
    expect(await groupAlive(pgid)).toBe("");
  });
});
