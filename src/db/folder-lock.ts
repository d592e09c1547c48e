/**
 * One process at a time on an embedded (PGlite) database folder. PGlite is an in-process database: two
 * processes opening the same folder each keep their own copy in memory and overwrite each other's
 * writes without any error. The lock file holds the owner's pid; a lock left by a process that no longer
 * runs is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

export const LOCK_FILE = "kpi-open.lock";

export class FolderInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database folder ${dir} is in use by process ${pid} (the bot, or another admin command). ` +
        "Stop that process first, or set DATABASE_URL to a PostgreSQL server to share one database between processes.",
    );
    this.name = "FolderInUseError";
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the folder's lock or throws FolderInUseError; returns the function that releases it. */
export function lockFolder(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener("exit", release);
        try {
          if (readFileSync(file, "utf8") === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let pid = 0;
      try {
        pid = Number(readFileSync(file, "utf8").trim());
      } catch {
        continue; // removed meanwhile: try again
      }
      if (pid > 0 && isRunning(pid)) throw new FolderInUseError(dir, pid);
      try {
        unlinkSync(file); // stale: its process is gone
      } catch {
        // someone else took it over first
      }
    }
  }
  throw new Error(`could not lock the embedded database folder ${dir}`);
}
