/** `/kpi lang en|zh|auto`: the bot's language for the person. */
import { type Lang, translator } from "../../../../i18n/index.js";
import { simpleMessage } from "../../../blocks/log-reply.js";
import { resolveLang } from "../../../context.js";
import { setPersonLocale } from "../../../person-locale.js";
import type { KpiSubcommand, KpiTable } from "./types.js";

const LANG_ARG: Record<string, Lang | null> = {
  en: "en",
  english: "en",
  zh: "zh-CN",
  "zh-cn": "zh-CN",
  中文: "zh-CN",
  auto: null,
};

const lang: KpiSubcommand = async ({ ctx, user, actor, t, words, send }) => {
  const arg = words[0] ?? "";
  if (!Object.hasOwn(LANG_ARG, arg)) return void (await send(simpleMessage(t("kpi.langInvalid"))));
  const chosen = LANG_ARG[arg] ?? null;
  await setPersonLocale(ctx.db, actor, chosen);
  ctx.actors.invalidate(user);
  const next = chosen ?? (await resolveLang(ctx, user, { ...actor, locale: null }));
  await send(simpleMessage(translator(next)(chosen ? "kpi.langSet" : "kpi.langAuto")));
  ctx.refreshHome(user);
};

export const langSubcommands: KpiTable = { lang, language: lang, 语言: lang };
