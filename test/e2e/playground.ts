/**
 * Browser e2e helpers: start the playground the way a newcomer does (`tsx src/main.ts` with no Slack
 * tokens, a fresh embedded database folder), launch Debian's chromium through playwright-core, and take
 * numbered screenshots into test/e2e/__screenshots__/<test>/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ROOT = path.resolve(import.meta.dirname, "../..");
export const SHOTS = path.join(ROOT, "test/e2e/__screenshots__");

export interface RunningPlayground {
  url: string;
  child: ChildProcess;
  dir: string;
  output: () => string;
  /** ms from spawn to the URL being printed (page served) and to "Ready" */
  servedMs: number;
  ready: Promise<number>;
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/** Spawns `tsx src/main.ts` in playground mode on a free port with its own database folder. */
export async function spawnPlayground(
  opts: { dir?: string; port?: number; via?: "tsx" | "npm"; logLevel?: string } = {},
): Promise<RunningPlayground> {
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), "kpi-playground-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGLITE_DIR: dir,
    PLAYGROUND_PORT: String(opts.port ?? 0),
    LOG_LEVEL: opts.logLevel ?? "warn",
  };
  for (const k of ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DATABASE_URL"])
    delete env[k];
  env.ENV_FILE = path.join(dir, "no.env");
  const started = Date.now();
  // The playground runs in its own process group, and stop() signals the whole group, as Ctrl-C in a
  // terminal does (npm, tsx and node each receive it).
  const child =
    opts.via === "npm"
      ? spawn("npm", ["start", "--silent"], {
          cwd: ROOT,
          env,
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        })
      : spawn(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "src/main.ts"], {
          cwd: ROOT,
          env,
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        });
  // a safety net: if the test process ends without stop(), the playground does not outlive it
  const orphanGuard = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", orphanGuard);
  child.once("exit", () => process.off("exit", orphanGuard));
  let out = "";
  // the exit code, or the signal that ended it (npm re-raises the SIGINT its script ended with)
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  const waitFor = (re: RegExp, timeoutMs: number) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out);
        if (m) {
          cleanup();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`playground: ${re} not printed within ${timeoutMs} ms\n${out}`));
      }, timeoutMs);
      const onExit = () => {
        cleanup();
        reject(new Error(`playground exited before printing ${re}\n${out}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout?.off("data", check);
        child.stderr?.off("data", check);
        child.off("exit", onExit);
      };
      child.stdout?.on("data", check);
      child.stderr?.on("data", check);
      child.once("exit", onExit);
      check();
    });
  child.stdout?.on("data", (d) => (out += String(d)));
  child.stderr?.on("data", (d) => (out += String(d)));
  const m = await waitFor(/Playground: (http:\/\/localhost:\d+\/)/, 60_000);
  const servedMs = Date.now() - started;
  const ready = waitFor(/Ready \(/, 180_000).then(() => Date.now() - started);
  ready.catch(() => {});
  return {
    url: m[1]!,
    child,
    dir,
    servedMs,
    ready,
    output: () => out,
    async stop(signal = "SIGINT") {
      const toGroup = (sig: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, sig);
        } catch {
          // the group is gone
        }
      };
      if (child.exitCode === null && child.signalCode === null) toGroup(signal);
      const timer = setTimeout(() => toGroup("SIGKILL"), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Debian's chromium, headless, with a fresh user-data-dir (removed by close()). */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), "kpi-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      removeDir(userDataDir);
    },
  };
}

/** Numbered screenshots for one test: shot("logged by command") → 03-logged-by-command.png */
export function screenshots(page: Page, name: string) {
  const dir = path.join(SHOTS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (label: string) => {
    n += 1;
    const file = path.join(
      dir,
      `${String(n).padStart(2, "0")}-${label.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.png`,
    );
    await page.screenshot({ path: file });
    return file;
  };
}
