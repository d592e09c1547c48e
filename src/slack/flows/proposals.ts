/**
 * Proposals in the review channel: post the card (and open its comment thread), keep it current after a
 * vote or a decision (chat.update in place), announce a decision in the thread (broadcast to the channel).
 * The channel's messages are written in the scheme's default language (a channel has many readers).
 */
import type { WebClient } from "@slack/web-api";
import { type CatalogEntry, catalogEntry } from "../../domain/catalog-admin.js";
import { DomainError } from "../../domain/errors.js";
import {
  createProposal,
  type DecideResult,
  type ProposalInput,
  type ProposalView,
  readProposal,
  setProposalMessage,
  withdrawProposal,
} from "../../domain/proposals.js";
import { DEFAULT_LANG, type Lang, normalizeLang, translator } from "../../i18n/index.js";
import { announcement, proposalCard } from "../blocks/proposals.js";
import { type SlackContext, today } from "../context.js";
import type { Actor } from "../domain.js";

export async function channelLang(ctx: SlackContext): Promise<Lang> {
  return normalizeLang((await ctx.settings.get()).language) ?? DEFAULT_LANG;
}

async function categoryName(ctx: SlackContext, lang: Lang, code: string): Promise<string> {
  const c = await ctx.db.category.findUnique({ where: { code } });
  return c ? (lang === "en" ? c.nameEn : c.name) : code;
}

export async function renderCard(ctx: SlackContext, p: ProposalView) {
  const lang = await channelLang(ctx);
  return proposalCard(translator(lang), lang, p, await categoryName(ctx, lang, p.item.categoryCode));
}

/** Files the proposal and posts it to the review channel with its thread; refuses when no channel is set. */
export async function fileProposal(
  ctx: SlackContext,
  client: WebClient,
  actor: Actor,
  input: ProposalInput,
): Promise<{ proposal: ProposalView; channel: string }> {
  ctx.settings.invalidate();
  const channel = (await ctx.settings.get()).reviewChannel;
  if (!channel) throw new DomainError("proposal.noChannel");
  const proposal = await createProposal(ctx.db, ctx.deps, actor, input);
  const card = await renderCard(ctx, proposal);
  let posted: Awaited<ReturnType<WebClient["chat"]["postMessage"]>>;
  try {
    posted = await client.chat.postMessage({ channel, text: card.text, blocks: card.blocks });
  } catch (error) {
    // nobody can see or vote on it: withdrawn (audited), and the proposer is told why
    ctx.logger.error({ err: error, channel }, "could not post a proposal to the review channel");
    await withdrawProposal(ctx.db, actor.slackUserId, proposal.id, "post failed");
    throw new DomainError("proposal.postFailed", { channel });
  }
  if (posted.ts && posted.channel) {
    await setProposalMessage(ctx.db, proposal.id, posted.channel, posted.ts);
    const lang = await channelLang(ctx);
    await client.chat.postMessage({
      channel: posted.channel,
      thread_ts: posted.ts,
      text: translator(lang)("proposal.thread"),
    });
  }
  return { proposal: { ...proposal, channel: posted.channel ?? channel, ts: posted.ts ?? null }, channel };
}

async function updateCard(ctx: SlackContext, client: WebClient, proposalId: string): Promise<ProposalView> {
  const p = await readProposal(ctx.db, proposalId, today(ctx).slice(0, 7));
  if (p.channel && p.ts) {
    const card = await renderCard(ctx, p);
    await client.chat.update({ channel: p.channel, ts: p.ts, text: card.text, blocks: card.blocks });
  }
  return p;
}

/** per proposal: the update running, and whether another must follow it */
const cardUpdates = new Map<string, { running: Promise<ProposalView>; again: boolean }>();

/**
 * Re-renders the card in place from the database (the source of truth). Updates of one card run one at
 * a time and coalesce: a vote while an update runs makes it run once more when done, reading the latest
 * tally, so the card never ends on an older tally than the last vote's (within a process).
 */
export function refreshCard(ctx: SlackContext, client: WebClient, proposalId: string): Promise<ProposalView> {
  const current = cardUpdates.get(proposalId);
  if (current) {
    current.again = true;
    return current.running;
  }
  const entry: { running: Promise<ProposalView>; again: boolean } = {
    running: Promise.resolve(null as never),
    again: false,
  };
  entry.running = (async () => {
    try {
      let p = await updateCard(ctx, client, proposalId);
      while (entry.again) {
        entry.again = false;
        p = await updateCard(ctx, client, proposalId);
      }
      return p;
    } finally {
      cardUpdates.delete(proposalId);
    }
  })();
  cardUpdates.set(proposalId, entry);
  return entry.running;
}

/** After a decision: the card updated, the decision announced in its thread and in the channel. */
export async function announceDecision(
  ctx: SlackContext,
  client: WebClient,
  result: DecideResult,
): Promise<void> {
  const p = await refreshCard(ctx, client, result.proposal.id);
  const lang = await channelLang(ctx);
  const text = announcement(translator(lang), lang, p, result.previousPoints);
  const channel = p.channel ?? (await ctx.settings.get()).reviewChannel;
  if (!channel) return;
  if (p.ts) await client.chat.postMessage({ channel, text, thread_ts: p.ts, reply_broadcast: true });
  else await client.chat.postMessage({ channel, text });
}

/** The catalog entry for an item id, for the propose modal. */
export async function itemForProposal(ctx: SlackContext, itemId: string): Promise<CatalogEntry> {
  return catalogEntry(ctx.db, today(ctx).slice(0, 7), itemId);
}
