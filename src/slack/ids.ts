/**
 * Every action_id, callback_id and block_id the app uses, in one place: builders and listeners import
 * them from here so a rename cannot split a button from its handler.
 */
export const ACTIONS = {
  /** undo one logged line (value: entry id) */
  undoEntry: "log_undo_entry",
  /** pick a candidate item (value: PendingLog with the item id) */
  pickItem: "log_pick_item",
  /** confirm a plausibility warning (value: PendingLog) */
  confirmLog: "log_confirm",
  /** cancel a plausibility warning or a candidate list */
  cancelLog: "log_cancel",
  /** per-line overflow menu (option value: LineRef) */
  lineMenu: "line_menu",
  /** confirm deleting a line (value: LineRef) */
  deleteLine: "line_delete",
  /** back to the list (value: ListRef) */
  listPage: "list_page",
  /** submit a sheet (value: SheetRef) */
  submitSheet: "sheet_submit",
  /** the modal's item picker (external_select, dispatches block_actions on change) */
  itemSelect: "item_select",
  /** App Home buttons */
  homeLog: "home_log",
  homeList: "home_list",
  homeSubmit: "home_submit",
  /** modal inputs */
  count: "count_input",
  date: "date_input",
  note: "note_input",
  links: "links_input",
  files: "files_input",
  checklist: "checklist_input",
  /** review card and overview buttons (value: ReviewRef) */
  reviewApprove: "review_approve",
  reviewReturn: "review_return",
  reviewAdjust: "review_adjust",
  reviewDetails: "review_details",
  /** page buttons inside the Details and Adjust modals (value: ReviewRef with p) */
  reviewDetailsPage: "review_details_page",
  reviewAdjustPage: "review_adjust_page",
  /** `/kpi review`: approve all clean sheets (value: ApproveAllRef) */
  reviewApproveAll: "review_approve_all",
  /** `/kpi reopen`: open the reopen modal (value: ReviewRef) */
  reviewReopen: "review_reopen",
  /** modal inputs of the review modals */
  reviewReason: "review_reason_input",
  reviewCount: "review_count_input",
  reviewLineReason: "review_line_reason_input",
} as const;

export const BLOCKS = {
  item: "item",
  itemInfo: "item_info",
  count: "count",
  date: "date",
  note: "note",
  links: "links",
  files: "files",
  /** prefix: the checklist block id carries the item id so a new item starts unticked */
  checklistPrefix: "checklist:",
  reviewReason: "review_reason",
  /** prefixes: the Adjust modal's count and reason blocks carry the entry id */
  reviewCountPrefix: "adjc:",
  reviewReasonPrefix: "adjr:",
} as const;

export const CALLBACKS = {
  logModal: "log_modal",
  editModal: "edit_modal",
  confirmModal: "log_confirm_modal",
  loadingModal: "loading_modal",
  messageModal: "message_modal",
  reviewReturnModal: "review_return_modal",
  reviewAdjustModal: "review_adjust_modal",
  reviewDetailsModal: "review_details_modal",
  reviewReopenModal: "review_reopen_modal",
} as const;

/** Pricing temporary tasks, quality scoring and the discretionary pool (assessment group, branch chief). */
export const ASSESS_ACTIONS = {
  /** open the pricing form of one task (value: { t: task id }) */
  pricingOpen: "pricing_open",
  pricingPoints: "pricing_points",
  pricingReason: "pricing_reason",
  qualityRules: "quality_rules",
  qualityValue: "quality_value",
  qualityReason: "quality_reason",
  qualityEvidence: "quality_evidence",
  /** push the veto confirmation over the quality form */
  qualityVeto: "quality_veto",
  /** withdraw a recorded adjustment (value: { a: adjustment id }) */
  qualityRemove: "quality_remove",
  vetoRule: "veto_rule",
  vetoReason: "veto_reason",
  vetoEvidence: "veto_evidence",
  awardPerson: "award_person",
  awardPoints: "award_points",
  awardReason: "award_reason",
  /** withdraw a gift (value: { a: award id }) */
  awardWithdraw: "award_withdraw",
} as const;

export const ASSESS_BLOCKS = {
  pricingPoints: "pricing_points",
  pricingReason: "pricing_reason",
  /** prefix: one checkboxes block per 10 standards */
  qualityRules: "quality_rules",
  qualityValue: "quality_value",
  qualityReason: "quality_reason",
  qualityEvidence: "quality_evidence",
  vetoRule: "veto_rule",
  vetoReason: "veto_reason",
  vetoEvidence: "veto_evidence",
  awardPerson: "award_person",
  awardPoints: "award_points",
  awardReason: "award_reason",
} as const;

export const ASSESS_CALLBACKS = {
  pricingModal: "pricing_modal",
  qualityModal: "quality_modal",
  vetoModal: "veto_modal",
  awardModal: "award_modal",
} as const;

/** Closing a month (`/kpi close`), its announcement and `/kpi why`. */
export const CLOSE_ACTIONS = {
  /** compute the preview again (value: { m: month }) */
  recompute: "close_recompute",
  /** open the publish confirmation (value: { m: month, h: inputs hash }) */
  publish: "close_publish",
  /** post (again) the announcement of a published month (value: { m: month }) */
  announce: "close_announce",
  reason: "close_reason",
} as const;

export const CLOSE_BLOCKS = {
  reason: "close_reason",
} as const;

export const CLOSE_CALLBACKS = {
  publishModal: "close_publish_modal",
} as const;
