/**
 * The compact encodings of the catalog's list columns (README.md ("Import formats")):
 * - evidence: documents separated by ";", each "中文名|English name" (the English part optional):
 *     欠税清册|Arrears list;欠税公告|Arrears notice
 * - quality: rules separated by ";", each "<value>:<中文描述>|<English description>", where value is a
 *   signed number of points (deduction −, bonus +) or "veto" (一票否决: quality 0 whatever else):
 *     -5:文书资料不全|Documents incomplete;+2:经验被推广|Practice adopted branch-wide;veto:造成税款流失|Revenue lost
 * Full-width separators (；｜：) are accepted too.
 */
import { hundredthsOf } from "./fields.js";

export interface EvidenceDoc {
  name: string;
  nameEn: string;
}

export interface QualityRuleDef {
  description: string;
  descriptionEn: string | null;
  /** signed hundredths; −10000 for a veto */
  value: number;
  veto: boolean;
}

/** A veto is stored as a full 100-point deduction with the veto flag (the report: 出现失误直接扣100分). */
export const VETO_VALUE = -10_000;

const splitList = (s: string) =>
  s
    .split(/[;；]/)
    .map((p) => p.trim())
    .filter((p) => p !== "");

function splitPair(s: string): [string, string | null] {
  const i = s.search(/[|｜]/);
  if (i < 0) return [s.trim(), null];
  const en = s.slice(i + 1).trim();
  return [s.slice(0, i).trim(), en === "" ? null : en];
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export function decodeEvidence(cell: string): Decoded<EvidenceDoc[]> {
  const errors: string[] = [];
  const docs: EvidenceDoc[] = [];
  const seen = new Set<string>();
  for (const part of splitList(cell)) {
    const [name, en] = splitPair(part);
    if (name === "") {
      errors.push(`"${part}" has no document name before "|"`);
      continue;
    }
    if (name.length > 100) errors.push(`document name "${name.slice(0, 20)}…" is longer than 100 characters`);
    if (seen.has(name)) errors.push(`document "${name}" is listed twice`);
    seen.add(name);
    docs.push({ name, nameEn: en ?? name });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: docs };
}

const RULE_RE = /^(veto|一票否决|[+\-−]?\d+(?:\.\d{1,2})?)\s*[:：]\s*(.*)$/i;

export function decodeQuality(cell: string): Decoded<QualityRuleDef[]> {
  const errors: string[] = [];
  const rules: QualityRuleDef[] = [];
  const seen = new Set<string>();
  for (const part of splitList(cell)) {
    const m = RULE_RE.exec(part);
    if (!m) {
      errors.push(`"${part}" is not "<points>:<description>" or "veto:<description>"`);
      continue;
    }
    const [description, descriptionEn] = splitPair(m[2]!);
    if (description === "") {
      errors.push(`"${part}" has no description`);
      continue;
    }
    if (seen.has(description)) errors.push(`rule "${description}" is listed twice`);
    seen.add(description);
    const veto = /^(veto|一票否决)$/i.test(m[1]!);
    const value = veto ? VETO_VALUE : hundredthsOf(m[1]!);
    if (!veto && value === 0) {
      errors.push(`"${part}": points must not be 0 (a deduction is negative, a bonus positive)`);
      continue;
    }
    if (!veto && Math.abs(value) > 10_000) errors.push(`"${part}": at most 100 points either way`);
    rules.push({ description, descriptionEn, value, veto });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: rules };
}
