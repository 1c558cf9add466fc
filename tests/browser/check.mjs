// Opens a built site in headless Chromium and checks what readers and print-view users get:
// accessibility (axe-core, light and dark schemes), no sideways scrolling from 320 px up,
// pages that work without JavaScript, and printed PDFs without navigation chrome. Takes the
// screenshots the README shows.
//
// Usage: node check.mjs SITE_DIR OUT_DIR [--pages default|plain]
// Exits 1, naming each failed check, when any check fails.

import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { extname, join, normalize, resolve } from "node:path";
import { tmpdir } from "node:os";
import { mkdtempSync } from "node:fs";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");

const [siteArg, outArg, ...rest] = process.argv.slice(2);
if (!siteArg || !outArg) {
  console.error("usage: node check.mjs SITE_DIR OUT_DIR [--pages default|plain]");
  process.exit(2);
}
const site = resolve(siteArg);
const out = resolve(outArg);
const kind = rest[0] === "--pages" ? rest[1] : "default";
mkdirSync(out, { recursive: true });

const ARTICLE = "/news/2017/09/18/zhejiang-signs-cooperative-agreement-with-aqsiq/";
const PAGES = {
  home: "/",
  section: "/news/",
  article: ARTICLE,
  "archive month": "/archive/2017/09/",
  "print page": `${ARTICLE}print/`,
  "print edition": "/archive/2017/09/18/print/",
};
// Pages with a wide table and an image, for the narrow-screen check.
const WIDE = {
  "article with a table": "/news/2017/09/18/foreign-trade-grows-in-first-eight-months/",
  "article with an image": "/events/2018/10/15/digital-economy-expo/",
};
const BODY_TEXT = "On the afternoon of September 13, Zhejiang Provincial Government";

const failures = [];
function fail(message) {
  failures.push(message);
  console.error(`FAIL ${message}`);
}
function pass(message) {
  console.log(`ok   ${message}`);
}

// A plain static file server for the built site: index.html for folders, 404.html otherwise.
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".txt": "text/plain; charset=utf-8",
};
const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
  let file = normalize(join(site, path));
  if (!file.startsWith(site)) {
    response.writeHead(400).end();
    return;
  }
  try {
    if (statSync(file).isDirectory()) file = join(file, "index.html");
    const body = readFileSync(file);
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    response.end(body);
  } catch {
    response.writeHead(404, { "content-type": TYPES[".html"] });
    response.end(readFileSync(join(site, "404.html")));
  }
});
await new Promise((done) => server.listen(0, "127.0.0.1", done));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});

try {
  selfContained();
  await accessibility();
  await narrowScreens();
  await withoutJavaScript();
  await searching();
  await printing();
  await screenshots();
} finally {
  await browser.close();
  server.close();
}

if (failures.length) {
  console.error(`\n${failures.length} browser check(s) failed:`);
  for (const failure of failures) console.error(`  - ${failure}`);
  process.exit(1);
}
console.log("\nall browser checks passed");

/** No page loads a script, a font or a stylesheet from another host, and the only scripts
 * are JSON-LD data, the Print and Close buttons' handlers and the search page's own script. */
function selfContained() {
  const files = readdirSync(site, { recursive: true }).filter((f) => /\.(html|css)$/.test(f));
  let problems = 0;
  for (const file of files) {
    const text = readFileSync(join(site, file), "utf8");
    const scripts = [...text.matchAll(/<script\b([^>]*)>/g)].filter(
      (m) => !/type="application\/ld\+json"/.test(m[1]) &&
        !(file === join("search", "index.html") && /^ src="\/search\/search\.js\?v=[0-9a-f]+" defer$/.test(m[1])),
    );
    const external = [
      ...text.matchAll(/<(?:link|script|img)\b[^>]*(?:href|src)="(?:https?:)?\/\/[^"]*"[^>]*>/g),
    ].filter((m) => !/rel="(canonical|alternate)"/.test(m[0]));
    const fonts = /@font-face|@import\s+url\(\s*["']?(https?:)?\/\//.test(text);
    if (scripts.length || external.length || fonts) {
      problems += 1;
      fail(`${file} loads ${scripts.length ? "a script" : external.length ? external[0][0] : "a web font"}`);
    }
  }
  if (!problems) pass(`${files.length} pages and stylesheets: no script, font or stylesheet from anywhere else`);
}

/** axe-core on every page, in the light and the dark colour scheme. */
async function accessibility() {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const [name, path] of Object.entries(PAGES)) {
      await open(page, path);
      await page.addScriptTag({ path: AXE });
      const result = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const found = await axe.run(document, { resultTypes: ["violations"] });
        return found.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
        }));
      });
      const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
      if (serious.length) {
        for (const v of serious) {
          fail(`axe (${scheme}) ${name} ${path}: ${v.impact} ${v.id}: ${v.help} at ${v.targets.join(", ")}`);
        }
      } else {
        const minor = result.length ? ` (${result.length} minor or moderate)` : "";
        pass(`axe (${scheme}) ${name}: no serious or critical violation${minor}`);
      }
    }
    await context.close();
  }
}

/** From 320 px up, nothing scrolls sideways. */
async function narrowScreens() {
  for (const width of [320, 390, 768, 1440]) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    for (const [name, path] of Object.entries({ ...PAGES, ...WIDE })) {
      await open(page, path);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scroll > width) fail(`${name} at ${width} px is ${scroll} px wide: it scrolls sideways`);
    }
    pass(`every page fits ${width} px without scrolling sideways`);
    await context.close();
  }
}

/** Pages are whole without JavaScript. */
async function withoutJavaScript() {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await open(page, ARTICLE);
  const text = await page.locator("main").innerText();
  if (!text.includes(BODY_TEXT)) fail("the article's text is missing without JavaScript");
  else pass("the article reads without JavaScript");
  await context.close();
}

/** The search page finds the sample's articles in its index, from the address and from the
 * form, with results that pass axe and fit a narrow screen; without JavaScript it says how
 * else to find an article. */
async function searching() {
  const context = await browser.newContext({ viewport: { width: 320, height: 800 } });
  const page = await context.newPage();
  const results = page.locator("[data-search-results] li");
  await open(page, "/search/?q=AQSIQ");
  await results.first().waitFor({ timeout: 10000 }).catch(() => {});
  const first = await results.first().locator("a").first().getAttribute("href").catch(() => null);
  if (first === ARTICLE) pass("the search page finds the seed article by a word of its title");
  else fail(`searching "AQSIQ" listed ${first ?? "nothing"} first, not ${ARTICLE}`);
  await page.fill("#search-query", "cooperative agreem");
  await page.press("#search-query", "Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "cooperative agreem");
  await page.locator("[data-search-status]").filter({ hasText: /found/ }).waitFor({ timeout: 10000 }).catch(() => {});
  await results.first().waitFor({ timeout: 10000 }).catch(() => {});
  const titles = await results.locator("h2").allInnerTexts();
  if (titles.some((t) => /Cooperative Agreement/.test(t))) pass(`the search form finds ${titles.length} article(s), the seed among them`);
  else fail(`searching "cooperative agreem" from the form listed: ${titles.join(" | ") || "nothing"}`);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  if (scroll > 320) fail(`the search results at 320 px are ${scroll} px wide`);
  else pass("the search results fit 320 px");
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const found = await axe.run(document, { resultTypes: ["violations"] });
    return found.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
  });
  if (violations.length) fail(`axe on the search results: ${violations.join("; ")}`);
  else pass("axe on the search results: no serious or critical violation");
  await page.fill("#search-query", "COMMUNIQUE");
  await page.press("#search-query", "Enter");
  await page.locator("[data-search-status]").filter({ hasText: /found/ }).waitFor({ timeout: 10000 }).catch(() => {});
  await results.first().waitFor({ timeout: 10000 }).catch(() => {});
  const folded = await results.locator("h2").allInnerTexts();
  if (folded.some((t) => /Preliminary 2015 Economic Data/.test(t))) pass("a query without accents finds a summary with them (communiqué)");
  else fail(`searching "COMMUNIQUE" listed: ${folded.join(" | ") || "nothing"}`);
  // A file that fails to load is asked for again by the next search.
  let refused = 0;
  await page.route("**/search/terms-*.json*", (route) => {
    if (refused++ === 0) route.abort();
    else route.continue();
  });
  await open(page, "/search/");
  await page.fill("#search-query", "provincial");
  await page.press("#search-query", "Enter");
  const failed = await page.locator("[data-search-status]").filter({ hasText: /could not be loaded/ })
    .waitFor({ timeout: 10000 }).then(() => true, () => false);
  await page.press("#search-query", "Enter");
  const recovered = await page.locator("[data-search-status]").filter({ hasText: /found/ })
    .waitFor({ timeout: 10000 }).then(() => true, () => false);
  await page.unroute("**/search/terms-*.json*");
  if (failed && recovered) pass("a search whose index file failed to load says so, and the next one loads it");
  else fail(`a failed index file: said so ${failed}, loaded by the next search ${recovered}`);
  await page.fill("#search-query", "zzzzqqq");
  await page.press("#search-query", "Enter");
  await page.locator("[data-search-status]").filter({ hasText: /No article/ }).waitFor({ timeout: 10000 })
    .then(() => pass("a search without results says so"), () => fail("a search without results said nothing"));
  await context.close();
  const quiet = await browser.newContext({ javaScriptEnabled: false });
  const bare = await quiet.newPage();
  await open(bare, "/search/");
  const text = await bare.locator("main").innerText();
  if (/JavaScript/.test(text) && (await bare.locator("main a[href='/archive/']").count()) > 0) {
    pass("without JavaScript the search page points to the archive");
  } else {
    fail("without JavaScript the search page does not say how else to find an article");
  }
  await quiet.close();
}

/** The print page, the article page and a print edition as PDF: text there, chrome not. */
async function printing() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cases = [
    ["article print page", `${ARTICLE}print/`, "article-print.pdf"],
    ["article page", ARTICLE, "article.pdf"],
    ["print edition", "/archive/2017/09/18/print/", "edition.pdf"],
  ];
  for (const [name, path, file] of cases) {
    await open(page, path);
    const pdf = join(out, file);
    await page.pdf({ path: pdf, format: "A4", printBackground: true });
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    const checks = [
      [text.includes(BODY_TEXT.replace(/\s+/g, " ")), "has the article's text"],
      [!text.includes("[Print]") && !text.includes("[Close]"), "has no [Print] or [Close]"],
      [!/Skip to (the )?content/i.test(text), "has no skip link"],
      [!text.includes("Notices") || name === "print edition", "has no section navigation"],
      [/bulletin\.example\.org\/news\/2017\/09\/18\//.test(text.replace(/\s/g, "")), "has the article's address"],
    ];
    for (const [ok, what] of checks) {
      if (ok) pass(`PDF of the ${name} ${what}`);
      else fail(`PDF of the ${name} (${file}): expected it ${what}`);
    }
  }
  await context.close();
}

/** Desktop and mobile screenshots, and the first printed page as an image. */
async function screenshots() {
  const shots = [
    ["home-desktop.png", "/", 1280, 1000, "light"],
    ["article-desktop.png", ARTICLE, 1280, 1000, "light"],
    ["article-mobile.png", ARTICLE, 390, 844, "light"],
    ["article-dark.png", ARTICLE, 1280, 1000, "dark"],
  ];
  for (const [file, path, width, height, scheme] of shots) {
    const context = await browser.newContext({
      viewport: { width, height },
      colorScheme: scheme,
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await open(page, path);
    await page.screenshot({ path: join(out, `${kind}-${file}`) });
    await context.close();
  }
  const scratch = mkdtempSync(join(tmpdir(), "bulletin-print-"));
  execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", join(out, "article-print.pdf"), join(scratch, "page")]);
  writeFileSync(join(out, `${kind}-article-print.png`), readFileSync(join(scratch, "page.png")));
  pass(`screenshots in ${out}`);
}

async function open(page, path) {
  const response = await page.goto(base + path, { waitUntil: "load" });
  if (!response || response.status() !== 200) {
    fail(`${path} answered ${response ? response.status() : "nothing"}`);
  }
}
