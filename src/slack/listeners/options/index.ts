import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { ACTIONS } from "../../ids.js";
import { itemOptionsHandler } from "./item-options.js";

export function registerOptions(app: App, ctx: SlackContext): void {
  app.options({ type: "block_suggestion", action_id: ACTIONS.itemSelect }, itemOptionsHandler(ctx));
}
