/**
 * The card's and the overview's modal buttons: Return… and Adjust… (the clicker must be able to decide
 * the sheet now), Details (anyone who may see the card), their page buttons, and Reopen… (assessment group).
 */

import { requireRole } from "../../../domain/people.js";
import { reviewCardFor, reviewCardForDecision } from "../../../domain/review.js";
import {
  reviewAdjustModal,
  reviewDetailsModal,
  reviewReopenModal,
  reviewReturnModal,
} from "../../blocks/review.js";
import type { SlackContext } from "../../context.js";
import { openReviewModalAction } from "./review-open.js";

export function reviewReturnAction(ctx: SlackContext) {
  return openReviewModalAction(
    ctx,
    "action.reviewReturn",
    (c, actor, ref) => reviewCardForDecision(c.db, c.deps, actor, ref.s, ref.v),
    (t, lang, card, ref) => {
      const view = reviewReturnModal(t, lang, card);
      return ref.o
        ? { ...view, private_metadata: JSON.stringify({ s: card.sheetId, v: card.version, o: 1 }) }
        : view;
    },
  );
}

export function reviewAdjustAction(ctx: SlackContext) {
  return openReviewModalAction(
    ctx,
    "action.reviewAdjust",
    (c, actor, ref) => reviewCardForDecision(c.db, c.deps, actor, ref.s, ref.v),
    (t, lang, card, ref) => reviewAdjustModal(t, lang, card, ref.p ?? 0),
  );
}

export function reviewDetailsAction(ctx: SlackContext) {
  return openReviewModalAction(
    ctx,
    "action.reviewDetails",
    (c, actor, ref) => reviewCardFor(c.db, c.deps, actor, ref.s),
    (t, lang, card, ref) => reviewDetailsModal(t, lang, card, ref.p ?? 0),
  );
}

export function reviewReopenAction(ctx: SlackContext) {
  return openReviewModalAction(
    ctx,
    "action.reviewReopen",
    (c, actor, ref) => {
      requireRole(actor, "ASSESSMENT_GROUP");
      return reviewCardFor(c.db, c.deps, actor, ref.s);
    },
    (t, lang, card) => reviewReopenModal(t, lang, card),
  );
}
