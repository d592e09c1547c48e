/**
 * File imports (admin CLI, seed): catalog, sections, people, entries, and the demo's quality adjustments
 * and awards. Each validates the whole file first, refuses it with every problem listed by line
 * (ImportRefusedError), and otherwise writes it in one transaction. Formats: README.md ("Import formats").
 */
export {
  CATALOG_COLUMNS,
  type CatalogImportOptions,
  type CatalogImportSummary,
  importCatalog,
  UNITS,
  type UnitKey,
} from "./catalog.js";
export type { DbLike } from "./db.js";
export {
  decodeEvidence,
  decodeQuality,
  type EvidenceDoc,
  type QualityRuleDef,
  VETO_VALUE,
} from "./encoding.js";
export {
  ENTRY_COLUMNS,
  type EntriesImportOptions,
  type EntriesImportSummary,
  importEntries,
  storedNote,
} from "./entries.js";
export { importPeople, PEOPLE_COLUMNS } from "./people.js";
export { pinyinInitials } from "./pinyin.js";
export { formatProblem, ImportRefusedError, isImportRefused, type Problem } from "./problems.js";
export {
  type AddedSummary,
  AWARD_COLUMNS,
  importAwards,
  importQualityAdjustments,
  QUALITY_COLUMNS,
} from "./quality-awards.js";
export { importSections, SECTION_COLUMNS, type SimpleImportSummary } from "./sections.js";
export { parseCsvTable, parseXlsxTable, type RawTable, readTableFile } from "./table.js";
