/** LocaleCache: users.info at most once per user per TTL, shared by concurrent callers, backed off after a failure. */
import type { WebClient } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { LocaleCache } from "../../src/slack/caches.js";

function fakeClient(answers: (user: string) => Promise<{ user?: { locale?: string } }>) {
  const calls: string[] = [];
  const client = {
    users: {
      info: (args: { user: string }) => {
        calls.push(args.user);
        return answers(args.user);
      },
    },
  } as unknown as WebClient;
  return { client, calls };
}

describe("LocaleCache", () => {
  it("asks users.info once per user per TTL, concurrent callers sharing the call", async () => {
    let now = 0;
    const cache = new LocaleCache(60_000, () => now);
    const { client, calls } = fakeClient(async (user) => ({
      user: { locale: user === "U1" ? "en-US" : "ja-JP" },
    }));
    const answers = await Promise.all([
      cache.fetch(client, "U1"),
      cache.fetch(client, "U1"),
      cache.fetch(client, "U2"),
    ]);
    expect(answers).toEqual(["en", "en", null]);
    expect(await cache.fetch(client, "U1")).toBe("en");
    expect(await cache.fetch(client, "U2")).toBeNull();
    expect(calls).toEqual(["U1", "U2"]);
    now = 61_000;
    expect(await cache.fetch(client, "U1")).toBe("en");
    expect(calls).toEqual(["U1", "U2", "U1"]);
  });

  it("after a failure, answers unknown without calling again until the retry time", async () => {
    let now = 0;
    let fail = true;
    const cache = new LocaleCache(60_000, () => now, 10_000);
    const { client, calls } = fakeClient(async () => {
      if (fail) throw new Error("ratelimited");
      return { user: { locale: "zh-CN" } };
    });
    await expect(cache.fetch(client, "U1")).rejects.toThrow("ratelimited");
    expect(await cache.fetch(client, "U1")).toBeNull();
    expect(calls).toHaveLength(1);
    fail = false;
    now = 11_000;
    expect(await cache.fetch(client, "U1")).toBe("zh-CN");
    expect(calls).toHaveLength(2);
  });
});
