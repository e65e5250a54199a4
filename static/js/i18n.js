// The page's translations of the scripts' texts: a JSON script tag the server fills from its
// message catalogue. Each script marks its texts t("…") or tn("…", "…", n); English is the key.

let table = null;

function strings() {
  if (table) return table;
  table = {};
  if (typeof document === "undefined") return table;  // unit tests: English
  const el = document.getElementById("limber-strings");
  try { table = el ? JSON.parse(el.textContent) || {} : {}; } catch { table = {}; }
  return table;
}

/** The page's language as a BCP 47 tag ("en" outside a page). */
export function pageLang() {
  return (typeof document !== "undefined" && document.documentElement.lang) || "en";
}

/** Replace each %(name)s with values[name]. */
export function fill(text, values = {}) {
  return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Return the translation of an English text, with %(name)s placeholders filled in. */
export function t(english, values) {
  const found = strings()[english];
  return fill(typeof found === "string" ? found : english, values);
}

/** Return the singular or plural translation for n (n is also available as %(n)s). */
export function tn(singular, plural, n, values = {}) {
  const found = strings()[singular];
  const one = new Intl.PluralRules(pageLang()).select(n) === "one";
  const forms = Array.isArray(found) ? found : [singular, plural];
  return fill(one ? forms[0] : forms[1], { n, num: n, ...values });
}

/** Format a number for the page's language (decimal comma where the language uses one). */
export function number(value, options) {
  return new Intl.NumberFormat(pageLang(), options).format(value);
}
