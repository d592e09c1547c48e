import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { ACTIONS } from "../../ids.js";
import { cancelLogAction } from "./cancel-log.js";
import { confirmLogAction } from "./confirm-log.js";
import { deleteLineAction } from "./delete-line.js";
import { homeListAction } from "./home-list.js";
import { homeLogAction } from "./home-log.js";
import { homeSubmitAction } from "./home-submit.js";
import { itemSelectAction } from "./item-select.js";
import { lineMenuAction } from "./line-menu.js";
import { listPageAction } from "./list-page.js";
import { pickItemAction } from "./pick-item.js";
import { submitSheetAction } from "./submit-sheet.js";
import { undoEntryAction } from "./undo-entry.js";

/** `action_id` may carry a suffix after ":" (unique ids within one actions block). */
const prefixed = (id: string) => new RegExp(`^${id}(:.*)?$`);

export function registerActions(app: App, ctx: SlackContext): void {
  app.action({ type: "block_actions", action_id: ACTIONS.undoEntry }, undoEntryAction(ctx));
  app.action({ type: "block_actions", action_id: prefixed(ACTIONS.pickItem) }, pickItemAction(ctx));
  app.action({ type: "block_actions", action_id: ACTIONS.confirmLog }, confirmLogAction(ctx));
  app.action({ type: "block_actions", action_id: ACTIONS.cancelLog }, cancelLogAction(ctx));
  app.action({ type: "block_actions", action_id: ACTIONS.lineMenu }, lineMenuAction(ctx));
  app.action({ type: "block_actions", action_id: ACTIONS.deleteLine }, deleteLineAction(ctx));
  app.action({ type: "block_actions", action_id: prefixed(ACTIONS.listPage) }, listPageAction(ctx));
  app.action({ type: "block_actions", action_id: ACTIONS.submitSheet }, submitSheetAction(ctx));
  app.action({ type: "block_actions", action_id: ACTIONS.itemSelect }, itemSelectAction(ctx));
  app.action({ type: "block_actions", action_id: ACTIONS.homeLog }, homeLogAction(ctx));
  app.action({ type: "block_actions", action_id: ACTIONS.homeList }, homeListAction(ctx));
  app.action({ type: "block_actions", action_id: ACTIONS.homeSubmit }, homeSubmitAction(ctx));
}
