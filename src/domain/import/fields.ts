/**
 * Cell validators shared by the import formats (zod 4), and the helper that validates one row and
 * records each failing cell as a problem of that line and column.
 */
import { z } from "zod";
import { isDate, isMonth } from "../../util/time.js";
import type { ProblemList } from "./problems.js";
import type { BoundRow } from "./table.js";

/** Largest points per unit an item may carry (hundredths fit an Int with room to spare). */
export const MAX_POINTS_HUNDREDTHS = 10_000_000;
/** Largest count one line may carry. */
export const MAX_LINE_COUNT = 1_000_000;

export const requiredText = (max = 200) =>
  z
    .string()
    .min(1, { error: "is required" })
    .max(max, { error: `is longer than ${max} characters` });

export const optionalText = (max = 200) =>
  z
    .string()
    .max(max, { error: `is longer than ${max} characters` })
    .transform((s) => (s === "" ? null : s));

/** An identifier such as an item or section code: letters, digits, "_", "-", "."; read in upper case. */
export const codeField = z
  .string()
  .min(1, { error: "is required" })
  .transform((s) => s.toUpperCase())
  .pipe(
    z.string().regex(/^[A-Z0-9][A-Z0-9_.-]{0,31}$/, { error: "must be letters, digits, _ - . (at most 32)" }),
  );

const POINTS_RE = /^\d+(\.\d{1,2})?$/;

/** "3", "2.5", "1.25" points → hundredths (integer). Positive, at most 2 decimals. */
export const pointsField = z
  .string()
  .min(1, { error: "is required" })
  .superRefine((s, ctx) => {
    if (s !== "" && !POINTS_RE.test(s)) {
      ctx.addIssue({
        code: "custom",
        message: s.startsWith("-")
          ? "must not be negative"
          : "must be a number of points with at most 2 decimals, e.g. 3 or 2.5",
      });
    }
  })
  .transform((s) => hundredthsOf(s))
  .pipe(
    z
      .number()
      .min(1, { error: "must be more than 0" })
      .max(MAX_POINTS_HUNDREDTHS, { error: `must be at most ${MAX_POINTS_HUNDREDTHS / 100}` }),
  );

/** "12.5" → 1250 (the caller has checked the form). */
export function hundredthsOf(s: string): number {
  const neg = s.startsWith("-") || s.startsWith("−");
  const body = s.replace(/^[+\-−]/, "");
  const [whole = "0", frac = ""] = body.split(".");
  const v = Number(whole) * 100 + Number(frac.padEnd(2, "0"));
  return neg ? -v : v;
}

/** Turns a decoder's errors into issues of the cell being parsed. */
export function decoded<T>(decode: (s: string) => { ok: true; value: T } | { ok: false; errors: string[] }) {
  return z.string().transform((s, ctx) => {
    const d = decode(s);
    if (d.ok) return d.value;
    for (const message of d.errors) ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  });
}

/** A count of units: a whole number ≥ 1. */
export const countField = z
  .string()
  .min(1, { error: "is required" })
  .superRefine((s, ctx) => {
    if (s === "" || /^\d+$/.test(s)) return;
    const message = /^[-−]\d/.test(s)
      ? "must not be negative"
      : /^[-−]?\d*\.\d+$/.test(s)
        ? "must be a whole number"
        : "must be a whole number ≥ 1";
    ctx.addIssue({ code: "custom", message });
  })
  .transform((s) => Number(s))
  .pipe(
    z
      .number()
      .min(1, { error: "must be at least 1" })
      .max(MAX_LINE_COUNT, { error: `must be at most ${MAX_LINE_COUNT}` }),
  );

export const dateField = z
  .string()
  .min(1, { error: "is required" })
  .refine((s) => isDate(s), { error: "is not a date (expected YYYY-MM-DD, e.g. 2026-10-09)" });

export const monthField = z
  .string()
  .min(1, { error: "is required" })
  .refine((s) => isMonth(s), { error: "is not a month (expected YYYY-MM)" });

const TRUE = new Set(["yes", "y", "true", "1", "是", "x", "✓"]);
const FALSE = new Set(["no", "n", "false", "0", "否", ""]);

/** yes/no, true/false, 1/0, 是/否; empty = the default. */
export const boolField = (dflt: boolean) =>
  z.string().transform((s, ctx) => {
    const v = s.toLowerCase();
    if (v === "") return dflt;
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    ctx.addIssue({ code: "custom", message: "must be yes or no" });
    return z.NEVER;
  });

/** zh-CN or en; empty = follow the user's Slack locale (null). */
export const localeField = z.string().transform((s, ctx) => {
  const v = s.toLowerCase().replace("_", "-");
  if (v === "") return null;
  if (v === "zh-cn" || v === "zh") return "zh-CN";
  if (v === "en" || v.startsWith("en-")) return "en";
  ctx.addIssue({ code: "custom", message: "must be zh-CN or en (or empty)" });
  return z.NEVER;
});

/**
 * Validates one bound row with a zod object schema over its cells. Each failing cell becomes a problem
 * of that line and column (quoting the value found); returns null when any cell failed.
 */
export function validateRow<S extends z.ZodType>(
  schema: S,
  row: BoundRow,
  problems: ProblemList,
): z.output<S> | null {
  const parsed = schema.safeParse(row.values);
  if (parsed.success) return parsed.data;
  const seen = new Set<string>();
  for (const issue of parsed.error.issues) {
    const column = issue.path.length > 0 ? String(issue.path[0]) : undefined;
    const key = `${column}:${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const got = column === undefined ? "" : (row.values[column] ?? "");
    // quote the cell unless the message quotes (part of) it already
    const quote = got !== "" && got.length <= 60 && !issue.message.includes('"');
    problems.add(row.line, quote ? `${issue.message}, got "${got}"` : issue.message, column);
  }
  return null;
}
