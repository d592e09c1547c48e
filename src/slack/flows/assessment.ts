/**
 * The Slack side of pricing, quality scoring and the discretionary pool: opening the forms (views.open with
 * the trigger_id first, then filled with views.update), reading their state, and telling the people
 * concerned by DM in their own language. The rules live in src/domain (pricing.ts, quality.ts, awards.ts).
 */
import type { WebClient } from "@slack/web-api";
import type { PricingTask } from "../../domain/pricing.js";
import type { QualitySheet } from "../../domain/quality.js";
import { type Lang, type Translate, translator } from "../../i18n/index.js";
import { localDateTime } from "../../util/time.js";
import {
  alreadyPricedText,
  awardModal,
  noticeModal,
  pricingModal,
  qualityModal,
} from "../blocks/assessment.js";
import type { Message, ModalView } from "../blocks/kit.js";
import { loadingModal, messageModal } from "../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../context.js";
import { type Actor, auditMalformed, poolView, pricingTask, qualitySheet } from "../domain.js";
import { formKey } from "../values-assessment.js";

/** A view's state.values, as Slack sends it (read defensively: it comes from the client). */
export type ViewState = unknown;

function elementOf(values: unknown, block: string, action: string): Record<string, unknown> | undefined {
  if (!values || typeof values !== "object") return undefined;
  const b = (values as Record<string, unknown>)[block];
  if (!b || typeof b !== "object") return undefined;
  const el = (b as Record<string, unknown>)[action];
  return el && typeof el === "object" ? (el as Record<string, unknown>) : undefined;
}

/** The text typed in an input (trimmed; "" when empty). */
export function textIn(values: ViewState, block: string, action: string): string {
  const v = elementOf(values, block, action)?.value;
  return typeof v === "string" ? v.trim() : "";
}

/** The option values ticked in every checkboxes block whose id starts with `prefix`. */
export function tickedIn(values: ViewState, prefix: string, action: string): string[] {
  const out: string[] = [];
  if (!values || typeof values !== "object") return out;
  for (const block of Object.keys(values)) {
    if (block !== prefix && !block.startsWith(`${prefix}:`)) continue;
    const sel = elementOf(values, block, action)?.selected_options;
    if (!Array.isArray(sel)) continue;
    for (const o of sel) {
      const v = o && typeof o === "object" ? (o as { value?: unknown }).value : undefined;
      if (typeof v === "string") out.push(v);
    }
  }
  return out;
}

export function selectedIn(values: ViewState, block: string, action: string): string {
  const el = elementOf(values, block, action);
  const opt = el?.selected_option as { value?: unknown } | null | undefined;
  if (opt && typeof opt.value === "string") return opt.value;
  if (typeof el?.selected_user === "string") return el.selected_user;
  return "";
}

/** What a malformed pricing, quality or award request would have done: the audit row's action and entity. */
export const MALFORMED = {
  pricingView: { action: "pricing.view", entityType: "TempTask" },
  pricingPrice: { action: "pricing.price", entityType: "TempTask" },
  qualityView: { action: "quality.view", entityType: "QualityReview" },
  qualityRecord: { action: "quality.record", entityType: "QualityReview" },
  qualityVeto: { action: "quality.veto", entityType: "QualityAdjustment" },
  qualityRevoke: { action: "quality.revoke", entityType: "QualityAdjustment" },
  awardGive: { action: "award.give", entityType: "DiscretionaryAward" },
  awardRevoke: { action: "award.revoke", entityType: "DiscretionaryAward" },
} as const;

/**
 * A form or button whose payload does not parse (forged, truncated or stale): nothing is done, the refusal
 * is audited when the clicker is registered (an unknown user has no trail to write to). Returns the
 * reader's translator for the answer.
 */
export async function refuseMalformed(
  ctx: SlackContext,
  user: string,
  what: { action: string; entityType: string },
  raw: unknown,
): Promise<Translate> {
  const actor = await ctx.actors.get(user).catch(() => null);
  if (actor) await auditMalformed(ctx.db, actor, what, raw);
  return translator(await resolveLang(ctx, user, actor));
}

/** The modal that answers a malformed form: it could not be read, nothing was saved. */
export async function malformedFormModal(
  ctx: SlackContext,
  user: string,
  what: { action: string; entityType: string },
  raw: unknown,
): Promise<ModalView> {
  const t = await refuseMalformed(ctx, user, what, raw);
  return messageModal(t, t("errors.invalidForm"));
}

/** Opens a loading modal at once, then replaces it with what `build` returns (or the error). */
async function openThenFill(
  ctx: SlackContext,
  client: WebClient,
  triggerId: string,
  user: string,
  where: string,
  build: (lang: Lang, t: Translate) => Promise<ModalView>,
): Promise<void> {
  const lang0 = quickLang(ctx, user, ctx.actors.peek(user));
  const opened = await client.views.open({ trigger_id: triggerId, view: loadingModal(translator(lang0)) });
  const viewId = opened.view?.id;
  if (!viewId) return;
  let lang = lang0;
  try {
    const actor = await ctx.actors.get(user);
    lang = await resolveLang(ctx, user, actor);
    const view = await build(lang, translator(lang));
    await client.views.update({ view_id: viewId, view });
  } catch (error) {
    await client.views
      .update({ view_id: viewId, view: messageModal(translator(lang), errorText(ctx, lang, error, where)) })
      .catch((e) => ctx.logger.warn({ err: e, where }, "could not show an error in a modal"));
  }
}

/** The pricing form of one task (from the queue's Price… button). */
export async function openPricingModal(
  ctx: SlackContext,
  client: WebClient,
  triggerId: string,
  user: string,
  taskId: string,
  channel?: string,
): Promise<void> {
  await openThenFill(ctx, client, triggerId, user, "modal.pricing", async (lang, t) => {
    const actor = await ctx.actors.get(user);
    const task = await pricingTask(ctx.db, actor, taskId);
    if (task.owner.personId === actor.personId) {
      return noticeModal(t, t("pricing.title"), t("errors.pricing.ownTask", { taskId: task.id }));
    }
    if (task.status !== "AWAITING_PRICING") {
      const text =
        task.status === "PRICED"
          ? alreadyPricedNotice(ctx, t, task)
          : t("errors.pricing.taskDeleted", { taskId: task.id });
      return noticeModal(t, t("pricing.title"), text);
    }
    return pricingModal(t, lang, task, { t: task.id, ...(channel ? { ch: channel } : {}) });
  });
}

export function alreadyPricedNotice(ctx: SlackContext, t: Translate, task: PricingTask): string {
  return alreadyPricedText(t, task, task.pricedAt ? localDateTime(task.pricedAt, ctx.deps.timeZone) : "");
}

/** The quality form as it stands now, with a fresh submission key. */
export function renderQuality(
  ctx: SlackContext,
  t: Translate,
  lang: Lang,
  sheet: QualitySheet,
  opts: {
    channel?: string;
    notice?: string;
    key?: string;
    preview?: { value: string; vetoed: boolean };
  } = {},
): ModalView {
  return qualityModal(t, lang, sheet, {
    meta: {
      p: sheet.person.personId,
      m: sheet.month,
      k: opts.key ?? formKey(),
      ...(opts.channel ? { ch: opts.channel } : {}),
    },
    ...(opts.notice ? { notice: opts.notice } : {}),
    ...(opts.preview ? { preview: opts.preview } : {}),
    ...(sheet.review ? { reviewedAt: localDateTime(sheet.review.at, ctx.deps.timeZone) } : {}),
  });
}

export async function openQualityModal(
  ctx: SlackContext,
  client: WebClient,
  triggerId: string,
  user: string,
  input: { person: string; month: string; channel?: string },
): Promise<void> {
  await openThenFill(ctx, client, triggerId, user, "modal.quality", async (lang, t) => {
    const actor = await ctx.actors.get(user);
    const sheet = await qualitySheet(ctx.db, actor, { person: input.person, month: input.month });
    return renderQuality(ctx, t, lang, sheet, input.channel ? { channel: input.channel } : {});
  });
}

export async function openAwardModal(
  ctx: SlackContext,
  client: WebClient,
  triggerId: string,
  user: string,
  input: { month: string; channel?: string },
): Promise<void> {
  await openThenFill(ctx, client, triggerId, user, "modal.award", async (_lang, t) => {
    const actor = await ctx.actors.get(user);
    const pool = await poolView(ctx.db, actor, input.month);
    return awardModal(t, pool, {
      meta: { m: input.month, k: formKey(), ...(input.channel ? { ch: input.channel } : {}) },
    });
  });
}

/** A DM to someone, written in their language. Logs instead of throwing. */
export async function dmPerson(
  ctx: SlackContext,
  client: WebClient,
  slackUserId: string,
  render: (t: Translate, lang: Lang) => Message,
): Promise<void> {
  try {
    const actor: Actor | null = await ctx.actors.get(slackUserId).catch(() => null);
    const lang = await resolveLang(ctx, slackUserId, actor);
    const m = render(translator(lang), lang);
    await client.chat.postMessage({ channel: slackUserId, text: m.text, blocks: m.blocks });
  } catch (error) {
    ctx.logger.error({ err: error, user: slackUserId }, "could not send a DM");
  }
}
