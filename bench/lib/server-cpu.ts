/**
 * CPU time used by the local PostgreSQL server's processes (backends and background workers), read from
 * /proc: Linux only, and only for a server on this machine. The benchmark's own process CPU comes from
 * process.cpuUsage(); this is the other half of what one request costs on a shared machine.
 * Processes that exit between two readings are not counted (keep the pool's connections open across).
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Milliseconds of CPU (user + system) used so far by processes named `postgres`; undefined off Linux. */
export function postgresCpuMs(): number | undefined {
  let dirs: string[];
  try {
    dirs = readdirSync("/proc");
  } catch {
    return undefined;
  }
  let ticks = 0;
  let found = false;
  for (const d of dirs) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(")");
    if (stat.slice(stat.indexOf("(") + 1, close) !== "postgres") continue;
    const fields = stat.slice(close + 2).split(" ");
    // after "pid (comm) ": state is field 0, utime field 11, stime field 12
    ticks += Number(fields[11]) + Number(fields[12]);
    found = true;
  }
  return found ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
}
