/** Helpers shared by listeners: replies, after-ack work, and the reply channel for modal results. */
import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Lang } from "../../i18n/index.js";
import type { Message } from "../blocks/kit.js";
import { simpleMessage } from "../blocks/log-reply.js";
import { errorText, resolveLang, type SlackContext } from "../context.js";
import type { Actor } from "../domain.js";

/** An ephemeral command reply, as the ack body. */
export function ephemeral(m: Message): {
  response_type: "ephemeral";
  text: string;
  blocks: Message["blocks"];
} {
  return { response_type: "ephemeral", text: m.text, blocks: m.blocks };
}

/** An error as a one-section message in the reader's language. */
export function errorMessage(ctx: SlackContext, lang: Lang, error: unknown, where: string): Message {
  return simpleMessage(errorText(ctx, lang, error, where));
}

/**
 * Work done after ack, never awaited by the ack: when the reader's language turns out to differ from the
 * one the reply was written in (first contact, before users.info was cached), the reply is replaced in
 * the right language; then the App Home is refreshed when something changed.
 */
export function afterAck(
  ctx: SlackContext,
  opts: {
    user: string;
    actor?: Actor | null;
    lang: Lang;
    respond?: RespondFn;
    rerender?: (lang: Lang) => Message;
    changed?: boolean;
  },
): void {
  void (async () => {
    try {
      let actor = opts.actor;
      if (actor === undefined || actor === null) actor = await ctx.actors.get(opts.user).catch(() => null);
      const lang = await resolveLang(ctx, opts.user, actor);
      if (lang !== opts.lang && opts.respond && opts.rerender) {
        const m = opts.rerender(lang);
        await opts.respond({
          replace_original: true,
          response_type: "ephemeral",
          text: m.text,
          blocks: m.blocks,
        });
      }
    } catch (error) {
      ctx.logger.warn({ err: error, user: opts.user }, "after-ack language fix failed");
    }
    if (opts.changed) ctx.refreshHome(opts.user);
  })();
}

/** Replaces the message a button sits on (via response_url); logs instead of throwing. */
export async function replaceWith(
  ctx: SlackContext,
  respond: RespondFn | undefined,
  m: Message,
): Promise<void> {
  if (!respond) return;
  try {
    await respond({ replace_original: true, response_type: "ephemeral", text: m.text, blocks: m.blocks });
  } catch (error) {
    ctx.logger.warn({ err: error }, "respond failed");
  }
}

/**
 * Shows a modal's outcome: an ephemeral message in the channel the modal came from when known, else a
 * DM from the app (chat.postMessage to the user id).
 */
export async function notify(
  ctx: SlackContext,
  client: WebClient,
  user: string,
  channel: string | undefined,
  m: Message,
): Promise<void> {
  try {
    if (channel) {
      await client.chat.postEphemeral({ channel, user, text: m.text, blocks: m.blocks });
      return;
    }
  } catch (error) {
    ctx.logger.info({ err: error, channel }, "postEphemeral failed; sending a DM instead");
  }
  try {
    await client.chat.postMessage({ channel: user, text: m.text, blocks: m.blocks });
  } catch (error) {
    ctx.logger.error({ err: error, user }, "could not deliver a modal's outcome");
  }
}
