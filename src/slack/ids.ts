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
