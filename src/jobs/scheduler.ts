/**
 * The job scheduler: decides what is due from the settings and the app's Clock, and runs it.
 *
 * - `runDueJobs(at)`: runs every occurrence due at `at` (today in the zone, its time passed, within the
 *   catch-up window), each claimed in the database so a second replica or a second call does nothing.
 *   This is the whole scheduler for a controllable clock: tests and the playground call it to "jump the
 *   clock" (e.g. to the 5th 09:00); `start()` calls it once for the catch-up after downtime.
 * - with the real clock, node-cron 4.6 fires a task at each configured time (in the configured zone) on
 *   every replica; the tasks are `distributed` and their run coordinator (`shouldRun`) claims the due
 *   (job, period) runs in the JobRun table: only the replica that claimed a run executes it.
 * - settings are re-read every minute; changed times or zone re-create the cron tasks.
 * - `stop()`: no new runs; running fan-outs stop taking messages, finish the calls in flight, record
 *   them, and release their run so a restart or another replica resumes it at once.
 */

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { WebClient } from "@slack/web-api";
import cron, { type RunCoordinator, type ScheduledTask } from "node-cron";
import type { Db } from "../db/client.js";
import { withCalendar } from "../domain/deadlines.js";
import { readSettings } from "../domain/settings.js";
import type { JobRun } from "../generated/prisma/client.js";
import type { Logger } from "../slack/logger.js";
import { type Clock, systemClock, todayIn } from "../util/time.js";
import { claimRun, LEASE_MS } from "./coordinator.js";
import { type JobDeps, type RunOptions, type RunReport, runJob } from "./runner.js";
import {
  cronTimes,
  dueOccurrences,
  type JobName,
  type Occurrence,
  type ScheduleSettings,
} from "./schedule.js";

export interface SchedulerOptions {
  db: Db;
  client: WebClient;
  clock?: Clock;
  logger: Logger;
  /** fire at the configured times with node-cron (default: when the clock is the system clock) */
  cron?: boolean;
  /** catch up on start (default true) */
  catchUp?: boolean;
  owner?: string;
  sleep?: (ms: number) => Promise<void>;
  leaseMs?: number;
  perSecond?: number;
}

export interface JobScheduler {
  /** this process's id in JobRun.claimedBy */
  readonly owner: string;
  /** catch-up run (in the background; see `idle`) and the cron tasks */
  start(): Promise<void>;
  /** graceful: no new runs, running fan-outs stop after the calls in flight, runs released */
  stop(): Promise<void>;
  /** Runs what is due at `at` (default: the clock's now). The playground's "jump the clock" hook. */
  runDueJobs(at?: Date): Promise<RunReport[]>;
  /** One job for one period now (admin "send now", CLI `jobs run`), or a dry run. */
  runJob(job: JobName, period: string, opts: RunOptions): Promise<RunReport>;
  /** resolves when the runs started so far are finished */
  idle(): Promise<void>;
}

export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

export function createScheduler(o: SchedulerOptions): JobScheduler {
  const clock = o.clock ?? systemClock;
  const useCron = o.cron ?? clock === systemClock;
  const owner = o.owner ?? processOwner();
  const running = new Set<Promise<unknown>>();
  let stopController = new AbortController();
  let tasks: ScheduledTask[] = [];
  let cronSignature = "";
  let watcher: NodeJS.Timeout | undefined;
  let stopped = false;
  /** runs claimed by the cron coordinator, by node-cron key, for the task to execute */
  const claimedByKey = new Map<string, { occurrence: Occurrence; run: JobRun }[]>();

  const deps = (): JobDeps => ({
    db: o.db,
    client: o.client,
    clock,
    logger: o.logger,
    owner,
    sleep: o.sleep,
    leaseMs: o.leaseMs,
    perSecond: o.perSecond,
    signal: stopController.signal,
  });

  const track = <T>(p: Promise<T>): Promise<T> => {
    running.add(p);
    void p.finally(() => running.delete(p)).catch(() => {});
    return p;
  };

  const scheduleSettings = async (): Promise<ScheduleSettings> =>
    withCalendar(o.db, await readSettings(o.db));

  const triggerOf = (occ: Occurrence, at: Date) =>
    at.getTime() - occ.at.getTime() > 120_000 ? "catch-up" : "schedule";

  const runOne = async (job: JobName, period: string, opts: RunOptions & { claimed?: JobRun }) => {
    try {
      return await runJob(deps(), job, period, opts);
    } catch (error) {
      o.logger.error({ err: error, job, period }, "job run failed");
      throw error;
    }
  };

  async function runDueJobs(at: Date = clock()): Promise<RunReport[]> {
    if (stopped) return [];
    const s = await scheduleSettings();
    const reports: RunReport[] = [];
    for (const occ of dueOccurrences(at, s)) {
      if (stopped) break;
      try {
        reports.push(await track(runOne(occ.job, occ.period, { trigger: triggerOf(occ, at) })));
      } catch {
        // logged; the next due check (or a restart) retries a FAILED run the same day
      }
    }
    return reports;
  }

  /** node-cron's coordinator: elects this replica for the due runs it manages to claim. */
  const coordinator: RunCoordinator = {
    async shouldRun(key) {
      const slot = new Date(key.slice(key.indexOf(":") + 1));
      if (Number.isNaN(slot.getTime()) || stopped) return false;
      const s = await scheduleSettings();
      const claimed: { occurrence: Occurrence; run: JobRun }[] = [];
      for (const occ of dueOccurrences(slot, s)) {
        const c = await claimRun(o.db, {
          job: occ.job,
          period: occ.period,
          owner,
          now: clock(),
          trigger: "schedule",
          leaseMs: o.leaseMs ?? LEASE_MS,
        });
        if (c.claimed) claimed.push({ occurrence: occ, run: c.run });
      }
      if (claimed.length === 0) return false;
      claimedByKey.set(key, claimed);
      return true;
    },
    onComplete(key) {
      claimedByKey.delete(key);
    },
  };

  const installCron = async () => {
    const s = await scheduleSettings();
    const times = s.remindersEnabled ? cronTimes(s) : [];
    const signature = `${s.timeZone}|${times.join(",")}`;
    if (signature === cronSignature) return;
    for (const t of tasks) await t.destroy();
    tasks = [];
    cronSignature = signature;
    for (const time of times) {
      const [hh, mm] = time.split(":") as [string, string];
      const name = `kpi-jobs-${hh}${mm}`;
      const task = cron.createTask(
        `0 ${Number(mm)} ${Number(hh)} * * *`,
        async (ctx) => {
          const key = `${name}:${ctx.date.toISOString()}`;
          for (const { occurrence, run } of claimedByKey.get(key) ?? []) {
            await track(
              runOne(occurrence.job, occurrence.period, { trigger: "schedule", claimed: run }).catch(
                () => undefined,
              ),
            );
          }
        },
        {
          timezone: s.timeZone,
          name,
          distributed: true,
          runCoordinator: coordinator,
          noOverlap: true,
          unref: true,
        },
      );
      // a slot node-cron could not fire on time (busy process): catch it up from the database's view
      task.on("execution:missed", () => {
        void track(runDueJobs(clock()).catch(() => []));
      });
      await task.start();
      tasks.push(task);
    }
    o.logger.info({ times, timeZone: s.timeZone }, "reminder schedule installed");
  };

  return {
    owner,
    async start() {
      stopped = false;
      if (stopController.signal.aborted) stopController = new AbortController();
      if (o.catchUp ?? true)
        void track(runDueJobs(clock()).catch((e) => o.logger.error({ err: e }, "catch-up failed")));
      if (useCron) {
        await installCron();
        watcher = setInterval(() => {
          installCron().catch((e) => o.logger.warn({ err: e }, "could not reload the reminder schedule"));
        }, 60_000);
        watcher.unref();
      }
    },
    async stop() {
      stopped = true;
      if (watcher) clearInterval(watcher);
      for (const t of tasks) await t.destroy();
      tasks = [];
      cronSignature = "";
      stopController.abort();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    runDueJobs,
    runJob: (job, period, opts) => track(runOne(job, period, opts)),
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

/** Today's date in the zone at the clock's now (for callers choosing a default period). */
export function todayOf(clock: Clock, timeZone: string): string {
  return todayIn(timeZone, clock());
}
