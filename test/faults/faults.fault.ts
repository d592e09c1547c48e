/**
 * `npm run test:faults`: the fault suite. Real processes: two replicas of the bot in HTTP mode on a
 * private PostgreSQL instance, the fake Slack delivering to them in turn. Each case adds a row to the
 * table printed at the end: case, requests, failures seen by users, entries lost (acknowledged as
 * logged but not in the database), duplicates (a request's line in the database more than once).
 *
 * Every `/log` of a case carries a unique note, so each request's line can be found (and counted) in the
 * database afterwards.
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { requireActor } from "../../src/domain/people.js";
import { seedDemo } from "../../src/domain/seed.js";
import { writeSetting } from "../../src/domain/settings.js";
import { submitSheet } from "../../src/domain/sheets.js";
import { type DeliveryResult, FakeSlack } from "../../src/emulator/index.js";
import { renderBlocks } from "../../src/slack/blocks/render.js";
import {
  formatTable,
  type PgInstance,
  pgQuery,
  pool,
  type Replica,
  type Row,
  sleep,
  startPostgres,
  startReplica,
} from "./cluster.js";

const SECRET = `faults-${randomBytes(8).toString("hex")}`;
const USERS = Array.from({ length: 50 }, (_, i) => `UFLT${String(i).padStart(4, "0")}`);
/** staff whose November sheets are submitted for the approvals of case (a) */
const SUBMITTERS = Array.from({ length: 50 }, (_, i) => `UAPR${String(i).padStart(4, "0")}`);
let chief = "";
const rows: Row[] = [];

let pg: PgInstance;
let slack: FakeSlack;
let dbUrl: string;
const replicas: (Replica | undefined)[] = [undefined, undefined];
const ports: number[] = [];

const ackText = (r: DeliveryResult) => {
  const b = r.ackBody ?? {};
  return `${String(b.text ?? "")}\n${renderBlocks(Array.isArray(b.blocks) ? b.blocks : [])}`;
};
const isLogged = (r: DeliveryResult) => r.acked && !r.late && /Logged \*SV001/.test(ackText(r));
const isTryAgain = (r: DeliveryResult) =>
  r.acked && !r.late && /cannot be reached right now|数据库暂时无法连接/.test(ackText(r));

/** every replica's output, restarted ones included (checked for secrets at the end) */
const allLogs: string[][] = [];

async function start(i: number, env?: Record<string, string>) {
  const r = await startReplica({
    ...(env ? { env } : {}),
    name: `r${i + 1}`,
    databaseUrl: dbUrl,
    slackApiUrl: slack.apiUrl,
    signingSecret: SECRET,
    botToken: slack.botToken,
    ...(ports[i] ? { port: ports[i] } : {}),
  });
  ports[i] = r.port;
  replicas[i] = r;
  allLogs.push(r.logs);
  return r;
}
const targets = () => ports.map((p) => `http://127.0.0.1:${p}/slack/events`);

/** `/log fpfs 1 <note>` from one of the staff (in turn). */
const logCommand = (note: string, i: number) =>
  slack.slashCommand({ user: USERS[i % USERS.length] as string, command: "/log", text: `fpfs 1 ${note}` });

/** How many lines each note has in the database. */
async function linesByNote(prefix: string): Promise<Map<string, number>> {
  const rows = await pgQuery<{ note: string; n: string }>(
    dbUrl,
    `SELECT note, count(*) AS n FROM "Entry" WHERE note LIKE $1 AND status = 'ACTIVE' GROUP BY note`,
    [`${prefix}%`],
  );
  return new Map(rows.map((r) => [r.note, Number(r.n)]));
}

/** Lost, duplicated, and committed without an acknowledgement, for the /log requests of a case. */
async function account(prefix: string, results: DeliveryResult[], notes: string[]) {
  const lines = await linesByNote(prefix);
  let lost = 0;
  let duplicates = 0;
  let unacked = 0;
  results.forEach((r, i) => {
    const n = lines.get(notes[i] as string) ?? 0;
    if (isLogged(r) && n === 0) lost++;
    if (n > 1) duplicates += n - 1;
    if (!isLogged(r) && n > 0) unacked++;
  });
  return { lost, duplicates, unacked };
}

beforeAll(async () => {
  pg = await startPostgres();
  await pgQuery(pg.adminUrl, "CREATE DATABASE kpi_faults");
  dbUrl = pg.urlFor("kpi_faults");
  const db = await openDatabase({ databaseUrl: dbUrl, poolSize: 2 });
  try {
    await db.migrate();
    await seedDemo(db.prisma);
    const section = await db.prisma.section.findFirstOrThrow({ orderBy: { code: "asc" } });
    for (const id of USERS) {
      await db.prisma.person.create({
        data: {
          slackUserId: id,
          name: `故障测试${id.slice(-4)}`,
          locale: "en",
          sectionId: section.id,
          categoryCode: "SERVICE",
          roles: { create: [{ role: "STAFF" }] },
        },
      });
    }
    // case (a)'s approvals: staff of a section with a chief, each with a submitted November sheet
    const sc = await db.prisma.sectionChief.findFirstOrThrow({ include: { person: true } });
    chief = sc.person.slackUserId;
    for (const id of SUBMITTERS) {
      await db.prisma.person.create({
        data: {
          slackUserId: id,
          name: `提交${id.slice(-4)}`,
          locale: "en",
          sectionId: sc.sectionId,
          categoryCode: "SERVICE",
          roles: { create: [{ role: "STAFF" }] },
        },
      });
    }
  } finally {
    await db.close();
  }
  // the staff of the suite and the demo organisation's people are members of the Slack workspace
  const demo = await pgQuery<{ slackUserId: string }>(dbUrl, `SELECT "slackUserId" FROM "Person"`);
  const members = [...new Set([...USERS, ...SUBMITTERS, ...demo.map((p) => p.slackUserId)])];
  slack = await FakeSlack.start({
    signingSecret: SECRET,
    users: members.map((id) => ({ id, name: id.toLowerCase(), locale: "en-US", tz: "Asia/Shanghai" })),
    ackWaitMs: 15_000,
    waitForTimeoutMs: 10_000,
  });
  await Promise.all([start(0), start(1)]);
  slack.setRequestUrls(targets());
}, 240_000);

afterAll(async () => {
  for (const r of replicas) {
    if (r && r.proc.exitCode === null) {
      r.kill("SIGTERM");
      await Promise.race([r.exited, sleep(15_000)]);
      if (r.proc.exitCode === null) r.kill("SIGKILL");
    }
  }
  await slack?.stop();
  pg?.destroy();
  if (rows.length)
    console.log(`\nFault suite (2 replicas, PostgreSQL on port ${pg?.port}):\n${formatTable(rows)}\n`);
}, 60_000);

describe("fault suite", () => {
  it("(d) replayed, stale and foreign-signed requests are refused", async () => {
    const note = `d-${randomBytes(3).toString("hex")}`;
    const body = new URLSearchParams({
      command: "/log",
      text: `fpfs 1 ${note}`,
      user_id: USERS[0] as string,
      team_id: slack.team.id,
      channel_id: "C0GENERAL",
      response_url: `${slack.baseUrl}/response/none`,
      trigger_id: "1.2.3",
    }).toString();
    const [a, b] = targets() as [string, string];
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await slack.signedPost(body, { url: a, timestamp });
    const replayOther = await slack.signedPost(body, { url: b, timestamp });
    const replaySame = await slack.signedPost(body, { url: a, timestamp });
    const stale = await slack.signedPost(body, { url: b, timestamp: timestamp - 6 * 60 });
    const foreign = await slack.signedPost(body, { url: a, secret: "another-apps-secret" });
    const noHeaders = await fetch(a, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const statuses = [
      first.status,
      replayOther.status,
      replaySame.status,
      stale.status,
      foreign.status,
      noHeaders.status,
    ];
    const lines = await linesByNote(note);
    rows.push({
      case: "(d) replay / stale / foreign signature",
      requests: 6,
      failuresSeen: 0,
      lost: first.status === 200 && (lines.get(note) ?? 0) === 0 ? 1 : 0,
      duplicates: Math.max(0, (lines.get(note) ?? 0) - 1),
      notes: `statuses ${statuses.join(" ")}`,
    });
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401]);
    expect(lines.get(note)).toBe(1);
  });

  it("(e) Events API retries of one event_id are handled once", async () => {
    const user = USERS[1] as string;
    await sleep(2000); // earlier Home refreshes done
    const before = slack.callsTo("views.publish").filter((c) => c.args.user_id === user).length;
    const first = await slack.openHome(user);
    const d = slack.deliveries.find((x) => x.eventId === first.eventId)!;
    const retries = [];
    for (let i = 0; i < 3; i++) retries.push(await slack.retryEvent(d, { retryReason: "http_timeout" }));
    await sleep(2500);
    const published = slack.callsTo("views.publish").filter((c) => c.args.user_id === user).length - before;
    const targetsHit = new Set(
      slack.deliveries.filter((x) => x.eventId === first.eventId).map((x) => x.target),
    );
    rows.push({
      case: "(e) event retried 3 times",
      requests: 4,
      failuresSeen: [first, ...retries].filter((r) => r.status !== 200).length,
      lost: published === 0 ? 1 : 0,
      duplicates: Math.max(0, published - 1),
      notes: `Home published ${published}×; delivered to ${targetsHit.size} replicas`,
    });
    expect(published).toBe(1);
    expect(targetsHit.size).toBe(2);
  });

  it("(g) a 20 MB body and malformed payloads are refused cleanly", async () => {
    const big = `command=%2Flog&user_id=${USERS[0]}&text=${"x".repeat(20 * 1024 * 1024)}`;
    const results = [
      await slack.signedPost(big),
      await slack.signedPost("payload=%7Bnot-json", {}),
      await slack.signedPost("{truncated", { contentType: "application/json" }),
      await slack.signedPost('{"type":', { contentType: "application/json" }),
      await slack.signedPost("command=%2Flog", {}),
    ];
    const after = await logCommand(`g-${randomBytes(3).toString("hex")}`, 2);
    const statuses = results.map((r) => r.status);
    rows.push({
      case: "(g) 20 MB body, malformed payloads",
      requests: 6,
      failuresSeen: isLogged(after) ? 0 : 1,
      lost: 0,
      duplicates: 0,
      notes: `statuses ${statuses.join(" ")}; then /log ${isLogged(after) ? "logged" : "FAILED"}`,
    });
    expect(statuses).toEqual([413, 400, 400, 400, 400]);
    expect(isLogged(after)).toBe(true);
  });

  it("(a) a replica killed (SIGKILL) during 200 /log commands and 50 approvals: every acknowledged line once, every approval once", async () => {
    // 50 submitted sheets waiting for the chief: a line each (through Slack), then submitted
    const prep = await pool(SUBMITTERS, 8, (id) =>
      slack.slashCommand({ user: id, command: "/log", text: `fpfs 1 prep-${id}` }),
    );
    expect(prep.every(isLogged)).toBe(true);
    const db = await openDatabase({ databaseUrl: dbUrl, poolSize: 2 });
    const deps = { clock: () => new Date(), timeZone: "Asia/Shanghai" };
    const sheets: { id: string; version: number }[] = [];
    try {
      for (const id of SUBMITTERS) {
        const r = await submitSheet(db.prisma, deps, await requireActor(db.prisma, id), "2026-11");
        const sheet = await db.prisma.sheet.findFirstOrThrow({
          where: { person: { slackUserId: id }, month: "2026-11" },
        });
        expect(r).toBeTruthy();
        sheets.push({ id: sheet.id, version: sheet.version });
      }
    } finally {
      await db.close();
    }
    const approve = (sheet: { id: string; version: number }) =>
      slack.sendInteraction({
        type: "block_actions",
        user: { id: chief, username: chief.toLowerCase(), team_id: slack.team.id },
        team: { id: slack.team.id, domain: slack.team.domain },
        api_app_id: slack.appId,
        token: "emulator-verification-token",
        trigger_id: `0.0.${sheet.id}`,
        actions: [
          {
            type: "button",
            action_id: "review_approve",
            block_id: "card",
            value: JSON.stringify({ s: sheet.id, v: sheet.version }),
            action_ts: "1",
          },
        ],
      });

    const prefix = `a-${randomBytes(3).toString("hex")}-`;
    const notes = Array.from({ length: 200 }, (_, i) => `${prefix}${i}`);
    type Job = { kind: "log"; note: string } | { kind: "approve"; sheet: (typeof sheets)[number] };
    const jobs: Job[] = [];
    for (let i = 0; i < 200; i++) {
      jobs.push({ kind: "log", note: notes[i] as string });
      if (i % 4 === 3) jobs.push({ kind: "approve", sheet: sheets[(i - 3) / 4] as (typeof sheets)[number] });
    }
    const victim = replicas[1]!;
    const results = await pool(jobs, 16, async (job, i) => {
      if (i === 90) victim.kill("SIGKILL");
      return job.kind === "log" ? logCommand(job.note, i) : approve(job.sheet);
    });
    await victim.exited;
    const logResults = results.filter((_, i) => jobs[i]?.kind === "log");
    const approveResults = results.filter((_, i) => jobs[i]?.kind === "approve");
    const { lost, duplicates, unacked } = await account(prefix, logResults, notes);
    await sleep(1500); // approvals acknowledged before their work finished (actions ack first)
    const decided = async () =>
      pgQuery<{ id: string; state: string; approvals: string }>(
        dbUrl,
        `SELECT s.id, s.state, (SELECT count(*) FROM "SheetTransition" t WHERE t."sheetId" = s.id AND t."toState" = 'APPROVED') AS approvals
         FROM "Sheet" s WHERE s.id = ANY($1)`,
        [sheets.map((x) => x.id)],
      );
    const first = await decided();
    const notApproved = first.filter((r) => r.state !== "APPROVED");
    // the chief clicks Approve again where the card still shows it (a double click elsewhere is harmless)
    const again = await pool(sheets, 8, (sheet) => approve(sheet));
    await sleep(1500);
    const final = await decided();
    const approvalDuplicates = final.reduce((n, r) => n + Math.max(0, Number(r.approvals) - 1), 0);
    const approvalsMissing = final.filter((r) => r.state !== "APPROVED" || Number(r.approvals) !== 1).length;
    rows.push({
      case: "(a) SIGKILL one replica, 200 /log",
      requests: 200,
      failuresSeen: logResults.filter((r) => !isLogged(r)).length,
      lost,
      duplicates,
      notes: `${unacked} committed but not acknowledged (Slack showed an error)`,
    });
    rows.push({
      case: "(a) same, 50 approvals in flight",
      requests: 50,
      failuresSeen: approveResults.filter((r) => r.status !== 200).length + notApproved.length,
      lost: approvalsMissing,
      duplicates: approvalDuplicates,
      notes: `${notApproved.length} not decided at first (replica died); clicked again: ${again.filter((r) => r.status === 200).length}/50 answered, all approved once`,
    });
    await start(1);
    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    expect(approvalsMissing).toBe(0);
    expect(approvalDuplicates).toBe(0);
  });

  it("graceful: SIGTERM to a replica during 150 /log commands finishes what it holds", async () => {
    const prefix = `t-${randomBytes(3).toString("hex")}-`;
    const notes = Array.from({ length: 150 }, (_, i) => `${prefix}${i}`);
    const victim = replicas[0]!;
    let signalled = 0;
    const results = await pool(notes, 16, async (note, i) => {
      if (i === 50) {
        signalled = Date.now();
        victim.kill("SIGTERM");
        // a second signal during the drain delay (a repeated stop, a relayed Ctrl-C) cuts nothing short
        setTimeout(() => victim.kill("SIGTERM"), 500);
      }
      return logCommand(note, i);
    });
    const code = await victim.exited;
    // the fake Slack reads /readyz every 200 ms: the victim gets new deliveries for a poll or so, then none
    const afterSignal = slack.deliveries.filter(
      (d) =>
        d.target === targets()[0] &&
        d.startedAt >= signalled &&
        String(d.payload.text ?? "").includes(prefix),
    ).length;
    const { lost, duplicates, unacked } = await account(prefix, results, notes);
    const failed = results.filter((r) => !isLogged(r));
    rows.push({
      case: "SIGTERM one replica, 150 /log",
      requests: 150,
      failuresSeen: failed.length,
      lost,
      duplicates,
      notes: `exit code ${code}; ${afterSignal} sent to it after SIGTERM; ${unacked} committed but not acknowledged${failed.map((r) => `; ${r.status} ${r.error ?? ""} ${ackText(r).slice(0, 60).trim()}`).join("")}`,
    });
    await start(0);
    expect(code).toBe(0);
    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    expect(failed.length).toBe(0);
  });

  it("(b) PostgreSQL restarted during load: 'try again' during the outage, nothing lost, recovery", async () => {
    const prefix = `b-${randomBytes(3).toString("hex")}-`;
    const notes = Array.from({ length: 150 }, (_, i) => `${prefix}${i}`);
    let outage: Promise<void> | undefined;
    const results = await pool(notes, 8, async (note, i) => {
      if (i === 40) {
        outage = (async () => {
          await pg.stop("fast");
          await sleep(3000);
          await pg.start();
        })();
      }
      if (i >= 40 && i < 100) await sleep(40); // spread the middle of the load over the outage
      return logCommand(note, i);
    });
    await outage;
    // after the restart, without restarting the replicas: everything works again
    const afterNotes = Array.from({ length: 20 }, (_, i) => `${prefix}after-${i}`);
    const after = await pool(afterNotes, 4, (note, i) => logCommand(note, i));
    const all = [...results, ...after];
    const allNotes = [...notes, ...afterNotes];
    const { lost, duplicates, unacked } = await account(prefix, all, allNotes);
    const tryAgain = results.filter(isTryAgain).length;
    const unclear = all.filter((r) => !isLogged(r) && !isTryAgain(r));
    rows.push({
      case: "(b) PostgreSQL restart under load",
      requests: all.length,
      failuresSeen: all.filter((r) => !isLogged(r)).length,
      lost,
      duplicates,
      notes: `${tryAgain} answered "try again"; ${unclear.length} other failures; after restart ${after.filter(isLogged).length}/20 logged; ${unacked} committed, not acked`,
    });
    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    expect(tryAgain).toBeGreaterThan(0);
    expect(unclear.map((r) => `${r.status} ${r.error ?? ""} ${ackText(r).slice(0, 120)}`)).toEqual([]);
    expect(after.every(isLogged)).toBe(true);
  });

  it("(f) 10,000 fuzzed /log texts: no crash, no 500, every reply a clear message", async () => {
    const items = fc.constantFrom(
      "fpfs",
      "SV001",
      "发票发售",
      '"invoice sales"',
      "SV999",
      "fp",
      "cbcj",
      "temp",
      "list",
      "undo",
      "help",
      "帮助",
      "submit",
      "",
    );
    const counts = fc.oneof(
      fc.integer({ min: -5, max: 20_000 }).map(String),
      fc.constantFrom("1e9", "0", "3.5", "-0", "１２", "NaN", "2h", "90"),
    );
    const dates = fc.constantFrom(
      "",
      "today",
      "yesterday",
      "昨天",
      "前天",
      "2026-13-40",
      "11-03",
      "11月3日",
      "2025-01-01",
      "2030-01-01",
      "2026-11-31",
      "2026-02-29",
    );
    const notes = fc.string({ unit: "grapheme", maxLength: 30 });
    const texts = fc.oneof(
      { weight: 5, arbitrary: fc.tuple(items, counts, dates, notes).map((p) => p.join(" ")) },
      { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 120 }) },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 60 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1000, max: 6000 }).map((n) => `fpfs 1 ${"长".repeat(n)}`) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '\'; DROP TABLE "Entry"; --',
          "fpfs 1 ' OR 1=1 --",
          "<script>alert(1)</script>",
          "fpfs\u00001",
          "fpfs 1 \u0000",
          "\u202e fpfs",
          "fpfs 1 😀😀😀",
          "temp 99999 x",
          "temp -5 y",
          "list 2026-99",
          "submit 1999-01",
        ),
      },
    );
    const sample = fc.sample(texts, { numRuns: 10_000, seed: 20261127 });
    const started = Date.now();
    const results = await pool(sample, 16, (text, i) =>
      slack.slashCommand({ user: USERS[i % USERS.length] as string, command: "/log", text }),
    );
    await sleep(3000); // answers sent through response_url after an empty ack
    const problems: string[] = [];
    let late = 0;
    for (const [i, r] of results.entries()) {
      const text = JSON.stringify(sample[i]).slice(0, 60);
      if (r.status !== 200) {
        problems.push(`${text}: HTTP ${r.status} ${r.error ?? ""}`);
        continue;
      }
      if (r.late) late++;
      const reply = ackText(r).trim();
      let answer = reply;
      if (!reply) {
        const posted = slack.responses.filter((p) => p.url === r.responseUrl);
        const opened = slack.calls.some(
          (c) => c.method === "views.open" && c.args.trigger_id === r.triggerId,
        );
        if (opened) continue;
        answer = posted
          .map(
            (p) =>
              `${String(p.body.text ?? "")}\n${renderBlocks(Array.isArray(p.body.blocks) ? p.body.blocks : [])}`,
          )
          .join("\n")
          .trim();
        if (!answer) {
          problems.push(`${text}: no answer at all`);
          continue;
        }
      }
      if (/Something went wrong|出了点问题/.test(answer)) problems.push(`${text}: generic error`);
      else if (
        /\bat \S+\.(ts|js):\d+|TypeError|\[object Object\]/.test(answer) ||
        ["undefined", "NaN", "null"].some((w) => answer.includes(w) && !String(sample[i]).includes(w))
      )
        problems.push(`${text}: unclear reply ${JSON.stringify(answer.slice(0, 160))}`);
    }
    const alive = replicas.every((r) => r && r.proc.exitCode === null);
    rows.push({
      case: "(f) 10,000 fuzzed /log texts",
      requests: results.length,
      failuresSeen: problems.length,
      lost: 0,
      duplicates: 0,
      notes: `${Math.round((Date.now() - started) / 1000)} s; ${late} late acks; replicas alive: ${alive}`,
    });
    expect(problems.slice(0, 20)).toEqual([]);
    expect(alive).toBe(true);
  });

  it("(c) the 5th's reminders: both replicas up, then one killed mid fan-out: each reminder sent once", async () => {
    const db = await openDatabase({ databaseUrl: dbUrl, poolSize: 1 });
    try {
      await writeSetting(db.prisma, "system", "fanoutPerSecond", 15); // a fan-out of a few seconds
    } finally {
      await db.close();
    }
    const stopAll = async () => {
      for (const r of replicas) {
        if (r && r.proc.exitCode === null) {
          r.kill("SIGTERM");
          await r.exited;
        }
      }
    };
    const run = async (clockStart: string, period: string, killAfter?: number) => {
      await stopAll();
      const from = slack.calls.length;
      const env = { KPI_CLOCK_START: clockStart, JOBS_LEASE_MS: "4000", JOBS_RECHECK_MS: "1000" };
      await Promise.all([start(0, env), start(1, env)]);
      const sends = () =>
        slack.calls.slice(from).filter((c) => c.method === "chat.postMessage" && c.response.ok === true);
      let killed = "";
      const until = Date.now() + 120_000;
      for (;;) {
        const [row] = await pgQuery<{ status: string; claimedBy: string | null }>(
          dbUrl,
          `SELECT status, "claimedBy" FROM "JobRun" WHERE job = 'remind-submit' AND period = $1`,
          [period],
        );
        if (row?.status === "DONE") break;
        if (killAfter !== undefined && !killed && sends().length >= killAfter && row?.claimedBy) {
          const pid = Number(row.claimedBy.split(":")[1]);
          const victim = replicas.find((r) => r?.proc.pid === pid);
          if (victim) {
            victim.kill("SIGKILL");
            await victim.exited;
            killed = `${victim.name} killed after ${sends().length} sends`;
          }
        }
        if (Date.now() > until) throw new Error(`remind-submit ${period} not done: ${JSON.stringify(row)}`);
        await sleep(killAfter !== undefined && !killed ? 20 : 250);
      }
      const recipients = await pgQuery<{ slackUserId: string; status: string }>(
        dbUrl,
        `SELECT p."slackUserId", r.status FROM "ReminderSend" r JOIN "Person" p ON p.id = r."recipientId"
         WHERE r.job = 'remind-submit' AND r.period = $1`,
        [period],
      );
      const perUser = new Map<string, number>();
      for (const c of sends()) {
        const ch = String(c.args.channel ?? "");
        const user = ch.startsWith("D") ? ch.slice(1) : ch;
        perUser.set(user, (perUser.get(user) ?? 0) + 1);
      }
      // a recipient recorded SENT without a DM is lost; SKIPPED ones (not in the Slack workspace, e.g.
      // the demo people) get none, by design
      const lost = recipients.filter(
        (r) => r.status !== "SKIPPED" && (perUser.get(r.slackUserId) ?? 0) === 0,
      ).length;
      const duplicates = [...perUser.values()].reduce((n, k) => n + Math.max(0, k - 1), 0);
      const statuses = new Map<string, number>();
      for (const r of recipients) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      return {
        recipients: recipients.length,
        lost,
        duplicates,
        killed,
        sent: sends().length,
        statuses: [...statuses].map(([k, n]) => `${n} ${k}`).join(", "),
      };
    };
    const up = await run("2026-11-05T09:00:30+08:00", "2026-10");
    rows.push({
      case: "(c) the 5th's reminders, both replicas up",
      requests: up.recipients,
      failuresSeen: 0,
      lost: up.lost,
      duplicates: up.duplicates,
      notes: `${up.sent} DMs; recipients ${up.statuses}`,
    });
    const kill = await run("2026-08-05T09:00:30+08:00", "2026-07", 12);
    rows.push({
      case: "(c) the 5th's reminders, one replica killed mid fan-out",
      requests: kill.recipients,
      failuresSeen: 0,
      lost: kill.lost,
      duplicates: kill.duplicates,
      notes: `${kill.killed || "NOT KILLED"}; the other resumed: ${kill.sent} DMs; recipients ${kill.statuses}`,
    });
    expect(up.recipients).toBeGreaterThan(40);
    expect([up.lost, up.duplicates]).toEqual([0, 0]);
    expect(kill.killed).not.toBe("");
    expect(kill.recipients).toBeGreaterThan(40);
    expect([kill.lost, kill.duplicates]).toEqual([0, 0]);
  });

  it("no replica logged a secret, and every request line has id, user, kind, latency", () => {
    const logs = allLogs.flat();
    const leaks = logs.filter(
      (l) => l.includes(SECRET) || l.includes(slack.botToken) || l.includes("/response/"),
    );
    const requests = logs
      .filter((l) => l.includes('"msg":"request"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(leaks.slice(0, 3)).toEqual([]);
    expect(requests.length).toBeGreaterThan(100);
    expect(
      requests.every(
        (r) => typeof r.reqId === "string" && typeof r.kind === "string" && typeof r.ms === "number",
      ),
    ).toBe(true);
  });
});
