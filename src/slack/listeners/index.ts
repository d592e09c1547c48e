import type { App } from "@slack/bolt";
import type { SlackContext } from "../context.js";
import { registerActions } from "./actions/index.js";
import { registerCommands } from "./commands/index.js";
import { registerEvents } from "./events/index.js";
import { registerOptions } from "./options/index.js";
import { registerViews } from "./views/index.js";

export function registerListeners(app: App, ctx: SlackContext): void {
  registerCommands(app, ctx);
  registerActions(app, ctx);
  registerViews(app, ctx);
  registerOptions(app, ctx);
  registerEvents(app, ctx);
}
