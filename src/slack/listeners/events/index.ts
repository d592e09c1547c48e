import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { type Route, router } from "../route.js";
import { appHomeOpened } from "./app-home-opened.js";
import { userChange } from "./user-change.js";

type EventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;

export function registerEvents(app: App, ctx: SlackContext): void {
  const routes: Route<EventArgs>[] = [
    ["app_home_opened", appHomeOpened(ctx) as (args: EventArgs) => Promise<void>],
    ["user_change", userChange(ctx) as (args: EventArgs) => Promise<void>],
  ];
  app.event(
    /^(?:app_home_opened|user_change)$/,
    router(routes, (args) => args.event.type),
  );
}
