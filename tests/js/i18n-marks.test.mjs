// The scripts' texts reach the page's language only if the extractor finds them: t("…") and
// tn("…", "…", n) with plain double-quoted literals, outside template literals (the extractor
// does not look inside `${…}`), and plural texts whose only placeholder is %(num)s (the server
// fills the plural forms with num alone, and any other name would break the page).

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

const DIR = new URL("../../static/js/", import.meta.url);
const SCRIPTS = readdirSync(DIR).filter((name) => name.endsWith(".js") && name !== "i18n.js");
const source = (name) => readFileSync(new URL(name, DIR), "utf8");

/** [file, line number, line] for each line of the scripts that matches `pattern`. */
function linesMatching(pattern) {
  const found = [];
  for (const name of SCRIPTS) {
    source(name).split("\n").forEach((line, i) => {
      if (pattern.test(line) && !/^\s*(\/\/|\*|\/\*\*)/.test(line)) found.push(`${name}:${i + 1}: ${line.trim()}`);
    });
  }
  return found;
}

test("every t() and tn() starts with a plain double-quoted text", () => {
  assert.deepEqual(linesMatching(/(?<![\w.$])tn?\(\s*(?!")/), []);
});

test("no t() or tn() sits inside a template literal's ${…}", () => {
  assert.deepEqual(linesMatching(/\$\{[^}`]*(?<![\w.$])tn?\(/), []);
});

test("plural texts name no placeholder but %(num)s", () => {
  const plural = /(?<![\w.$])tn\(\s*"([^"]*)",\s*"([^"]*)"/g;
  const wrong = [];
  for (const name of SCRIPTS) {
    for (const [, one, other] of source(name).matchAll(plural)) {
      for (const text of [one, other]) {
        const names = [...text.matchAll(/%\((\w+)\)s/g)].map((m) => m[1]);
        if (names.some((n) => n !== "num")) wrong.push(`${name}: ${text}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test("the scripts do mark their texts (the checks above look at something)", () => {
  assert.ok(SCRIPTS.length > 10);
  assert.ok(linesMatching(/(?<![\w.$])t\("/).length > 100);
});
