/** Where the CLI writes, and plain-text tables that line up with Chinese text in a terminal. */

export interface Output {
  /** a line of the command's result (stdout) */
  out(line?: string): void;
  /** a line of diagnostics or errors (stderr) */
  err(line?: string): void;
}

export const consoleOutput: Output = {
  out: (line = "") => process.stdout.write(`${line}\n`),
  err: (line = "") => process.stderr.write(`${line}\n`),
};

/** An Output that keeps the lines, for tests and for callers that print elsewhere. */
export function bufferOutput(): Output & { stdout: string[]; stderr: string[]; text(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line = "") => stdout.push(line),
    err: (line = "") => stderr.push(line),
    text: () => [...stdout, ...stderr].join("\n"),
  };
}

/** Terminal columns a character takes: 2 for East Asian wide and full-width characters, else 1. */
function charWidth(cp: number): number {
  if (cp < 0x1100) return 1;
  if (
    cp <= 0x115f ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

function pad(s: string, width: number, align: "l" | "r"): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(s)));
  return align === "r" ? fill + s : s + fill;
}

/** Renders rows under a header, columns separated by two spaces; `align` "r" for numbers. */
export function renderTable(header: string[], rows: string[][], align: ("l" | "r")[] = []): string[] {
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ""))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!, align[i] ?? "l"))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}
