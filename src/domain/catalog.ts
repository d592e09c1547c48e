/**
 * The work item catalog as the logging path sees it: an in-memory cache of active items with the point
 * version in force for a month and their required documents, a matcher for what people type (code,
 * Chinese or English name, pinyin initials, typos), and small queries (version in force, recent items).
 *
 * DomainError codes:
 *   item.unknown  { query, suggestions: { code, name, nameEn }[], closestZh, closestEn }
 *                 `resolveItem` found nothing plausible; closestZh/closestEn are the suggestions joined as
 *                 "SV001 发票发售, SV002 …" / "SV001 Invoice sales, …" ("" when there are none)
 */
import { pinyin } from "pinyin-pro";
import type { Db, Tx } from "../db/client.js";
import { DomainError } from "./errors.js";

export interface CatalogEvidence {
  id: string;
  name: string;
  nameEn: string;
}

export interface CatalogItem {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  /** unit key: TXN, TAXPAYER, DOC, VISIT, CASE */
  unit: string;
  categoryCode: string;
  pinyinInitials: string;
  /** hundredths per unit, of the version in force for the month asked */
  points: number;
  pointVersionId: string;
  /** required documents, in display order */
  evidence: CatalogEvidence[];
}

/** Pinyin initials of a name, lower case letters and digits only ("发票发售" → "fpfs"). */
export function pinyinInitialsOf(name: string): string {
  return pinyin(name, { pattern: "first", toneType: "none", type: "array" })
    .join("")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

interface LoadedItem {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  unit: string;
  categoryCode: string;
  pinyinInitials: string;
  /** sorted by effectiveMonth descending */
  versions: { id: string; points: number; effectiveMonth: string }[];
  evidence: CatalogEvidence[];
}

interface LoadedCatalog {
  at: number;
  items: LoadedItem[];
  byMonth: Map<string, CatalogItem[]>;
}

async function loadCatalog(db: Db | Tx): Promise<LoadedItem[]> {
  const rows = await db.workItem.findMany({
    where: { active: true },
    select: {
      id: true,
      code: true,
      name: true,
      nameEn: true,
      unit: true,
      categoryCode: true,
      pinyinInitials: true,
      versions: {
        select: { id: true, points: true, effectiveMonth: true },
        orderBy: { effectiveMonth: "desc" },
      },
      evidence: {
        select: { id: true, name: true, nameEn: true },
        orderBy: [{ sortOrder: "asc" }, { name: "asc" }],
      },
    },
    orderBy: { code: "asc" },
  });
  return rows.map((r) => ({ ...r, pinyinInitials: r.pinyinInitials?.trim() || pinyinInitialsOf(r.name) }));
}

/**
 * Active items priced for a month, kept in memory and reloaded after `ttlMs` (default 30 s) or after
 * `invalidate()` (call it when the catalog or a point version changes). Concurrent callers share one load.
 * Items with no point version in force for the month are left out (they cannot be logged for it).
 */
export class CatalogCache {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private loaded: LoadedCatalog | undefined;
  private loading: Promise<LoadedCatalog> | undefined;
  private generation = 0;

  constructor(
    private readonly db: Db,
    opts: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  invalidate(): void {
    this.loaded = undefined;
    this.loading = undefined;
    this.generation++;
  }

  private current(): Promise<LoadedCatalog> {
    if (this.loaded && this.now() - this.loaded.at < this.ttlMs) return Promise.resolve(this.loaded);
    if (!this.loading) {
      const generation = this.generation;
      this.loading = loadCatalog(this.db)
        .then((items) => {
          const loaded: LoadedCatalog = { at: this.now(), items, byMonth: new Map() };
          // a load started before invalidate() serves its callers but is not kept
          if (this.generation === generation) this.loaded = loaded;
          return loaded;
        })
        .finally(() => {
          if (this.generation === generation) this.loading = undefined;
        });
    }
    return this.loading;
  }

  /** The active items priced for `month` ("YYYY-MM"), ordered by code. */
  async items(month: string): Promise<CatalogItem[]> {
    const c = await this.current();
    let list = c.byMonth.get(month);
    if (!list) {
      list = [];
      for (const it of c.items) {
        const v = it.versions.find((x) => x.effectiveMonth <= month);
        if (!v) continue;
        list.push({
          id: it.id,
          code: it.code,
          name: it.name,
          nameEn: it.nameEn,
          unit: it.unit,
          categoryCode: it.categoryCode,
          pinyinInitials: it.pinyinInitials,
          points: v.points,
          pointVersionId: v.id,
          evidence: it.evidence,
        });
      }
      c.byMonth.set(month, list);
    }
    return list;
  }

  /** One item by id (active and priced for the month), or undefined. */
  async item(month: string, id: string): Promise<CatalogItem | undefined> {
    return (await this.items(month)).find((i) => i.id === id);
  }
}

// ───────────────────────────── matching ─────────────────────────────

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const A = [...a];
  const B = [...b];
  const m = A.length;
  const n = B.length;
  if (!m) return n;
  if (!n) return m;
  let prev2: number[] = new Array(n + 1).fill(0);
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= n; j++) {
      const cost = A[i - 1] === B[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && A[i - 1] === B[j - 2] && A[i - 2] === B[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

/** 1 for equal strings, 0 for nothing in common. */
function similarity(a: string, b: string): number {
  const len = Math.max([...a].length, [...b].length);
  return len ? 1 - editDistance(a, b) / len : 0;
}

/** Dice coefficient over characters (multiset): shared characters, whatever their order. */
function charOverlap(a: string, b: string): number {
  const A = [...a];
  const B = [...b];
  if (!A.length || !B.length) return 0;
  const counts = new Map<string, number>();
  for (const ch of B) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let common = 0;
  for (const ch of A) {
    const n = counts.get(ch) ?? 0;
    if (n > 0) {
      common++;
      counts.set(ch, n - 1);
    }
  }
  return (2 * common) / (A.length + B.length);
}

function isSubsequence(needle: string, hay: string): boolean {
  let i = 0;
  const n = [...needle];
  for (const ch of hay) if (ch === n[i]) i++;
  return i === n.length;
}

function key(s: string): string {
  return s.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

function compact(s: string): string {
  return key(s).replace(/[\s\p{P}\p{S}]/gu, "");
}

const CJK_RE = /\p{Script=Han}/u;

/** How well `query` names `item`: ≥ 0.5 is a plausible match, 1 an exact one; below 0.5 only "closeness". */
export function scoreItem(item: CatalogItem, query: string): number {
  const q = key(query);
  const qc = compact(query);
  if (!qc) return 0;
  const code = compact(item.code);
  const zh = compact(item.name);
  const en = key(item.nameEn);
  const enc = compact(item.nameEn);
  const initials = item.pinyinInitials || pinyinInitialsOf(item.name);
  if (qc === code || qc === zh || q === en || qc === enc) return 1;

  let score = 0;
  const up = (s: number) => {
    if (s > score) score = s;
  };
  const qlen = [...qc].length;
  const hasCjk = CJK_RE.test(qc);

  if (/^[a-z]+$/.test(qc)) {
    if (qc === initials) up(0.95);
    else if (qlen >= 2 && initials.startsWith(qc)) up(0.55 + (0.35 * qlen) / initials.length);
  }
  if (qlen >= 2 && code.startsWith(qc)) up(0.6 + (0.3 * qlen) / code.length);
  if (code.length >= 4 && qlen >= 4 && editDistance(qc, code) === 1) up(0.6);
  if (zh.includes(qc)) up(0.6 + (0.35 * qlen) / [...zh].length);
  else if (hasCjk && qlen >= 2 && isSubsequence(qc, zh)) up(0.5 + (0.3 * qlen) / [...zh].length);
  if (q.length >= 3 && en.includes(q)) up(0.55 + (0.4 * q.length) / en.length);
  if (!hasCjk && q.length >= 3) {
    // typos: the whole English name, or a run of its words as long as the query
    const qWords = q.split(" ").length;
    const words = en.split(" ");
    let best = similarity(q, en);
    let bestCoverage = 1;
    for (let i = 0; i + qWords <= words.length; i++) {
      const window = words.slice(i, i + qWords).join(" ");
      const s = similarity(q, window);
      if (s > best) {
        best = s;
        bestCoverage = window.length / en.length;
      }
    }
    if (best >= 0.75) up(0.45 + 0.3 * best + 0.2 * bestCoverage);
  }
  if (hasCjk && qlen >= 2) {
    const s = similarity(qc, zh);
    if (s >= 0.6) up(0.4 + 0.4 * s);
  }
  // closeness, for "did you mean" only
  up(
    0.45 *
      Math.max(
        similarity(qc, code),
        similarity(qc, zh),
        similarity(q, en),
        similarity(qc, initials),
        charOverlap(qc, zh),
        charOverlap(qc, enc),
      ),
  );
  return Math.min(score, 1);
}

export const PLAUSIBLE_SCORE = 0.5;

/**
 * The keys under which scoreItem answers 0.95 or more: 1 for the code, the Chinese name, the English name
 * (as typed or compacted); 0.95 for the pinyin initials (a query of letters only). No other rule reaches
 * 0.95, so when exactly one item is found under these keys it is matchItems' clear winner.
 */
interface ExactIndex {
  length: number;
  byKey: Map<string, CatalogItem[]>;
  byInitials: Map<string, CatalogItem[]>;
}

const exactIndexes = new WeakMap<readonly CatalogItem[], ExactIndex>();

function exactIndex(items: readonly CatalogItem[]): ExactIndex {
  const known = exactIndexes.get(items);
  if (known && known.length === items.length) return known;
  const byKey = new Map<string, CatalogItem[]>();
  const byInitials = new Map<string, CatalogItem[]>();
  const add = (map: Map<string, CatalogItem[]>, k: string, item: CatalogItem) => {
    const list = map.get(k);
    if (!list) map.set(k, [item]);
    else if (!list.includes(item)) list.push(item);
  };
  for (const item of items) {
    for (const k of [compact(item.code), compact(item.name), key(item.nameEn), compact(item.nameEn)]) {
      if (k) add(byKey, k, item);
    }
    add(byInitials, item.pinyinInitials || pinyinInitialsOf(item.name), item);
  }
  const index = { length: items.length, byKey, byInitials };
  exactIndexes.set(items, index);
  return index;
}

/** The only item scoring 0.95 or more for `query`, from an index built once per catalog list. */
function uniqueExact(items: readonly CatalogItem[], query: string): CatalogItem | undefined {
  const index = exactIndex(items);
  const q = key(query);
  const qc = compact(query);
  const found = new Set<CatalogItem>();
  for (const list of [index.byKey.get(qc), index.byKey.get(q)]) for (const i of list ?? []) found.add(i);
  if (/^[a-z]+$/.test(qc)) for (const i of index.byInitials.get(qc) ?? []) found.add(i);
  if (found.size !== 1) return undefined;
  const [item] = found;
  // the list may have been changed in place since the index was built: the item must still be in it
  return item && items.includes(item) ? item : undefined;
}

/**
 * Finds what `query` names. One clear winner → `exact` (an exact code or name, unique pinyin initials, or
 * the only plausible match, or one far ahead of the rest); otherwise `candidates` are the plausible matches
 * (for buttons), or when there is none, the closest items (for "did you mean"). Candidates are best first.
 */
export function matchItems(
  items: CatalogItem[],
  query: string,
  opts: { limit?: number } = {},
): { exact?: CatalogItem; candidates: { item: CatalogItem; score: number }[] } {
  const limit = opts.limit ?? 5;
  if (!compact(query)) return { candidates: [] };
  const sure = uniqueExact(items, query);
  if (sure) return { exact: sure, candidates: [] };
  const scored = items
    .map((item) => ({ item, score: scoreItem(item, query) }))
    .sort((a, b) => b.score - a.score || a.item.code.localeCompare(b.item.code));
  const top = scored[0];
  if (!top) return { candidates: [] };
  const second = scored[1];
  const plausible = scored.filter((s) => s.score >= PLAUSIBLE_SCORE);
  const secondScore = second?.score ?? 0;
  if (top.score >= 0.95 && secondScore < 0.95) return { exact: top.item, candidates: [] };
  if (plausible.length === 1) return { exact: top.item, candidates: [] };
  if (plausible.length > 1 && top.score >= 0.8 && top.score - secondScore >= 0.25) {
    return { exact: top.item, candidates: [] };
  }
  if (plausible.length > 1) return { candidates: plausible.slice(0, limit) };
  return { candidates: scored.filter((s) => s.score > 0.1).slice(0, Math.min(limit, 3)) };
}

/**
 * `matchItems` for the command path: the one item meant, or the plausible candidates to choose from;
 * throws item.unknown (with the closest items) when nothing plausible matches.
 */
export function resolveItem(
  items: CatalogItem[],
  query: string,
  opts: { limit?: number } = {},
): { item: CatalogItem; candidates?: undefined } | { item?: undefined; candidates: CatalogItem[] } {
  const m = matchItems(items, query, opts);
  if (m.exact) return { item: m.exact };
  if (m.candidates.length && m.candidates[0]!.score >= PLAUSIBLE_SCORE) {
    return { candidates: m.candidates.map((c) => c.item) };
  }
  const suggestions = m.candidates.map((c) => ({
    code: c.item.code,
    name: c.item.name,
    nameEn: c.item.nameEn,
  }));
  throw new DomainError("item.unknown", {
    query,
    suggestions,
    closestZh: suggestions.map((s) => `${s.code} ${s.name}`).join(", "),
    closestEn: suggestions.map((s) => `${s.code} ${s.nameEn}`).join(", "),
  });
}

// ───────────────────────────── queries ─────────────────────────────

/** The point version of an item in force for a month (the latest effective on or before it). */
export async function pointVersionInForce(
  db: Db | Tx,
  itemId: string,
  month: string,
): Promise<{ id: string; points: number; effectiveMonth: string } | null> {
  return db.itemPointVersion.findFirst({
    where: { itemId, effectiveMonth: { lte: month } },
    orderBy: { effectiveMonth: "desc" },
    select: { id: true, points: true, effectiveMonth: true },
  });
}

/**
 * Item ids the person logged lately, for the modal's picker: the most recent half first (by last use),
 * then the most frequent of the rest, from the person's last 300 active lines.
 */
export async function recentItems(db: Db | Tx, personId: string, limit = 10): Promise<string[]> {
  const rows = await db.entry.findMany({
    where: { personId, status: "ACTIVE" },
    select: { itemId: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 300,
  });
  const byRecency: string[] = [];
  const freq = new Map<string, number>();
  for (const r of rows) {
    if (!freq.has(r.itemId)) byRecency.push(r.itemId);
    freq.set(r.itemId, (freq.get(r.itemId) ?? 0) + 1);
  }
  const out = byRecency.slice(0, Math.ceil(limit / 2));
  const rest = byRecency
    .slice(out.length)
    .map((id, i) => ({ id, n: freq.get(id)!, i }))
    .sort((a, b) => b.n - a.n || a.i - b.i);
  for (const r of rest) {
    if (out.length >= limit) break;
    out.push(r.id);
  }
  return out;
}
