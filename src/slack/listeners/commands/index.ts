import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { kpiCommand } from "./kpi.js";
import { logCommand } from "./log.js";

export function registerCommands(app: App, ctx: SlackContext): void {
  app.command("/log", logCommand(ctx));
  app.command("/kpi", kpiCommand(ctx));
}
