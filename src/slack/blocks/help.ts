/** `/log help` and `/kpi help`. */
import type { Translate } from "../../i18n/index.js";
import { type Message, section } from "./kit.js";
import { stripMarkup } from "./log-reply.js";

export function helpMessage(t: Translate, submitDeadlineDay: number): Message {
  const body = t("help.body", { day: submitDeadlineDay });
  return { text: stripMarkup(t("help.title")), blocks: [section(t("help.title")), section(body)] };
}

export function kpiHelpMessage(t: Translate): Message {
  return {
    text: stripMarkup(t("kpi.help")),
    blocks: [section(t("kpi.help")), section(t("review.help"))],
  };
}
