import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { type Route, router } from "../route.js";
import { kpiCommand } from "./kpi/index.js";
import { logCommand } from "./log.js";

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function registerCommands(app: App, ctx: SlackContext): void {
  const routes: Route<CommandArgs>[] = [
    ["/log", logCommand(ctx)],
    ["/kpi", kpiCommand(ctx)],
  ];
  app.command(
    /^\/(?:log|kpi)$/,
    router(routes, (args) => args.command.command),
  );
}
