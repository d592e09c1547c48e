/**
 * `/kpi`: the person's month so far (the App Home's content as a message) when typed alone; `/kpi help`;
 * otherwise the first word picks a subcommand from the tables below (one file per feature).
 */
import { translator } from "../../../../i18n/index.js";
import { kpiHelpMessage } from "../../../blocks/help.js";
import { homeView } from "../../../blocks/home.js";
import { quickLang, resolveLang, type SlackContext } from "../../../context.js";
import { homeData } from "../../../home.js";
import { errorMessage } from "../../common.js";
import { assessmentSubcommands } from "./assessment.js";
import { catalogSubcommands } from "./catalog.js";
import { closeSubcommands } from "./close.js";
import { deputySubcommands } from "./deputy.js";
import { exportSubcommands } from "./export.js";
import { jobsSubcommands } from "./jobs.js";
import { langSubcommands } from "./lang.js";
import { reviewSubcommands } from "./review.js";
import type { CommandArgs, KpiTable } from "./types.js";

const SUBCOMMANDS: KpiTable = {
  ...langSubcommands,
  ...exportSubcommands,
  ...assessmentSubcommands,
  ...reviewSubcommands,
  ...deputySubcommands,
  ...jobsSubcommands,
  ...catalogSubcommands,
  ...closeSubcommands,
};

export function kpiCommand(ctx: SlackContext) {
  return async (args: CommandArgs): Promise<void> => {
    const { command, ack, respond } = args;
    await ack();
    const user = command.user_id;
    const text = (command.text ?? "").trim();
    const [first = "", ...others] = text.split(/\s+/).filter(Boolean);
    const sub = first.toLowerCase();
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const send = (m: { text: string; blocks: unknown[] }) =>
      respond({ response_type: "ephemeral", text: m.text, blocks: m.blocks as never }).then(() => {});
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const t = translator(lang);
      if (sub === "help" || sub === "帮助") return void (await send(kpiHelpMessage(t)));
      const handler = sub && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
      if (handler) {
        const rest = text.slice(first.length).trim();
        const words = others.map((w) => w.toLowerCase());
        await handler({ ctx, user, actor, lang, t, words, rest, args, send });
        return;
      }
      if (sub) return void (await send(kpiHelpMessage(t)));
      const view = homeView(t, await homeData(ctx, actor));
      await send({ text: t("home.header"), blocks: view.blocks });
    } catch (error) {
      await send(errorMessage(ctx, lang, error, `kpi ${sub}`.trim())).catch(() => {});
    }
  };
}
