/**
 * i18n: one i18next instance (initialised synchronously from the bundled catalogs) and typed
 * translators. Languages: "zh-CN" and "en". Keys are the dotted paths of the English catalog;
 * `t(lang)("log.logged", { … })`. A DomainError's code is looked up under `errors.<code>`.
 */
import i18next, { type i18n as I18n } from "i18next";
import { type Catalog, en } from "./locales/en.js";
import { zhCN } from "./locales/zh-CN.js";

export const LANGS = ["zh-CN", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = "zh-CN";

export const catalogs: Record<Lang, Catalog> = { "zh-CN": zhCN, en };

type Paths<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Paths<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every key of the catalogs, e.g. "log.logged". */
export type MessageKey = Paths<Catalog>;
export type Params = Record<string, unknown>;
export type Translate = (key: MessageKey, params?: Params) => string;

let instance: I18n | undefined;

function i18n(): I18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
    lng: DEFAULT_LANG,
    fallbackLng: "en",
    supportedLngs: [...LANGS],
    nsSeparator: false,
    initAsync: false,
    showSupportNotice: false,
    returnNull: false,
    returnEmptyString: false,
    interpolation: { escapeValue: false, skipOnVariables: true },
  });
  instance = created;
  return created;
}

/**
 * A message that needs nothing of i18next but `{{name}}` substitution: the language's own string (no
 * fallback), no plural/context variants of the key, no nesting (`$t(`), no unescaped (`{{- x}}`),
 * formatted (`{{x, fmt}}`) or nested-path (`{{a.b}}`) placeholders. The /log reply is rendered on the ack
 * path, and i18next's full pipeline (plural look-ups for `count`, option handling) costs more than the
 * rest of the reply.
 */
interface Compiled {
  /** literal text around the placeholders: parts.length === names.length + 1 */
  parts: string[];
  names: string[];
  distinct: number;
}

const compiledCache = new Map<string, Compiled | null>();

function compile(lang: Lang, key: string): Compiled | null {
  const inst = i18n();
  const template: unknown = inst.getResource(lang, "translation", key);
  if (typeof template !== "string" || template === "" || template.includes("$t(")) return null;
  const dot = key.lastIndexOf(".");
  const last = key.slice(dot + 1);
  for (const l of new Set<string>([lang, "en"])) {
    const parent: unknown =
      dot < 0
        ? inst.getResourceBundle(l, "translation")
        : inst.getResource(l, "translation", key.slice(0, dot));
    if (parent && typeof parent === "object" && Object.keys(parent).some((k) => k.startsWith(`${last}_`))) {
      return null;
    }
  }
  const parts: string[] = [];
  const names: string[] = [];
  const re = /\{\{(.+?)\}\}/g;
  let at = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    const inner = m[1] as string;
    const name = inner.trim();
    if (!name || inner.startsWith("-") || /[.,]/.test(name)) return null;
    parts.push(template.slice(at, m.index));
    names.push(name);
    at = m.index + m[0].length;
  }
  parts.push(template.slice(at));
  return { parts, names, distinct: new Set(names).size };
}

/** The compiled message rendered as i18next would, or undefined to let i18next do it. */
function render(c: Compiled, params: Params): string | undefined {
  // exactly the placeholders, so no i18next option (count, context, lng, replace…) is in play
  if (Object.keys(params).length !== c.distinct) return undefined;
  let out = c.parts[0] as string;
  for (let i = 0; i < c.names.length; i++) {
    const name = c.names[i] as string;
    if (!Object.hasOwn(params, name)) return undefined;
    const v = params[name];
    let text: string;
    if (v === undefined || v === null) text = "";
    else if (typeof v === "string") {
      if (v.includes("{{") || v.includes("$t(")) return undefined;
      text = v;
    } else if (typeof v === "number" || typeof v === "boolean") text = String(v);
    // a bigint count goes to i18next, whose plural rules refuse it
    else if (typeof v === "bigint" && name !== "count") text = String(v);
    else return undefined;
    out += text + (c.parts[i + 1] as string);
  }
  return out;
}

const fixedTs = new Map<Lang, ReturnType<I18n["getFixedT"]>>();

/** A translator fixed to one language. */
export function translator(lang: Lang): Translate {
  let fixed = fixedTs.get(lang);
  if (!fixed) {
    fixed = i18n().getFixedT(lang);
    fixedTs.set(lang, fixed);
  }
  const t = fixed;
  return (key, params) => {
    const id = `${lang}\u0000${key}`;
    let c = compiledCache.get(id);
    if (c === undefined) {
      c = compile(lang, key);
      compiledCache.set(id, c);
    }
    if (c) {
      const out = render(c, params ?? {});
      if (out !== undefined) return out;
    }
    return t(key, params ?? {}) as string;
  };
}

/** Whether `key` renders without i18next when given exactly its placeholders (tests). */
export function hasFastPath(lang: Lang, key: string): boolean {
  return compile(lang, key) !== null;
}

/** The i18next translator, bypassing the compiled fast path (tests compare the two). */
export function i18nextTranslator(lang: Lang): Translate {
  const fixed = i18n().getFixedT(lang);
  return (key, params) => fixed(key, params ?? {}) as string;
}

/** Whether `key` exists (in the language itself, not by fallback). */
export function hasMessage(lang: Lang, key: string): boolean {
  return i18n().exists(key, { lng: lang, fallbackLng: false });
}

/** Translates a dynamic key (e.g. `errors.<code>`), or returns undefined when missing. */
export function translateDynamic(lang: Lang, key: string, params?: Params): string | undefined {
  if (!hasMessage(lang, key)) return undefined;
  return i18n().getFixedT(lang)(key, params ?? {}) as string;
}

/**
 * Maps a Slack locale ("en-US", "zh-CN", "zh-TW", "ja-JP") or a stored setting ("en", "zh", "zh-CN")
 * to a supported language, or undefined when it names neither.
 */
export function normalizeLang(locale: string | null | undefined): Lang | undefined {
  if (!locale) return undefined;
  const l = locale.trim().toLowerCase().replace("_", "-");
  if (l === "zh" || l.startsWith("zh-")) return "zh-CN";
  if (l === "en" || l.startsWith("en-")) return "en";
  return undefined;
}
