import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { CALLBACKS } from "../../ids.js";
import { confirmModalSubmission } from "./confirm-modal.js";
import { editModalSubmission } from "./edit-modal.js";
import { logModalSubmission } from "./log-modal.js";

export function registerViews(app: App, ctx: SlackContext): void {
  app.view({ callback_id: CALLBACKS.logModal, type: "view_submission" }, logModalSubmission(ctx));
  app.view({ callback_id: CALLBACKS.editModal, type: "view_submission" }, editModalSubmission(ctx));
  app.view({ callback_id: CALLBACKS.confirmModal, type: "view_submission" }, confirmModalSubmission(ctx));
}
