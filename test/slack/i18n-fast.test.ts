/**
 * The translator's fast path (plain `{{name}}` substitution, used on the /log ack path) answers exactly
 * what i18next answers, for every message of both catalogs and all kinds of values; anything it does not
 * handle (a missing or extra parameter, a value that looks like a placeholder) goes to i18next.
 */
import { describe, expect, it } from "vitest";
import {
  catalogs,
  hasFastPath,
  i18nextTranslator,
  LANGS,
  type MessageKey,
  translator,
} from "../../src/i18n/index.js";

function entries(obj: unknown, prefix = ""): [string, string][] {
  if (typeof obj === "string") return [[prefix, obj]];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) =>
    entries(v, prefix ? `${prefix}.${k}` : k),
  );
}

function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{(.+?)\}\}/g)].map((m) => (m[1] as string).trim()))];
}

const VALUES: unknown[] = [
  "text",
  "",
  "a $& b $1 $$ \\ *bold* <@U1>",
  "发票发售 × 3",
  0,
  1,
  2,
  12.5,
  -3,
  123456789n,
  true,
  false,
  null,
  undefined,
];

/** What a call answers, or the error it throws (i18next refuses a bigint count, for one). */
function outcome(f: () => string): string {
  try {
    return `ok: ${f()}`;
  } catch (e) {
    return `threw: ${(e as Error).message}`;
  }
}

describe("translator fast path", () => {
  for (const lang of LANGS) {
    it(`${lang}: every message renders as i18next renders it`, () => {
      const fast = translator(lang);
      const slow = i18nextTranslator(lang);
      let compiled = 0;
      for (const [key, template] of entries(catalogs[lang])) {
        const k = key as MessageKey;
        const names = placeholders(template);
        if (hasFastPath(lang, key)) compiled++;
        const sets: Record<string, unknown>[] = [{}];
        for (let v = 0; v < VALUES.length; v++) {
          sets.push(Object.fromEntries(names.map((n, i) => [n, VALUES[(v + i) % VALUES.length]])));
        }
        if (names.length > 0) {
          sets.push(Object.fromEntries(names.slice(1).map((n) => [n, "x"]))); // one missing
          sets.push({ ...Object.fromEntries(names.map((n) => [n, 2])), count: 2, extra: "y" }); // extra
          sets.push(Object.fromEntries(names.map((n) => [n, `{{${names[0]}}}`]))); // placeholder-like value
          sets.push(Object.fromEntries(names.map((n) => [n, "$t(common.undo)"])));
        }
        for (const params of sets) {
          const what = `${lang} ${key} ${JSON.stringify(params, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`;
          expect(
            outcome(() => fast(k, params)),
            what,
          ).toBe(outcome(() => slow(k, params)));
        }
        expect(fast(k), `${lang} ${key} without params`).toBe(slow(k));
      }
      // the path matters: most messages, and those of the /log reply, take it
      expect(compiled).toBeGreaterThan(entries(catalogs[lang]).length / 2);
      for (const key of ["log.logged", "log.totals", "common.points", "common.undo"]) {
        expect(hasFastPath(lang, key), key).toBe(true);
      }
    });
  }
});
