// Screen strings: ../i18n/ui-<locale>.json of the package (relative to ui/), English as fallback.

const cache = new Map();

async function load(locale) {
  if (!cache.has(locale)) {
    const url = new URL(`../../i18n/ui-${locale}.json`, import.meta.url);
    cache.set(
      locale,
      fetch(url)
        .then((r) => (r.ok ? r.json() : {}))
        .catch(() => ({})),
    );
  }
  return cache.get(locale);
}

/** The locales the screens are translated into. */
export const LOCALES = ["en", "de"];

/**
 * Loads the strings of `locale` and returns `t(key, params)`: the string with `{name}` replaced by
 * `params.name`, English when the locale lacks it, the key itself when both do. `t.locale` is the
 * locale used, `t.date(iso)` and `t.number(n)` format for it.
 */
export async function i18n(locale) {
  const wanted = LOCALES.includes(locale) ? locale : "en";
  const [own, en] = await Promise.all([load(wanted), wanted === "en" ? null : load("en")]);
  const t = (key, params = {}) => {
    const s = (own && own[key]) ?? (en && en[key]) ?? key;
    return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  };
  t.locale = wanted;
  const dates = new Intl.DateTimeFormat(wanted, { dateStyle: "medium", timeStyle: "short" });
  t.date = (iso) => {
    const d = iso ? new Date(iso) : null;
    return d && !Number.isNaN(d.getTime()) ? dates.format(d) : "";
  };
  const numbers = new Intl.NumberFormat(wanted);
  t.number = (n) => numbers.format(n);
  return t;
}
