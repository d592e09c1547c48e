/**
 * naturalBatcher (src/db/batcher.ts), pure: a lone call goes alone at once; calls arriving while the
 * batches in flight are at the limit go together in the next; each caller gets its own outcome.
 */
import { describe, expect, it } from "vitest";
import { naturalBatcher, type Outcome } from "../../src/db/batcher.js";

function controlled() {
  const batches: { items: number[]; finish: (o: Outcome<string>[]) => void; fail: (e: unknown) => void }[] =
    [];
  const run = (items: number[]) =>
    new Promise<Outcome<string>[]>((finish, fail) => batches.push({ items, finish, fail }));
  return { batches, run };
}

/** lets the settled batch's bookkeeping run (it dispatches the next batch once the callers are answered) */
const tick = () => new Promise((r) => setImmediate(r));

describe("naturalBatcher", () => {
  it("sends a lone call at once, groups what arrives meanwhile, and respects the limits", async () => {
    const c = controlled();
    const call = naturalBatcher(c.run, { maxBatch: 3, maxInFlight: 1 });
    const first = call(1);
    expect(c.batches.map((b) => b.items)).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((i) => call(i)); // arrive while the first is in flight
    expect(c.batches).toHaveLength(1);
    c.batches[0]!.finish([{ ok: true, value: "a1" }]);
    expect(await first).toBe("a1");
    await tick();
    expect(c.batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]); // maxBatch 3
    c.batches[1]!.finish([
      { ok: true, value: "a2" },
      { ok: false, error: new Error("no 3") },
      { ok: true, value: "a4" },
    ]);
    await expect(rest[0]).resolves.toBe("a2");
    await expect(rest[1]).rejects.toThrow("no 3");
    await expect(rest[2]).resolves.toBe("a4");
    await tick();
    expect(c.batches.map((b) => b.items)).toEqual([[1], [2, 3, 4], [5]]);
    c.batches[2]!.fail(new Error("lost"));
    await expect(rest[3]).rejects.toThrow("lost");
  });

  it("runs up to maxInFlight batches side by side", () => {
    const c = controlled();
    const call = naturalBatcher(c.run, { maxBatch: 10, maxInFlight: 2 });
    for (const i of [1, 2, 3, 4]) call(i).catch(() => {});
    expect(c.batches.map((b) => b.items)).toEqual([[1], [2]]);
  });
});
