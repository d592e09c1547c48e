/**
 * What buttons and modals carry (value / private_metadata), as zod schemas. A value is a hint from the
 * client, never trusted: handlers parse it, then the use-cases re-check ownership and state.
 */
import { z } from "zod";
import { LIMITS } from "./blocks/kit.js";
import { packValue } from "./values-pack.js";

const id = z.string().min(1).max(64);
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A line waiting for a choice or a confirmation: item, count, work date, note. */
export const PendingLogSchema = z.object({
  i: id,
  c: z.number().int(),
  d: date,
  n: z.string().max(1000).optional(),
});
export type PendingLog = z.infer<typeof PendingLogSchema>;

/** A line of a month's list, for Edit / Delete. */
export const LineRefSchema = z.object({ a: z.enum(["edit", "delete"]).optional(), id, m: month });
export type LineRef = z.infer<typeof LineRefSchema>;

export const ListRefSchema = z.object({ m: month, p: z.number().int().min(0).max(1000).default(0) });
export type ListRef = z.infer<typeof ListRefSchema>;

export const SheetRefSchema = z.object({ m: month, s: id.optional(), v: z.number().int().min(0).optional() });
export type SheetRef = z.infer<typeof SheetRefSchema>;

/**
 * A sheet on a review card, the overview or a review modal: sheet id, the version shown (a decision on a
 * changed sheet is refused), o: clicked in the `/kpi review` overview, p: a page of a modal.
 */
export const ReviewRefSchema = z.object({
  s: id,
  v: z.number().int().min(0).optional(),
  o: z.literal(1).optional(),
  p: z.number().int().min(0).max(1000).optional(),
});
export type ReviewRef = z.infer<typeof ReviewRefSchema>;

/** "Approve all clean": the month and the clean sheets the overview showed (id → version). */
export const ApproveAllRefSchema = z.object({
  m: month,
  s: z.record(id, z.number().int().min(0)).optional(),
});
export type ApproveAllRef = z.infer<typeof ApproveAllRefSchema>;

/** private_metadata of the log modal. */
export const LogModalMetaSchema = z.object({ ch: z.string().max(64).optional() });
export type LogModalMeta = z.infer<typeof LogModalMetaSchema>;

/** private_metadata of the edit modal. */
export const EditModalMetaSchema = z.object({
  id,
  m: month,
  ch: z.string().max(64).optional(),
  /** item id, for the checklist */
  i: id.optional(),
});
export type EditModalMeta = z.infer<typeof EditModalMetaSchema>;

/** private_metadata of the plausibility confirmation modal. */
export const ConfirmModalMetaSchema = z.object({
  p: PendingLogSchema,
  ch: z.string().max(64).optional(),
  links: z.array(z.string().max(500)).max(10).optional(),
  files: z
    .array(z.object({ id, name: z.string().max(200).optional() }))
    .max(10)
    .optional(),
  checked: z.array(id).max(20).optional(),
});
export type ConfirmModalMeta = z.infer<typeof ConfirmModalMetaSchema>;

/** Parses a JSON value with a schema; undefined when it is not JSON or does not fit. */
export function unpack<T>(schema: z.ZodType<T>, raw: string | undefined | null): T | undefined {
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A PendingLog packed for a button, with the note cut if needed to stay under Slack's 2000 limit. */
export function packPending(p: PendingLog): string {
  const note = p.n ? Array.from(p.n).slice(0, 1000).join("") : undefined;
  return packValue({ i: p.i, c: p.c, d: p.d, ...(note ? { n: note } : {}) }, LIMITS.buttonValue);
}

export function isMonthValue(v: string): boolean {
  return month.safeParse(v).success;
}

/** A month to close (the preview's buttons), with the inputs hash the preview showed. */
export const CloseRefSchema = z.object({
  m: month,
  h: z
    .string()
    .regex(/^[0-9a-f]{8,64}$/)
    .optional(),
});
export type CloseRef = z.infer<typeof CloseRefSchema>;
