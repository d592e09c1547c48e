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

/** A translator fixed to one language. */
export function translator(lang: Lang): Translate {
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
