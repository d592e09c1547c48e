/** Catalogs: same keys in both languages, and a message for every DomainError code the domain uses. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { catalogs, hasMessage, LANGS, normalizeLang, translator } from "../../src/i18n/index.js";

function keys(obj: unknown, prefix = ""): string[] {
  if (typeof obj === "string") return [prefix];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) =>
    keys(v, prefix ? `${prefix}.${k}` : k),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Every code thrown as `new DomainError("code"` or listed as a blocker in src/domain. */
function domainCodes(): string[] {
  const codes = new Set<string>();
  for (const file of sources(path.resolve("src/domain"))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/DomainError\(\s*["']([\w.]+)["']/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/blockers\.push\(\s*["']([\w.]+)["']/g)) codes.add(m[1]!);
  }
  return [...codes].sort();
}

describe("i18n catalogs", () => {
  it("zh-CN and en have exactly the same keys, none empty", () => {
    const en = keys(catalogs.en).sort();
    expect(keys(catalogs["zh-CN"]).sort()).toEqual(en);
    for (const lang of LANGS)
      for (const k of en) expect(translator(lang)(k as never).length, `${lang} ${k}`).toBeGreaterThan(0);
  });

  it("every DomainError code used in src/domain has a message in both languages", () => {
    const codes = domainCodes();
    expect(codes.length).toBeGreaterThan(20);
    const missing = codes.flatMap((c) =>
      LANGS.filter((l) => !hasMessage(l, `errors.${c}`)).map((l) => `${l}: errors.${c}`),
    );
    expect(missing).toEqual([]);
  });

  it("interpolates and never escapes (the Slack layer escapes user text itself)", () => {
    expect(translator("en")("errors.log.badDate", { value: "2026-13-40" })).toBe(
      "“2026-13-40” is not a real date. Use e.g. 2026-11-03, 11-03 or yesterday.",
    );
    expect(translator("zh-CN")("common.points", { value: "3.25" })).toBe("3.25 分");
    expect(translator("en")("log.note", { note: "a&b" })).toBe("Note: a&b");
  });

  it("maps Slack locales to the two languages", () => {
    expect(normalizeLang("zh-CN")).toBe("zh-CN");
    expect(normalizeLang("zh-TW")).toBe("zh-CN");
    expect(normalizeLang("en-GB")).toBe("en");
    expect(normalizeLang("en")).toBe("en");
    expect(normalizeLang("ja-JP")).toBeUndefined();
    expect(normalizeLang(null)).toBeUndefined();
  });
});
