/**
 * Buttons of the catalog and of a proposal card: "Propose a change" on an item (opens the propose
 * modal), Agree / Disagree (one vote per person, the card re-rendered in place, the voter answered
 * ephemerally), Decide (the assessment group's decision modal with the effect preview).
 */

import { audit } from "../../../domain/audit.js";
import { hasRole } from "../../../domain/people.js";
import {
  earliestEffectiveMonth,
  effectPreview,
  parsePoints,
  readProposal,
  voteOnProposal,
} from "../../../domain/proposals.js";
import { translator } from "../../../i18n/index.js";
import { shiftMonth } from "../../../util/time.js";
import { simpleMessage } from "../../blocks/log-reply.js";
import { loadingModal, messageModal } from "../../blocks/modal.js";
import { decideModal, proposeModal, voteReply } from "../../blocks/proposals.js";
import { errorText, quickLang, resolveLang, type SlackContext, today } from "../../context.js";
import { DomainError } from "../../domain.js";
import { itemForProposal, refreshCard } from "../../flows/proposals.js";
import { type ActionArgs, actionHandler, actionValue, invalidRequest } from "./handler.js";

const ID = /^[a-z0-9]{8,40}$/i;

/** Opens a modal at once (trigger), then fills it; errors end up in the modal. */
async function openFilled(
  ctx: SlackContext,
  args: ActionArgs,
  where: string,
  fill: (
    lang: ReturnType<typeof quickLang>,
  ) => Promise<Parameters<ActionArgs["client"]["views"]["update"]>[0]["view"]>,
): Promise<void> {
  await args.ack();
  const user = args.body.user.id;
  const lang0 = quickLang(ctx, user, ctx.actors.peek(user));
  const opened = await args.client.views.open({
    trigger_id: args.body.trigger_id,
    view: loadingModal(translator(lang0)),
  });
  const viewId = opened.view?.id;
  if (!viewId) return;
  let lang = lang0;
  try {
    const actor = await ctx.actors.get(user);
    lang = await resolveLang(ctx, user, actor);
    await args.client.views.update({ view_id: viewId, view: await fill(lang) });
  } catch (error) {
    await args.client.views
      .update({ view_id: viewId, view: messageModal(translator(lang), errorText(ctx, lang, error, where)) })
      .catch(() => {});
  }
}

export function itemProposeAction(ctx: SlackContext) {
  return (args: ActionArgs) =>
    openFilled(ctx, args, "action.itemPropose", async (lang) => {
      const t = translator(lang);
      const value = actionValue(args);
      if (!ID.test(value)) return messageModal(t, t("errors.invalidRequest"));
      const e = await itemForProposal(ctx, value);
      const ch = (args.body as { channel?: { id?: string } }).channel?.id;
      return proposeModal(t, lang, { item: e, ...(ch ? { ch } : {}) });
    });
}

export function proposalVoteAction(ctx: SlackContext, choice: "AGREE" | "DISAGREE") {
  return actionHandler(ctx, `action.vote.${choice}`, async ({ actor, t, value, reply, args }) => {
    if (!ID.test(value)) return reply(invalidRequest(t), { replace: false });
    const r = await voteOnProposal(ctx.db, ctx.deps, actor, { proposalId: value, choice });
    if (r.outcome !== "same") {
      await refreshCard(ctx, args.client, value).catch((error) =>
        ctx.logger.error({ err: error, proposal: value }, "proposal card update failed"),
      );
    }
    await reply(simpleMessage(voteReply(t, r.outcome, r.choice)), { replace: false });
  });
}

/** The months an adoption may take effect from: the earliest allowed and the next eleven. */
export async function effectiveMonths(ctx: SlackContext): Promise<string[]> {
  const first = await earliestEffectiveMonth(ctx.db, ctx.deps);
  return Array.from({ length: 12 }, (_, i) => shiftMonth(first, i));
}

export function proposalDecideAction(ctx: SlackContext) {
  return async (args: ActionArgs): Promise<void> => {
    const user = args.body.user.id;
    const value = actionValue(args);
    // refuse a non-member before opening anything: an ephemeral answer, audited
    let actor: Awaited<ReturnType<typeof ctx.actors.get>>;
    try {
      actor = await ctx.actors.get(user);
    } catch (error) {
      await args.ack();
      const lang = quickLang(ctx, user);
      await args.respond({
        response_type: "ephemeral",
        replace_original: false,
        text: errorText(ctx, lang, error, "action.decide"),
      });
      return;
    }
    if (!hasRole(actor, "ASSESSMENT_GROUP")) {
      await args.ack();
      await audit(ctx.db, {
        actor: user,
        action: "proposal.decide.open",
        entityType: "Proposal",
        entityId: ID.test(value) ? value : null,
        outcome: "REFUSED",
        reason: "auth.forbidden",
      }).catch(() => {});
      const lang = await resolveLang(ctx, user, actor);
      const text = errorText(
        ctx,
        lang,
        new DomainError("auth.forbidden", { roles: "ASSESSMENT_GROUP" }),
        "action.decide",
      );
      await args.respond({ response_type: "ephemeral", replace_original: false, text });
      return;
    }
    await openFilled(ctx, args, "action.decide", async (lang) => {
      const t = translator(lang);
      if (!ID.test(value)) return messageModal(t, t("errors.invalidRequest"));
      const p = await readProposal(ctx.db, value, today(ctx).slice(0, 7));
      if (p.state !== "OPEN") throw new DomainError("proposal.closed", { state: p.state });
      const preview = p.isNew
        ? null
        : await effectPreview(ctx.db, ctx.deps, { itemCode: p.item.code, points: p.proposedPoints });
      const cat = await ctx.db.category.findUnique({ where: { code: p.item.categoryCode } });
      return decideModal(t, lang, {
        proposal: p,
        categoryName: cat ? (lang === "en" ? cat.nameEn : cat.name) : p.item.categoryCode,
        preview,
        months: await effectiveMonths(ctx),
      });
    });
  };
}

/** Enter in the decision form's points field: the same form, its preview computed for those points. */
export function proposalPreviewAction(ctx: SlackContext) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    const view = (args.body as { view?: { id?: string; hash?: string; private_metadata?: string } }).view;
    if (!view?.id) return;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const t = translator(lang);
      if (!hasRole(actor, "ASSESSMENT_GROUP"))
        throw new DomainError("auth.forbidden", { roles: "ASSESSMENT_GROUP" });
      const meta = (() => {
        try {
          return JSON.parse(view.private_metadata ?? "{}") as { p?: unknown };
        } catch {
          return {};
        }
      })();
      const id = typeof meta.p === "string" && ID.test(meta.p) ? meta.p : null;
      if (!id) throw new DomainError("proposal.notFound");
      const typed = actionValue(args).trim().slice(0, 20);
      const p = await readProposal(ctx.db, id, today(ctx).slice(0, 7));
      if (p.state !== "OPEN") throw new DomainError("proposal.closed", { state: p.state });
      let points: number | null = null;
      let error: string | undefined;
      try {
        points = parsePoints(typed);
      } catch (e) {
        error = errorText(ctx, lang, e, "action.preview");
      }
      const preview =
        p.isNew || points === null
          ? null
          : await effectPreview(ctx.db, ctx.deps, { itemCode: p.item.code, points });
      const cat = await ctx.db.category.findUnique({ where: { code: p.item.categoryCode } });
      await args.client.views.update({
        view_id: view.id,
        ...(view.hash ? { hash: view.hash } : {}),
        view: decideModal(t, lang, {
          proposal: p,
          categoryName: cat ? (lang === "en" ? cat.nameEn : cat.name) : p.item.categoryCode,
          preview,
          months: await effectiveMonths(ctx),
          amend: { points: typed, ...(error ? { error } : {}) },
        }),
      });
    } catch (error) {
      await args.client.views
        .update({
          view_id: view.id,
          view: messageModal(translator(lang), errorText(ctx, lang, error, "action.preview")),
        })
        .catch(() => {});
    }
  };
}
