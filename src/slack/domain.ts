/**
 * The domain use-cases the Slack layer calls, in one place: if a name or a shape changes in
 * src/domain, this is the only file to adapt.
 */

export { defaultAssessmentMonth, parseSignedAmount } from "../domain/assessment.js";
export { giveAward, poolView, revokeAward } from "../domain/awards.js";
export {
  CatalogCache,
  type CatalogItem,
  matchItems,
  PLAUSIBLE_SCORE,
  recentItems,
  resolveItem,
  scoreItem,
} from "../domain/catalog.js";
export {
  type ClosePreview,
  type MonthTable,
  type NamedBlocker,
  type PublishOutcome,
  previewClose,
  publishedTable,
  publishMonth,
  type ResultLine,
} from "../domain/close.js";
export { type LogCommand, parseLogCommand, resolveDate } from "../domain/command-parse.js";
export { nextDeadline } from "../domain/deadlines.js";
export { DomainError, isDomainError } from "../domain/errors.js";
export { auditMalformed } from "../domain/guard.js";
export { readHomeSummary } from "../domain/home-summary.js";
export {
  attachEvidence,
  deleteLine,
  type LogWorkResult,
  listLines,
  logTempTask,
  logWork,
  logWorkAs,
  requireActive,
  undoLast,
  updateLine,
} from "../domain/logging.js";
export type { Actor } from "../domain/people.js";
export { listPricingQueue, priceTempTask, pricingTask } from "../domain/pricing.js";
export {
  type AdjustmentInput,
  findPersonRef,
  qualityScoreOf,
  qualitySheet,
  recordQuality,
  recordVeto,
  requireQualityRight,
  revokeQualityAdjustment,
} from "../domain/quality.js";
export { defaultSubmitMonth, sheetSummary, submitSheet } from "../domain/sheets.js";
export { type Explanation, explainResult, mayExplainOthers, type StoredStep } from "../domain/why.js";
