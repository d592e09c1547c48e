/**
 * `/kpi`: the person's month so far (the App Home's content as a message); `/kpi help`;
 * `/kpi lang en|zh|auto` sets the bot's language for the person.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { type Lang, translator } from "../../../i18n/index.js";
import { kpiHelpMessage } from "../../blocks/help.js";
import { homeView } from "../../blocks/home.js";
import { simpleMessage } from "../../blocks/log-reply.js";
import { quickLang, resolveLang, type SlackContext } from "../../context.js";
import { homeData } from "../../home.js";
import { setPersonLocale } from "../../person-locale.js";
import { errorMessage } from "../common.js";

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

const LANG_ARG: Record<string, Lang | null> = {
  en: "en",
  english: "en",
  zh: "zh-CN",
  "zh-cn": "zh-CN",
  中文: "zh-CN",
  auto: null,
};

export function kpiCommand(ctx: SlackContext) {
  return async ({ command, ack, respond }: Args): Promise<void> => {
    await ack();
    const user = command.user_id;
    const words = (command.text ?? "").trim().toLowerCase().split(/\s+/).filter(Boolean);
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const send = (m: { text: string; blocks: unknown[] }) =>
      respond({ response_type: "ephemeral", text: m.text, blocks: m.blocks as never });
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const t = translator(lang);
      if (words[0] === "help" || words[0] === "帮助") return void (await send(kpiHelpMessage(t)));
      if (words[0] === "lang" || words[0] === "language" || words[0] === "语言") {
        const arg = words[1] ?? "";
        if (!Object.hasOwn(LANG_ARG, arg)) return void (await send(simpleMessage(t("kpi.langInvalid"))));
        const chosen = LANG_ARG[arg] ?? null;
        await setPersonLocale(ctx.db, actor, chosen);
        ctx.actors.invalidate(user);
        const next = chosen ?? (await resolveLang(ctx, user, { ...actor, locale: null }));
        await send(simpleMessage(translator(next)(chosen ? "kpi.langSet" : "kpi.langAuto")));
        ctx.refreshHome(user);
        return;
      }
      if (words.length > 0) return void (await send(kpiHelpMessage(t)));
      const view = homeView(t, await homeData(ctx, actor));
      await send({ text: t("home.header"), blocks: view.blocks });
    } catch (error) {
      await send(errorMessage(ctx, lang, error, "kpi")).catch(() => {});
    }
  };
}
