// The scripts' texts reach the page's language only if the extractor finds them: t("…") and
// tn("…", "…", n) with plain double-quoted literals, outside template literals and outside
// another call's arguments (the extractor looks inside neither). Plural texts name no
// placeholder but %(num)s: the server fills plural forms with num alone, and any other name
// would break the page.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

const DIR = new URL("../../static/js/", import.meta.url);
const SCRIPTS = readdirSync(DIR).filter((name) => name.endsWith(".js"));
const source = (name) => readFileSync(new URL(name, DIR), "utf8");

/** [file, line number, line] for each line of the scripts that matches `pattern`. */
function linesMatching(pattern) {
  const found = [];
  for (const name of SCRIPTS) {
    source(name).split("\n").forEach((line, i) => {
      // The definitions of t and tn themselves are not calls.
      if (/^\s*export function tn?\(/.test(line)) return;
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

/** The source of each t(…)/tn(…) call: from its name to its closing bracket, strings skipped. */
function calls(text) {
  const out = [];
  for (const found of text.matchAll(/(?<![\w.$])tn?\(/g)) {
    let depth = 0;
    let i = found.index + found[0].length - 1;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '"' || c === "'" || c === "`") {
        for (i++; i < text.length && text[i] !== c; i++) if (text[i] === "\\") i++;
      } else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) break;
    }
    out.push(text.slice(found.index, i + 1));
  }
  return out;
}

test("no t() or tn() sits inside another's arguments (the extractor skips those)", () => {
  const nested = [];
  for (const name of SCRIPTS) {
    for (const call of calls(source(name))) {
      const inner = call.slice(call.indexOf("(") + 1).replace(/"(?:[^"\\]|\\.)*"/g, '""');
      if (/(?<![\w.$])tn?\(/.test(inner)) nested.push(`${name}: ${call.slice(0, 80)}`);
    }
  }
  assert.deepEqual(nested, []);
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
