import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { appHomeOpened } from "./app-home-opened.js";
import { userChange } from "./user-change.js";

export function registerEvents(app: App, ctx: SlackContext): void {
  app.event("app_home_opened", appHomeOpened(ctx));
  app.event("user_change", userChange(ctx));
}
