/**
 * Runs one job for one period: claim the run, work out the recipients, reconcile what an earlier
 * attempt left unconfirmed, then send each missing message through the fan-out queue, claiming each
 * send in the database first (see coordinator.ts), and DM the admins a summary.
 *
 * **Claim-then-send** (not send-then-record): each message's row is written PENDING before the Slack
 * call and SENT after it. If the process dies in between (or the call times out), the outcome is
 * unknown; the next attempt looks for the message in the recipient's DM (it carries the row id in its
 * metadata) and records it SENT if it is there, sends it if it is not, and leaves it PENDING,
 * reported as "unconfirmed", when Slack cannot tell (e.g. the app lacks `im:history`). So a crash never
 * doubles a message; at worst one message per call in flight is held back for an admin to resend
 * (`npm run admin -- jobs run <job> --period P --resend-unconfirmed`). Send-then-record would instead
 * resend every message whose record was lost: a double for each call in flight at the crash.
 */
import type { WebClient } from "@slack/web-api";
import type { Db } from "../db/client.js";
import { loadCalendar } from "../domain/calendar.js";
import { withCalendar } from "../domain/deadlines.js";
import { readSettings, type Settings } from "../domain/settings.js";
import type { JobRun } from "../generated/prisma/client.js";
import { type Lang, normalizeLang, translator } from "../i18n/index.js";
import { reminderMessage } from "../slack/blocks/reminders.js";
import type { Logger } from "../slack/logger.js";
import { type Clock, todayIn } from "../util/time.js";
import {
  claimRun,
  claimSend,
  finishRun,
  LEASE_MS,
  LeaseLost,
  recordSend,
  renewLease,
  type SendRow,
  toSendRow,
} from "./coordinator.js";
import { FanoutQueue, RateLimited, Transient } from "./queue.js";
import { asRecipient, type Recipient, recipientsFor, summaryRecipients } from "./recipients.js";
import type { JobName } from "./schedule.js";
import { holidayGaps } from "./status.js";

export interface JobDeps {
  db: Db;
  /** a Web API client that rejects rate-limited calls (the queue handles them) and does not retry */
  client: WebClient;
  clock: Clock;
  logger: Logger;
  /** this process, as recorded in JobRun.claimedBy */
  owner: string;
  sleep?: (ms: number) => Promise<void>;
  leaseMs?: number;
  /** overrides settings.fanoutPerSecond (benchmark) */
  perSecond?: number;
  concurrency?: number;
  /** aborted on a graceful stop: the fan-out finishes the calls in flight and releases the run */
  signal?: AbortSignal;
  /** called after each message is recorded (tests, benchmark) */
  onSent?: (r: { recipient: string; status: "SENT" | "FAILED" }) => void;
}

export interface RunOptions {
  /** what asked: "schedule", "catch-up", "cli", a Slack user id … */
  trigger: string;
  /** a manual rerun: also when the run is DONE (sends only what is missing) */
  rerun?: boolean;
  dryRun?: boolean;
  /** resend messages whose outcome an earlier attempt could not confirm */
  resendUnconfirmed?: boolean;
  /** the run, already claimed by this process (node-cron's coordinator) */
  claimed?: JobRun;
}

export interface RunReport {
  job: JobName;
  period: string;
  outcome: "done" | "busy" | "already-done" | "lease-lost" | "stopped" | "dry-run";
  recipients: number;
  sent: number;
  /** sent by an earlier attempt (restart, other replica, rerun) */
  already: number;
  failed: { slackUserId: string; name: string; error: string }[];
  unconfirmed: { slackUserId: string; name: string }[];
  dryRun?: { slackUserId: string; name: string; nameEn: string | null; alreadySent: boolean }[];
  rateLimited: number;
  retryAfterSeconds: number;
}

/** Slack errors worth retrying; any other error of a send is final for that recipient. */
const TRANSIENT_ERRORS = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

interface SlackError {
  code?: string;
  retryAfter?: number;
  data?: { error?: string };
  message?: string;
}

/** Maps a WebClient error to the queue's vocabulary, or to a final error code. */
function classify(error: unknown): RateLimited | Transient | { final: string } {
  const e = error as SlackError;
  if (e?.code === "slack_webapi_rate_limited_error") return new RateLimited(e.retryAfter ?? 1);
  if (e?.code === "slack_webapi_platform_error") {
    const code = e.data?.error ?? "unknown_error";
    if (code === "ratelimited") return new RateLimited(1);
    return TRANSIENT_ERRORS.has(code) ? new Transient(code) : { final: code };
  }
  // request errors (network, timeout) and HTTP errors (5xx): Slack may or may not have taken the message
  return new Transient(e?.message ?? String(error));
}

const METADATA_TYPE = "kpi_reminder";

interface SlackUserInfo {
  locale?: string;
  deleted: boolean;
}

/**
 * Every Slack user's locale and whether they are deactivated, from `users.list` (200 a page): a
 * deactivated user is not messaged (Slack would accept the post silently), and the message is in the
 * person's Slack language when they chose none in the bot. Best effort: on failure, an empty map.
 */
async function slackDirectory(
  client: WebClient,
  sleep: (ms: number) => Promise<void>,
  logger: Logger,
): Promise<Map<string, SlackUserInfo>> {
  const out = new Map<string, SlackUserInfo>();
  let cursor: string | undefined;
  for (let page = 0, tries = 0; page < 500 && tries < 20; ) {
    try {
      const r = await client.users.list({ limit: 200, include_locale: true, ...(cursor ? { cursor } : {}) });
      for (const m of r.members ?? []) {
        if (m.id) out.set(m.id, { locale: (m as { locale?: string }).locale, deleted: !!m.deleted });
      }
      cursor = r.response_metadata?.next_cursor || undefined;
      page++;
      if (!cursor) break;
    } catch (error) {
      tries++;
      const c = classify(error);
      if (c instanceof RateLimited) await sleep(c.retryAfterSec * 1000);
      else if (c instanceof Transient) await sleep(1000);
      else {
        logger.warn({ err: error }, "users.list failed: reminders use the default language");
        return out;
      }
    }
  }
  return out;
}

function langOf(r: { locale: string | null }, slackLocale: string | undefined, settings: Settings): Lang {
  return normalizeLang(r.locale) ?? normalizeLang(slackLocale) ?? normalizeLang(settings.language) ?? "zh-CN";
}

export async function runJob(
  deps: JobDeps,
  job: JobName,
  period: string,
  opts: RunOptions,
): Promise<RunReport> {
  const { db, client, logger } = deps;
  const settings = await withCalendar(db, await readSettings(db));
  const recipients = await recipientsFor(db, job, period, settings);
  const report: RunReport = {
    job,
    period,
    outcome: "done",
    recipients: recipients.length,
    sent: 0,
    already: 0,
    failed: [],
    unconfirmed: [],
    rateLimited: 0,
    retryAfterSeconds: 0,
  };

  if (opts.dryRun) {
    const sent = new Set(
      (
        await db.reminderSend.findMany({
          where: { job, period, status: "SENT" },
          select: { recipientId: true },
        })
      ).map((r) => r.recipientId),
    );
    report.outcome = "dry-run";
    report.dryRun = recipients.map((r) => ({
      slackUserId: r.slackUserId,
      name: r.name,
      nameEn: r.nameEn,
      alreadySent: sent.has(r.personId),
    }));
    return report;
  }

  const leaseMs = deps.leaseMs ?? LEASE_MS;
  const claim = opts.claimed
    ? { claimed: true as const, run: opts.claimed }
    : await claimRun(db, {
        job,
        period,
        owner: deps.owner,
        now: deps.clock(),
        trigger: opts.trigger,
        leaseMs,
        rerun: opts.rerun,
      });
  if (!claim.claimed) {
    report.outcome = claim.reason === "done" ? "already-done" : "busy";
    return report;
  }
  const run = claim.run;
  logger.info(
    { job, period, attempt: run.attempts, trigger: opts.trigger, recipients: recipients.length },
    "job run started",
  );

  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const directory =
    recipients.length > 0 ? await slackDirectory(client, sleep, logger) : new Map<string, SlackUserInfo>();

  const queue = new FanoutQueue({
    perSecond: deps.perSecond ?? settings.fanoutPerSecond,
    concurrency: deps.concurrency ?? 16,
    now: () => deps.clock().getTime(),
    sleep: deps.sleep,
  });
  let leaseLost = false;
  const loseLease = () => {
    if (leaseLost) return;
    leaseLost = true;
    queue.stop();
  };
  const heartbeat = setInterval(
    () => {
      renewLease(db, run.id, deps.owner, deps.clock(), leaseMs)
        .then((held) => {
          if (!held) loseLease();
        })
        .catch((e) => logger.warn({ err: e, job, period }, "could not renew the job's lease"));
    },
    Math.max(1_000, Math.floor(leaseMs / 3)),
  );
  heartbeat.unref();
  let stoppedBySignal = false;
  const onAbort = () => {
    stoppedBySignal = true;
    queue.stop();
  };
  if (deps.signal?.aborted) onAbort();
  deps.signal?.addEventListener("abort", onAbort, { once: true });

  // the lease is renewed by the timer above, and in-band by the app's clock (which tests and the
  // playground move faster than real time)
  let renewedAt = deps.clock().getTime();
  const renewInBand = async () => {
    const now = deps.clock().getTime();
    if (now - renewedAt < leaseMs / 4) return;
    renewedAt = now;
    if (!(await renewLease(db, run.id, deps.owner, new Date(now), leaseMs))) throw new LeaseLost(job, period);
  };
  const claimOne = async (jobKey: string, recipientId: string) => {
    await renewInBand();
    return claimSend(db, {
      runId: run.id,
      runJob: job,
      runPeriod: period,
      job: jobKey,
      period,
      recipientId,
      owner: deps.owner,
      now: deps.clock(),
    });
  };

  /** Looks for a message of row `row` in the recipient's DM: true found, false not there, undefined unknown. */
  const findDelivered = async (
    row: SendRow,
    slackUserId: string,
  ): Promise<{ ts: string; channel: string } | false | undefined> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const channel =
          row.channel ??
          ((await client.conversations.open({ users: slackUserId })).channel?.id as string | undefined);
        if (!channel) return undefined;
        const since = row.claimedAtMs - 60_000;
        let cursor: string | undefined;
        for (let page = 0; page < 5; page++) {
          const h = await client.conversations.history({
            channel,
            oldest: String(since / 1000),
            limit: 100,
            include_all_metadata: true,
            ...(cursor ? { cursor } : {}),
          });
          for (const m of h.messages ?? []) {
            const meta = (m as { metadata?: { event_type?: string; event_payload?: { send?: string } } })
              .metadata;
            if (meta?.event_type === METADATA_TYPE && meta.event_payload?.send === row.id && m.ts) {
              return { ts: m.ts, channel };
            }
          }
          cursor = h.response_metadata?.next_cursor || undefined;
          if (!h.has_more || !cursor) break;
        }
        return false;
      } catch (error) {
        const c = classify(error);
        if (c instanceof RateLimited) {
          await (deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))))(
            c.retryAfterSec * 1000,
          );
          continue;
        }
        logger.warn({ err: error, job, period, row: row.id }, "could not check a reminder's delivery");
        return undefined;
      }
    }
    return undefined;
  };

  /**
   * Sends one message exactly once: claim, post (with the row id in the metadata), record. Rate limits
   * and transient failures are thrown to the queue, which retries the same claimed row.
   */
  const deliver = (jobKey: string, r: Recipient) => {
    let row: SendRow | undefined;
    let ambiguous = false;
    return async (): Promise<"sent" | "already" | "failed" | "unconfirmed"> => {
      if (!row) {
        const c = await claimOne(jobKey, r.personId);
        if (c.state === "sent") return "already";
        if (c.state === "unknown") return "unconfirmed";
        row = c.row;
      }
      if (r.slackDeleted || directory.get(r.slackUserId)?.deleted) {
        await recordSend(db, row.id, { status: "FAILED", error: "user_deactivated" });
        report.failed.push({ slackUserId: r.slackUserId, name: r.name, error: "user_deactivated" });
        deps.onSent?.({ recipient: r.slackUserId, status: "FAILED" });
        return "failed";
      }
      if (ambiguous) {
        // the last call may have reached Slack: look before sending again
        const found = await findDelivered(row, r.slackUserId);
        if (found === undefined) throw new Transient("delivery unknown");
        if (found) {
          await recordSend(db, row.id, {
            status: "SENT",
            ts: found.ts,
            channel: found.channel,
            at: deps.clock(),
          });
          deps.onSent?.({ recipient: r.slackUserId, status: "SENT" });
          return "sent";
        }
        ambiguous = false;
      }
      const lang = langOf(r, directory.get(r.slackUserId)?.locale, settings);
      const m = reminderMessage(translator(lang), lang, r.content);
      let res: { ts?: string; channel?: string };
      try {
        res = await client.chat.postMessage({
          channel: r.slackUserId,
          text: m.text,
          blocks: m.blocks,
          metadata: { event_type: METADATA_TYPE, event_payload: { job: jobKey, period, send: row.id } },
        });
      } catch (error) {
        const c = classify(error);
        if (c instanceof RateLimited) throw c;
        if (c instanceof Transient) {
          ambiguous = true;
          throw c;
        }
        await recordSend(db, row.id, { status: "FAILED", error: c.final });
        report.failed.push({ slackUserId: r.slackUserId, name: r.name, error: c.final });
        deps.onSent?.({ recipient: r.slackUserId, status: "FAILED" });
        return "failed";
      }
      await recordSend(db, row.id, {
        status: "SENT",
        ts: res.ts ?? "",
        channel: res.channel ?? r.slackUserId,
        at: deps.clock(),
      });
      deps.onSent?.({ recipient: r.slackUserId, status: "SENT" });
      return "sent";
    };
  };

  const tally = (
    r: Recipient,
    outcome: Awaited<ReturnType<ReturnType<typeof deliver>>> | undefined,
    error?: unknown,
  ) => {
    if (error instanceof LeaseLost) return loseLease();
    if (outcome === "sent") report.sent++;
    else if (outcome === "already") report.already++;
    else if (outcome === "unconfirmed") report.unconfirmed.push({ slackUserId: r.slackUserId, name: r.name });
    else if (outcome === undefined && !leaseLost && !stoppedBySignal) {
      const message = error instanceof Error ? error.message : String(error);
      report.failed.push({ slackUserId: r.slackUserId, name: r.name, error: message });
      logger.warn({ err: error, job, period, recipient: r.slackUserId }, "reminder not sent");
    }
  };

  try {
    // 1. what an earlier attempt left unconfirmed
    const pending = await db.reminderSend.findMany({ where: { job, period, status: "PENDING" } });
    if (pending.length > 0) {
      const people = new Map(
        (
          await db.person.findMany({
            where: { id: { in: pending.map((p) => p.recipientId) } },
            select: { id: true, slackUserId: true },
          })
        ).map((p) => [p.id, p.slackUserId]),
      );
      for (const row of pending) {
        const slackUserId = people.get(row.recipientId);
        const found = slackUserId ? await findDelivered(toSendRow(row), slackUserId) : false;
        if (found) {
          await recordSend(db, row.id, {
            status: "SENT",
            ts: found.ts,
            channel: found.channel,
            at: deps.clock(),
          });
        } else if (found === false || opts.resendUnconfirmed) {
          await recordSend(db, row.id, {
            status: "FAILED",
            error: "not delivered (an earlier attempt stopped)",
          });
        }
      }
      logger.info(
        { job, period, pending: pending.length },
        "reconciled sends an earlier attempt left unconfirmed",
      );
    }

    // 2. the missing messages, at Slack's pace
    await Promise.all(
      recipients.map((r) =>
        queue
          .push(r.slackUserId, deliver(job, r))
          .then((s) => (s.ok ? tally(r, s.value) : tally(r, undefined, s.error))),
      ),
    );
    if (leaseLost) {
      report.outcome = "lease-lost";
      return report;
    }
    if (stoppedBySignal) {
      report.outcome = "stopped";
      // released at once: a restart (catch-up) or another replica resumes the rest
      await finishRun(db, run.id, deps.owner, deps.clock(), {
        status: "FAILED",
        sent: report.sent + report.already,
        skipped: 0,
        failed: report.failed.length,
        error: "stopped before finishing (the bot was shut down)",
      });
      return report;
    }

    // 3. the admins' summary (once per attempt that sent or failed something)
    if (report.sent > 0 || report.failed.length > 0 || report.unconfirmed.length > 0) {
      const admins = await summaryRecipients(db);
      const missingHolidayYears = holidayGaps(
        await loadCalendar(db),
        todayIn(settings.timeZone, deps.clock()),
      );
      const summaryJob = `${job}:summary#${run.attempts}`;
      await Promise.all(
        admins.map((a) => {
          const r = asRecipient(a, {
            kind: "summary",
            job,
            period,
            sent: report.sent,
            already: report.already,
            failed: report.failed.map((f) => ({ name: f.name, error: f.error })),
            unconfirmed: report.unconfirmed.map((u) => u.name),
            missingHolidayYears,
          });
          return queue.push(a.slackUserId, deliver(summaryJob, r)).then((s) => {
            if (!s.ok && s.error instanceof LeaseLost) loseLease();
          });
        }),
      );
    }
    report.rateLimited = queue.stats.rateLimited;
    report.retryAfterSeconds = queue.stats.retryAfterSeconds;
    if (leaseLost) {
      report.outcome = "lease-lost";
      return report;
    }
    await finishRun(db, run.id, deps.owner, deps.clock(), {
      status: "DONE",
      sent: report.sent + report.already,
      skipped: report.unconfirmed.length,
      failed: report.failed.length,
    });
    logger.info(
      {
        job,
        period,
        sent: report.sent,
        already: report.already,
        failed: report.failed.length,
        unconfirmed: report.unconfirmed.length,
      },
      "job run finished",
    );
    return report;
  } catch (error) {
    if (error instanceof LeaseLost) {
      report.outcome = "lease-lost";
      return report;
    }
    await finishRun(db, run.id, deps.owner, deps.clock(), {
      status: "FAILED",
      sent: report.sent,
      skipped: 0,
      failed: report.failed.length,
      error: error instanceof Error ? error.message : String(error),
    }).catch(() => {});
    throw error;
  } finally {
    clearInterval(heartbeat);
    deps.signal?.removeEventListener("abort", onAbort);
  }
}
