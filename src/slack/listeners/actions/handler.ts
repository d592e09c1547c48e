/**
 * The shape every block_actions listener shares: ack at once, resolve the actor and the reader's
 * language, run the work, and answer where the click happened (replacing the message through its
 * response_url, or by DM when the button sits in the App Home). Errors become messages.
 */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { type Lang, type Translate, translator } from "../../../i18n/index.js";
import type { Message } from "../../blocks/kit.js";
import { quickLang, resolveLang, type SlackContext } from "../../context.js";
import type { Actor } from "../../domain.js";
import { errorMessage, notify } from "../common.js";

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export interface ActionEnv {
  user: string;
  actor: Actor;
  lang: Lang;
  t: Translate;
  /** the clicked button's value, or the chosen option's value */
  value: string;
  args: ActionArgs;
  /** answers: replaces the message the button is on (default) or adds an ephemeral; DM from a view */
  reply: (m: Message, opts?: { replace?: boolean }) => Promise<void>;
}

export function actionValue(args: ActionArgs): string {
  const a = args.action as { value?: string; selected_option?: { value?: string } | null };
  return a.value ?? a.selected_option?.value ?? "";
}

export function actionHandler(ctx: SlackContext, where: string, fn: (env: ActionEnv) => Promise<void>) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    const hasUrl = typeof args.body.response_url === "string" && args.body.response_url !== "";
    const reply = async (m: Message, opts: { replace?: boolean } = {}) => {
      if (hasUrl) {
        await args.respond({
          response_type: "ephemeral",
          replace_original: opts.replace ?? true,
          text: m.text,
          blocks: m.blocks,
        });
      } else {
        await notify(ctx, args.client, user, undefined, m);
      }
    };
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      await fn({ user, actor, lang, t: translator(lang), value: actionValue(args), args, reply });
    } catch (error) {
      try {
        await reply(errorMessage(ctx, lang, error, where), { replace: false });
      } catch (inner) {
        ctx.logger.error({ err: inner, where }, "could not report an error to the user");
      }
    }
  };
}

/** Refuses a value that does not parse (a forged or stale button). */
export function invalidRequest(t: Translate): Message {
  const text = t("errors.invalidRequest");
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}
