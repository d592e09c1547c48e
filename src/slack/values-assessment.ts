/**
 * What the pricing, quality and award buttons and modals carry (value / private_metadata). Hints from the
 * client, never trusted: the use-cases re-check the actor's role, the ids and the month's state.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";

const id = z.string().min(1).max(64);
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const key = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const channel = z.string().max(64).optional();

/** A temporary task to price (button value). */
export const TaskRefSchema = z.object({ t: id });
/** The pricing form. */
export const PricingMetaSchema = z.object({ t: id, ch: channel });
export type PricingMeta = z.infer<typeof PricingMetaSchema>;

/** The quality form: person id, month, the key of this submission. */
export const QualityMetaSchema = z.object({ p: id, m: month, k: key, ch: channel });
export type QualityMeta = z.infer<typeof QualityMetaSchema>;

/** The veto confirmation pushed over the quality form (root: the form's view id, to refresh it). */
export const VetoMetaSchema = z.object({ p: id, m: month, k: key, root: z.string().max(64).optional() });
export type VetoMeta = z.infer<typeof VetoMetaSchema>;

/** A recorded adjustment or award to withdraw (button value). */
export const RecordRefSchema = z.object({ a: id });

/** The award form. */
export const AwardMetaSchema = z.object({ m: month, k: key, ch: channel });
export type AwardMeta = z.infer<typeof AwardMetaSchema>;

/** A fresh key for one form submission (retries and double clicks of that submission share it). */
export function formKey(): string {
  return randomBytes(12).toString("base64url");
}
