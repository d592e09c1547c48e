/**
 * What an import reports when it refuses a file: every problem, each with its line (CSV) or row (XLSX)
 * number and the column it concerns. A refused file writes nothing (see each importer).
 */

export interface Problem {
  /** 1-based line (CSV) or row (XLSX) number; null for a problem of the whole file */
  line: number | null;
  /** the column concerned, as named in the file's header */
  column?: string;
  message: string;
}

/** The file-level problem of a catalog or people import into a database without work categories. */
export const NO_CATEGORIES =
  "the database has no work categories yet: run `npm run admin -- seed` first (it creates the five categories of SCHEME.md with their weights)";

/** Beyond this many problems the rest are counted, not listed (a wrong file can have millions). */
export const MAX_LISTED_PROBLEMS = 1000;

export class ProblemList {
  readonly items: Problem[] = [];
  omitted = 0;

  add(line: number | null, message: string, column?: string): void {
    if (this.items.length >= MAX_LISTED_PROBLEMS) {
      this.omitted++;
      return;
    }
    this.items.push(column === undefined ? { line, message } : { line, column, message });
  }

  get count(): number {
    return this.items.length + this.omitted;
  }

  get empty(): boolean {
    return this.count === 0;
  }
}

/** The file was refused as a whole; nothing was written. */
export class ImportRefusedError extends Error {
  readonly problems: Problem[];
  readonly omitted: number;

  constructor(
    readonly source: string,
    list: ProblemList,
    /** "line" for CSV, "row" for XLSX */
    readonly locLabel: "line" | "row" = "line",
  ) {
    super(`${source}: refused, ${list.count} problem${list.count === 1 ? "" : "s"}; nothing was imported`);
    this.name = "ImportRefusedError";
    this.problems = [...list.items].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    this.omitted = list.omitted;
  }

  /** One problem per line of text, e.g. "line 4, count: must be a whole number ≥ 1, got "-2"". */
  describe(): string[] {
    const lines = this.problems.map((p) => formatProblem(p, this.locLabel));
    if (this.omitted > 0) lines.push(`… and ${this.omitted} more problem${this.omitted === 1 ? "" : "s"}`);
    return lines;
  }
}

export function formatProblem(p: Problem, locLabel: "line" | "row" = "line"): string {
  const where = p.line === null ? "file" : `${locLabel} ${p.line}`;
  return p.column ? `${where}, ${p.column}: ${p.message}` : `${where}: ${p.message}`;
}

export function isImportRefused(e: unknown): e is ImportRefusedError {
  return e instanceof ImportRefusedError;
}
