/**
 * The deployment guide, exercised: the systemd unit template (deploy/systemd/kpi-bot@.service) is
 * checked by `systemd-analyze verify` and two instances are started the way it says (its
 * EnvironmentFile — the production .env from deploy/env.production.example —, its Environment=PORT=%i,
 * WorkingDirectory and ExecStart), on a private PostgreSQL; Debian's nginx runs deploy/nginx/kpi-bot.conf
 * on loopback (TLS lines dropped, upstream ports replaced); the fake Slack sends through nginx. Then the
 * README's upgrade procedure: `admin migrate` first, then each replica in turn taken out of nginx (the
 * README's `sed` adds `down` to its upstream line, `nginx -s reload`), stopped (SIGTERM, what systemctl
 * restart sends) and started again, put back (`sed`, reload), while commands keep coming: nothing
 * fails, nothing is doubled, and a replica marked down gets no new request.
 * Last, `admin backup` with the production environment.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { seedDemo } from "../../src/domain/seed.js";
import { type DeliveryResult, FakeSlack } from "../../src/emulator/index.js";
import { renderBlocks } from "../../src/slack/blocks/render.js";
import {
  formatTable,
  freePort,
  type PgInstance,
  pgQuery,
  pool,
  ROOT,
  type Row,
  sleep,
  startPostgres,
} from "./cluster.js";

const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => existsSync(p));
const SECRET = `deploy-${randomBytes(8).toString("hex")}`;
const USERS = Array.from({ length: 20 }, (_, i) => `UDEP${String(i).padStart(4, "0")}`);
const rows: Row[] = [];

let pg: PgInstance;
let slack: FakeSlack;
let tmp: string;
let envFile: string;
let nginx: ChildProcess | undefined;
let nginxPort: number;
const replicas = new Map<number, { proc: ChildProcess; logs: string[]; exited: Promise<number | null> }>();

interface Unit {
  environmentFile: string;
  environment: Record<string, string>;
  workingDirectory: string;
  execStart: string[];
}

/** The [Service] settings this test follows, with %i replaced by the instance name. */
function readUnit(file: string, instance: string): Unit {
  const service =
    readFileSync(file, "utf8")
      .split(/^\[Service\]$/m)[1]
      ?.split(/^\[/m)[0] ?? "";
  const values = (key: string) =>
    service
      .split("\n")
      .filter((l) => l.startsWith(`${key}=`))
      .map((l) => l.slice(key.length + 1).replaceAll("%i", instance));
  const environment: Record<string, string> = {};
  for (const e of values("Environment")) {
    const [k, ...v] = e.split("=");
    environment[k as string] = v.join("=");
  }
  return {
    environmentFile: values("EnvironmentFile")[0] ?? "",
    environment,
    workingDirectory: values("WorkingDirectory")[0] ?? "",
    execStart: (values("ExecStart")[0] ?? "").split(/\s+/),
  };
}

function parseEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1] as string] = m[2] as string;
  }
  return env;
}

const UNIT = path.join(ROOT, "deploy/systemd/kpi-bot@.service");

/**
 * The README's two `sed` commands of the upgrade procedure (mark port 3001 `down` in nginx's upstream,
 * put it back), for another port.
 */
function upstreamEdits(port: number): { down: string; up: string } {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const procedure = readme.split("### Upgrade procedure")[1]?.split("\n### ")[0] ?? "";
  const seds = [...procedure.matchAll(/sed -i '([^']+)' \/etc\/nginx\/sites-enabled\/kpi-bot\.conf/g)].map(
    (m) => (m[1] as string).replaceAll("3001", String(port)),
  );
  expect(seds).toHaveLength(2);
  return { down: seds[0] as string, up: seds[1] as string };
}

async function startInstance(port: number) {
  const unit = readUnit(UNIT, String(port));
  expect(unit.environmentFile).toBe("/etc/kpi-bot/env");
  expect(unit.workingDirectory).toBe("/opt/kpi-bot");
  // here the code is this checkout and the environment file a temp copy
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    ...parseEnvFile(envFile),
    ...unit.environment,
  };
  const [cmd, ...args] = unit.execStart as [string, ...string[]];
  const logs: string[] = [];
  const proc = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...env, ENV_FILE: "/nonexistent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.on("data", (d: Buffer) => logs.push(...d.toString().split("\n").filter(Boolean)));
  proc.stderr?.on("data", (d: Buffer) => logs.push(...d.toString().split("\n").filter(Boolean)));
  const exited = new Promise<number | null>((r) => proc.once("exit", (c) => r(c)));
  replicas.set(port, { proc, logs, exited });
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`replica ${port} exited: ${logs.slice(-10).join("\n")}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (i > 450) throw new Error(`replica ${port} not ready: ${logs.slice(-10).join("\n")}`);
    await sleep(200);
  }
}

async function stopInstance(port: number) {
  const r = replicas.get(port);
  if (!r || r.proc.exitCode !== null) return null;
  r.proc.kill("SIGTERM");
  return r.exited;
}

const ackText = (r: DeliveryResult) => {
  const b = r.ackBody ?? {};
  return `${String(b.text ?? "")}\n${renderBlocks(Array.isArray(b.blocks) ? b.blocks : [])}`;
};
const isLogged = (r: DeliveryResult) => r.acked && !r.late && /Logged \*SV001/.test(ackText(r));
const log = (note: string, i: number) =>
  slack.slashCommand({ user: USERS[i % USERS.length] as string, command: "/log", text: `fpfs 1 ${note}` });

let ports: [number, number];

beforeAll(async () => {
  if (!NGINX) throw new Error("nginx is not installed: apt-get install -y nginx (.ci/run does it)");
  tmp = mkdtempSync(path.join(tmpdir(), "kpi-deploy-"));
  pg = await startPostgres();
  await pgQuery(pg.adminUrl, "CREATE DATABASE kpi");
  slack = await FakeSlack.start({
    signingSecret: SECRET,
    users: USERS.map((id) => ({ id, name: id.toLowerCase(), locale: "en-US", tz: "Asia/Shanghai" })),
    ackWaitMs: 15_000,
  });
  // the production .env, from the example, with this machine's values
  envFile = path.join(tmp, "env");
  const example = readFileSync(path.join(ROOT, "deploy/env.production.example"), "utf8");
  writeFileSync(
    envFile,
    example
      .replace(/^DATABASE_URL=.*$/m, `DATABASE_URL=${pg.urlFor("kpi")}`)
      .replace(/^SLACK_BOT_TOKEN=.*$/m, `SLACK_BOT_TOKEN=${slack.botToken}`)
      .replace(/^SLACK_SIGNING_SECRET=.*$/m, `SLACK_SIGNING_SECRET=${SECRET}`)
      .replace(/^# SLACK_API_URL=.*$/m, `SLACK_API_URL=${slack.apiUrl}`),
  );
  // README step: migrate, then seed (here: the demo organisation and the test's staff)
  const env = { ...process.env, ...parseEnvFile(envFile), ENV_FILE: "/nonexistent" };
  execFileSync(process.execPath, ["--import", "tsx", "src/cli/admin.ts", "migrate"], {
    cwd: ROOT,
    env,
    stdio: "pipe",
  });
  const db = await openDatabase({ databaseUrl: pg.urlFor("kpi"), poolSize: 2 });
  try {
    await seedDemo(db.prisma);
    const section = await db.prisma.section.findFirstOrThrow({ orderBy: { code: "asc" } });
    for (const id of USERS)
      await db.prisma.person.create({
        data: {
          slackUserId: id,
          name: `部署${id.slice(-4)}`,
          locale: "en",
          sectionId: section.id,
          categoryCode: "SERVICE",
          roles: { create: [{ role: "STAFF" }] },
        },
      });
  } finally {
    await db.close();
  }
  ports = [await freePort(), await freePort()];
  await Promise.all(ports.map(startInstance));

  // nginx with the guide's site config on loopback
  nginxPort = await freePort();
  const site = readFileSync(path.join(ROOT, "deploy/nginx/kpi-bot.conf"), "utf8")
    .replace("listen 443 ssl;", `listen 127.0.0.1:${nginxPort};`)
    .replace(/^\s*ssl_certificate.*$/gm, "")
    .replace("127.0.0.1:3001", `127.0.0.1:${ports[0]}`)
    .replace("127.0.0.1:3002", `127.0.0.1:${ports[1]}`);
  writeFileSync(path.join(tmp, "kpi-bot.conf"), site);
  writeFileSync(
    path.join(tmp, "nginx.conf"),
    [
      // in the foreground, but with its master process, as the Debian service runs it: the upgrade
      // procedure reloads nginx, which replaces the worker (tried without a master: the reload in place
      // kept connections in use until worker_connections ran out, and clients got malformed answers)
      "daemon off;",
      "worker_processes 1;",
      // as root, the worker would run as nobody, shut out of this 0700 folder (temp paths)
      ...(process.getuid?.() === 0 ? ["user root;"] : []),
      `pid ${tmp}/nginx.pid;`,
      // notice: the old worker's "gracefully shutting down" tells when a reload has taken effect
      `error_log ${tmp}/nginx-error.log notice;`,
      "events { worker_connections 256; }",
      "http {",
      `  access_log ${tmp}/nginx-access.log;`,
      `  client_body_temp_path ${tmp}/body; proxy_temp_path ${tmp}/proxy;`,
      `  fastcgi_temp_path ${tmp}/fcgi; uwsgi_temp_path ${tmp}/uwsgi; scgi_temp_path ${tmp}/scgi;`,
      `  include ${tmp}/kpi-bot.conf;`,
      "}",
    ].join("\n"),
  );
  const check = spawnSync(NGINX, ["-t", "-p", tmp, "-c", `${tmp}/nginx.conf`], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx -t: ${check.stderr}`);
  nginx = spawn(NGINX, ["-p", tmp, "-c", `${tmp}/nginx.conf`], { stdio: "ignore" });
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://127.0.0.1:${nginxPort}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (i > 100) throw new Error(`nginx did not answer: ${readFileSync(`${tmp}/nginx-error.log`, "utf8")}`);
    await sleep(100);
  }
  slack.setRequestUrl(`http://127.0.0.1:${nginxPort}/slack/events`);
}, 240_000);

afterAll(async () => {
  for (const port of replicas.keys()) await Promise.race([stopInstance(port), sleep(15_000)]);
  for (const r of replicas.values()) if (r.proc.exitCode === null) r.proc.kill("SIGKILL");
  nginx?.kill("SIGQUIT");
  await slack?.stop();
  pg?.destroy();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  if (rows.length)
    console.log(`\nDeployment guide (systemd unit ×2, nginx, PostgreSQL):\n${formatTable(rows)}\n`);
}, 60_000);

describe("deployment guide", () => {
  it("the unit template passes systemd-analyze verify", () => {
    const probe = spawnSync("systemd-analyze", ["--version"]);
    if (probe.status !== 0) return; // no systemd tools on this machine: the rest still exercises the unit's settings
    const copy = path.join(tmp, `kpi-bot@${ports[0]}.service`);
    // verify needs the executable and working directory to exist: point them at this checkout
    writeFileSync(
      copy,
      readFileSync(UNIT, "utf8")
        .replace("WorkingDirectory=/opt/kpi-bot", `WorkingDirectory=${ROOT}`)
        .replace("ReadWritePaths=/opt/kpi-bot/backups", `ReadWritePaths=${tmp}`)
        .replace("EnvironmentFile=/etc/kpi-bot/env", `EnvironmentFile=${envFile}`),
    );
    const r = spawnSync("systemd-analyze", ["verify", "--man=no", copy], { encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`.replace(/.*User=kpi.*\n?/g, "")).not.toMatch(/error|invalid|bad/i);
  });

  it("two replicas behind nginx serve /log, /healthz and /metrics; nginx's request id is logged", async () => {
    const prefix = `n-${randomBytes(3).toString("hex")}-`;
    const notes = Array.from({ length: 40 }, (_, i) => `${prefix}${i}`);
    const results = await pool(notes, 8, (n, i) => log(n, i));
    const health = await fetch(`http://127.0.0.1:${nginxPort}/healthz`);
    const metrics = await fetch(`http://127.0.0.1:${nginxPort}/metrics`);
    const served = [...replicas.values()].map(
      (r) => r.logs.filter((l) => l.includes('"msg":"request"')).length,
    );
    const ids = [...replicas.values()].flatMap((r) =>
      r.logs
        .filter((l) => l.includes('"msg":"request"'))
        .map((l) => (JSON.parse(l) as { reqId: string }).reqId),
    );
    const lines = await pgQuery<{ n: string }>(
      pg.urlFor("kpi"),
      `SELECT count(*) AS n FROM "Entry" WHERE note LIKE $1`,
      [`${prefix}%`],
    );
    rows.push({
      case: "nginx → 2 replicas (systemd unit settings)",
      requests: 40,
      failuresSeen: results.filter((r) => !isLogged(r)).length,
      lost: 40 - Number(lines[0]?.n),
      duplicates: Math.max(0, Number(lines[0]?.n) - 40),
      notes: `requests per replica ${served.join("/")}; /healthz ${health.status}; /metrics ${metrics.status}`,
    });
    expect(results.every(isLogged)).toBe(true);
    expect(Number(lines[0]?.n)).toBe(40);
    expect(served.every((n) => n > 5)).toBe(true);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(health.status).toBe(200);
    expect(metrics.status).toBe(200);
  });

  it("upgrade procedure: migrate first, then roll the replicas one by one under load, each taken out of nginx first", async () => {
    const env = { ...process.env, ...parseEnvFile(envFile), ENV_FILE: "/nonexistent" };
    const migrate = spawnSync(process.execPath, ["--import", "tsx", "src/cli/admin.ts", "migrate"], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    });
    expect(migrate.status, migrate.stderr).toBe(0);
    const prefix = `u-${randomBytes(3).toString("hex")}-`;
    const notes: string[] = [];
    const results: DeliveryResult[] = [];
    const codes: (number | null)[] = [];
    /** requests a replica logged in the second after it was marked down (before its SIGTERM) */
    const whileDown: number[] = [];
    const served = (port: number) =>
      replicas.get(port)?.logs.filter((l) => l.includes('"msg":"request"')).length ?? 0;
    // the old worker stops accepting connections when it starts shutting down (the new one has the
    // new configuration by then)
    const reloads = () =>
      (readFileSync(`${tmp}/nginx-error.log`, "utf8").match(/gracefully shutting down/g) ?? []).length;
    /** the README's step: edit the upstream line, `nginx -t && nginx -s reload`; resolves once reloaded */
    const upstream = async (port: number, state: "down" | "up") => {
      const conf = path.join(tmp, "kpi-bot.conf");
      execFileSync("sed", ["-i", upstreamEdits(port)[state], conf]);
      expect(readFileSync(conf, "utf8")).toContain(
        `server 127.0.0.1:${port} max_fails=1 fail_timeout=5s${state === "down" ? " down" : ""};`,
      );
      const before = reloads();
      const nginxArgs = ["-p", tmp, "-c", `${tmp}/nginx.conf`];
      for (const args of [["-t"], ["-s", "reload"]]) {
        const r = spawnSync(NGINX as string, [...nginxArgs, ...args], { encoding: "utf8" });
        expect(r.status, r.stderr).toBe(0);
      }
      for (let i = 0; reloads() === before; i++) {
        if (i > 100) throw new Error("nginx did not reload");
        await sleep(50);
      }
    };
    let rolled = false;
    const rolling = (async () => {
      await sleep(500); // commands are coming
      for (const port of ports) {
        await upstream(port, "down");
        await sleep(200); // what nginx sent there before the reload is answered
        const before = served(port);
        await sleep(1000);
        whileDown.push(served(port) - before);
        codes.push(await stopInstance(port)); // systemctl restart kpi-bot@<port>: SIGTERM, wait…
        await startInstance(port); // …start, ready
        await upstream(port, "up");
      }
    })().finally(() => {
      rolled = true;
    });
    // commands keep coming (3 at a time, a pause of 100 ms each) until both replicas are rolled
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (!rolled) {
          const i = notes.length;
          notes.push(`${prefix}${i}`);
          results[i] = await log(notes[i] as string, i);
          await sleep(100);
        }
      }),
    );
    await rolling;
    const byNote = await pgQuery<{ note: string; n: string }>(
      pg.urlFor("kpi"),
      `SELECT note, count(*) AS n FROM "Entry" WHERE note LIKE $1 GROUP BY note`,
      [`${prefix}%`],
    );
    const count = new Map(byNote.map((r) => [r.note, Number(r.n)]));
    const lost = results.filter((r, i) => isLogged(r) && !count.get(notes[i] as string)).length;
    const dups = [...count.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
    const failed = results.filter((r) => !isLogged(r));
    rows.push({
      case: "upgrade: migrate, then roll both replicas",
      requests: results.length,
      failuresSeen: failed.length,
      lost,
      duplicates: dups,
      notes: `exit codes ${codes.join("/")}; requests to a replica marked down: ${whileDown.join("/")}; ${failed.map((r) => r.status).join(" ")}`,
    });
    expect(codes).toEqual([0, 0]);
    expect(whileDown).toEqual([0, 0]);
    expect(results.length).toBeGreaterThan(100);
    expect(lost).toBe(0);
    expect(dups).toBe(0);
    expect(failed.map((r) => `${r.status} ${ackText(r).slice(0, 80)}`)).toEqual([]);
  });

  it("admin backup works with the production environment", () => {
    const env = { ...process.env, ...parseEnvFile(envFile), ENV_FILE: "/nonexistent" };
    const out = path.join(tmp, "kpi.dump");
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/admin.ts", "backup", "--out", out], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});
