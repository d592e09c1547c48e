import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { CALLBACKS } from "../../ids.js";
import { type Route, router } from "../route.js";
import { confirmModalSubmission } from "./confirm-modal.js";
import { editModalSubmission } from "./edit-modal.js";
import { logModalSubmission, type ViewArgs } from "./log-modal.js";
import { reviewAdjustSubmission } from "./review-adjust.js";
import { reviewReopenSubmission } from "./review-reopen.js";
import { reviewReturnSubmission } from "./review-return.js";

export function registerViews(app: App, ctx: SlackContext): void {
  const routes: Route<ViewArgs>[] = [
    [CALLBACKS.logModal, logModalSubmission(ctx)],
    [CALLBACKS.editModal, editModalSubmission(ctx)],
    [CALLBACKS.confirmModal, confirmModalSubmission(ctx)],
    [CALLBACKS.reviewReturnModal, reviewReturnSubmission(ctx)],
    [CALLBACKS.reviewAdjustModal, reviewAdjustSubmission(ctx)],
    [CALLBACKS.reviewReopenModal, reviewReopenSubmission(ctx)],
  ];
  app.view(
    { type: "view_submission" },
    router(routes, (args) => args.view.callback_id),
  );
}
