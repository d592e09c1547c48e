import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { ASSESS_CALLBACKS, CALLBACKS, CLOSE_CALLBACKS } from "../../ids.js";
import { type Route, router } from "../route.js";
import { awardModalSubmission } from "./award-modal.js";
import { closePublishSubmission } from "./close-publish.js";
import { confirmModalSubmission } from "./confirm-modal.js";
import { editModalSubmission } from "./edit-modal.js";
import { logModalSubmission, type ViewArgs } from "./log-modal.js";
import { pricingModalSubmission } from "./pricing-modal.js";
import { qualityModalSubmission } from "./quality-modal.js";
import { reviewAdjustSubmission } from "./review-adjust.js";
import { reviewReopenSubmission } from "./review-reopen.js";
import { reviewReturnSubmission } from "./review-return.js";
import { vetoModalSubmission } from "./veto-modal.js";

export function registerViews(app: App, ctx: SlackContext): void {
  const routes: Route<ViewArgs>[] = [
    [CALLBACKS.logModal, logModalSubmission(ctx)],
    [CALLBACKS.editModal, editModalSubmission(ctx)],
    [CALLBACKS.confirmModal, confirmModalSubmission(ctx)],
    [ASSESS_CALLBACKS.pricingModal, pricingModalSubmission(ctx)],
    [CLOSE_CALLBACKS.publishModal, closePublishSubmission(ctx)],
    [ASSESS_CALLBACKS.qualityModal, qualityModalSubmission(ctx)],
    [ASSESS_CALLBACKS.vetoModal, vetoModalSubmission(ctx)],
    [ASSESS_CALLBACKS.awardModal, awardModalSubmission(ctx)],
    [CALLBACKS.reviewReturnModal, reviewReturnSubmission(ctx)],
    [CALLBACKS.reviewAdjustModal, reviewAdjustSubmission(ctx)],
    [CALLBACKS.reviewReopenModal, reviewReopenSubmission(ctx)],
  ];
  app.view(
    { type: "view_submission" },
    router(routes, (args) => args.view.callback_id),
  );
}
