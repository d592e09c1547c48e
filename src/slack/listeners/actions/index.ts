import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { ACTIONS, ASSESS_ACTIONS, CLOSE_ACTIONS } from "../../ids.js";
import { type Route, router } from "../route.js";
import { awardWithdrawAction } from "./award-withdraw.js";
import { cancelLogAction } from "./cancel-log.js";
import { closeAnnounceAction, closePublishAction, closeRecomputeAction } from "./close.js";
import { confirmLogAction } from "./confirm-log.js";
import { deleteLineAction } from "./delete-line.js";
import type { ActionArgs } from "./handler.js";
import { homeListAction } from "./home-list.js";
import { homeLogAction } from "./home-log.js";
import { homeSubmitAction } from "./home-submit.js";
import { itemSelectAction } from "./item-select.js";
import { lineMenuAction } from "./line-menu.js";
import { listPageAction } from "./list-page.js";
import { pickItemAction } from "./pick-item.js";
import { pricingOpenAction } from "./pricing-open.js";
import { qualityPreviewAction } from "./quality-preview.js";
import { qualityRemoveAction } from "./quality-remove.js";
import { qualityVetoAction } from "./quality-veto.js";
import { reviewApproveAction } from "./review-approve.js";
import { reviewApproveAllAction } from "./review-approve-all.js";
import {
  reviewAdjustAction,
  reviewDetailsAction,
  reviewReopenAction,
  reviewReturnAction,
} from "./review-buttons.js";
import { submitSheetAction } from "./submit-sheet.js";
import { undoEntryAction } from "./undo-entry.js";

/** `action_id` may carry a suffix after ":" (unique ids within one actions block). */
const prefixed = (id: string) => new RegExp(`^${id}(:.*)?$`);

export function registerActions(app: App, ctx: SlackContext): void {
  const routes: Route<ActionArgs>[] = [
    [ACTIONS.undoEntry, undoEntryAction(ctx)],
    [prefixed(ACTIONS.pickItem), pickItemAction(ctx)],
    [ACTIONS.confirmLog, confirmLogAction(ctx)],
    [ACTIONS.cancelLog, cancelLogAction(ctx)],
    [ACTIONS.lineMenu, lineMenuAction(ctx)],
    [ACTIONS.deleteLine, deleteLineAction(ctx)],
    [prefixed(ACTIONS.listPage), listPageAction(ctx)],
    [ACTIONS.submitSheet, submitSheetAction(ctx)],
    [ACTIONS.itemSelect, itemSelectAction(ctx)],
    [ACTIONS.homeLog, homeLogAction(ctx)],
    [ACTIONS.homeList, homeListAction(ctx)],
    [ACTIONS.homeSubmit, homeSubmitAction(ctx)],
    [ASSESS_ACTIONS.pricingOpen, pricingOpenAction(ctx)],
    [CLOSE_ACTIONS.recompute, closeRecomputeAction(ctx)],
    [CLOSE_ACTIONS.publish, closePublishAction(ctx)],
    [CLOSE_ACTIONS.announce, closeAnnounceAction(ctx)],
    [ASSESS_ACTIONS.qualityVeto, qualityVetoAction(ctx)],
    [ASSESS_ACTIONS.qualityRemove, qualityRemoveAction(ctx)],
    [ASSESS_ACTIONS.qualityRules, qualityPreviewAction(ctx)],
    [ASSESS_ACTIONS.qualityValue, qualityPreviewAction(ctx)],
    [ASSESS_ACTIONS.awardWithdraw, awardWithdrawAction(ctx)],
    [ACTIONS.reviewApprove, reviewApproveAction(ctx)],
    [ACTIONS.reviewReturn, reviewReturnAction(ctx)],
    [ACTIONS.reviewAdjust, reviewAdjustAction(ctx)],
    [ACTIONS.reviewDetails, reviewDetailsAction(ctx)],
    [prefixed(ACTIONS.reviewDetailsPage), reviewDetailsAction(ctx)],
    [prefixed(ACTIONS.reviewAdjustPage), reviewAdjustAction(ctx)],
    [ACTIONS.reviewApproveAll, reviewApproveAllAction(ctx)],
    [ACTIONS.reviewReopen, reviewReopenAction(ctx)],
  ];
  app.action(
    { type: "block_actions" },
    router(routes, (args) => args.action.action_id),
  );
}
