/**
 * The real executable: `npx tsx src/cli/admin.ts …` as a child process. It must print, exit by itself
 * (PGlite closed) and return the right exit code. The end-to-end run uses a fresh temporary PGLITE_DIR
 * (migrated on first use): seed --demo, then close 2026-10 --dry-run.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * Runs the CLI (`npx tsx src/cli/admin.ts`, or `node --import tsx src/cli/admin.ts` — the same without
 * npx's start-up); fails if it has not exited by itself within `limitMs`.
 */
function admin(args: string[], env: NodeJS.ProcessEnv = {}, { viaNpx = false, limitMs = 90_000 } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const { DATABASE_URL: _ignored, ...base } = process.env;
    const [cmd, pre] = viaNpx ? ["npx", ["tsx"]] : [process.execPath, ["--import", "tsx"]];
    const child = spawn(cmd, [...pre, "src/cli/admin.ts", ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`admin ${args.join(" ")} did not exit within ${limitMs} ms\n${stdout}\n${stderr}`));
    }, limitMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("admin CLI as a process", () => {
  it("--help prints the commands and exits 0", async () => {
    const r = await admin(["--help"], {}, { viaNpx: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: npm run admin -- <command>");
    expect(r.stdout).toMatch(/close\s+compute a month/);
  }, 60_000);

  it("end to end on a fresh PGlite folder: seed --demo, then close 2026-10 --dry-run; both exit", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kpi-e2e-"));
    dirs.push(dir);
    const env = { PGLITE_DIR: path.join(dir, "pglite") };
    const seed = await admin(["seed", "--demo"], env);
    expect(seed.stderr).toContain("applied migration");
    expect(seed.code).toBe(0);
    expect(seed.stdout).toContain("2026-10 lines: 96 added");
    const close = await admin(["close", "2026-10", "--dry-run"], env);
    expect(close.code).toBe(0);
    for (const n of ["103.00", "95.00", "30.00"]) expect(close.stdout).toContain(n);
    expect(close.stdout).toMatch(
      /王芳 Wang Fang\s+SVC\s+3200\.00\s+3200\.00\s+100\.00\s+95\.00\s.*\s5\.00\s+103\.00/,
    );
    expect(close.stdout).toMatch(
      /刘洋 Liu Yang\s+SVC\s+1600\.00\s+3200\.00\s+50\.00\s+0\.00 ✗\s.*\s30\.00\s+11/,
    );
  }, 120_000);
});
