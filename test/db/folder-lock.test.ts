import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { FolderInUseError, LOCK_FILE, lockFolder } from "../../src/db/folder-lock.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "kpi-lock-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("embedded database folder lock", () => {
  it("refuses a second opening of the same folder while the first is open, and allows it after close", async () => {
    const dir = tempDir();
    const first = await openDatabase({ pgliteDir: dir });
    try {
      await expect(openDatabase({ pgliteDir: dir })).rejects.toThrow(FolderInUseError);
      await expect(openDatabase({ pgliteDir: dir })).rejects.toThrow(/in use by process \d+.*DATABASE_URL/);
    } finally {
      await first.close();
    }
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const again = await openDatabase({ pgliteDir: dir });
    await again.close();
  }, 60_000);

  it("takes over a lock left by a process that no longer runs", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, LOCK_FILE), "2147483646");
    const release = lockFolder(dir);
    expect(() => lockFolder(dir)).toThrow(FolderInUseError);
    release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
