// The page in Debian's headless Chromium, driven by playwright-core: a shared link shows its
// chance; the profile form shows the CRS and the chance; no request leaves 127.0.0.1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
// This machine has no outside network: nothing in the browser may try to reach it.
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let server, context;
const requests = [];

before(async () => {
  server = await startServer();
  // An empty profile directory of its own: launchPersistentContext is how Playwright takes
  // --user-data-dir.
  const profile = mkdtempSync(join(tmpdir(), "eesim-chromium-"));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  context.on("request", (r) => requests.push(r.url()));
});

after(async () => {
  if (context) await context.close();
  if (server) await server.stop();
  const outside = requests.filter((u) => !u.startsWith("data:") && new URL(u).hostname !== "127.0.0.1");
  assert.deepEqual(outside, [], "requests that left 127.0.0.1");
});

const screenshot = async (page, name) => {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: join(process.env.SCREENSHOTS, name), fullPage: true });
};

test("a shared link shows its chance, the API's", async () => {
  const page = await context.newPage();
  // $LINK_QUERY measures another link (the README's figure uses the default 10,000 runs).
  const query = process.env.LINK_QUERY || "crs=505&programs=cec&categories=french&runs=2000";
  const link = "/?" + query;
  const started = Date.now();
  await page.goto(server.url + link);
  const chance = page.locator("#chance");
  await chance.waitFor({ state: "visible", timeout: 30000 });
  const ms = Date.now() - started;
  console.log(`# first answer visible ${ms} ms after opening ${link}`);
  const shown = await chance.textContent();
  assert.match(shown, /^\d{1,3}\.\d%$/);
  const api = await (await fetch(server.url + "/api/chance?" + query)).json();
  assert.equal(shown, (100 * api.p).toFixed(1) + "%");
  assert.equal(await page.locator("#answer-crs").textContent(), "505");
  assert.match(await page.locator("#data-line").textContent(), process.env.EESIM_SERVE_FEED ? /cached feed/ : /embedded scenario/);
  // The form shows the link's question; the charts are drawn.
  assert.equal(await page.inputValue("#crs"), "505");
  assert.equal(await page.isChecked("#cat-french"), true);
  assert.equal(await page.locator("#curve svg polyline").count(), 1);
  assert.equal(await page.locator("#by-score svg polyline").count(), 1);
  assert.equal(await page.locator("#by-month tbody tr").count() >= 2, true);
  await screenshot(page, "shared-link.png");
  // The keyboard: another score typed and Enter pressed gives another answer and link.
  await page.fill("#crs", "450");
  await page.press("#crs", "Enter");
  await page.waitForFunction(() => document.querySelector("#answer-crs")?.textContent === "450", null, { timeout: 30000 });
  assert.match(page.url(), /crs=450/);
  await page.close();
});

test("the profile form shows the CRS breakdown and the chance", async () => {
  const page = await context.newPage();
  await page.goto(server.url + "/");
  await page.check("#mode-profile");
  await page.fill("#p-assessed_on", "2026-03-01");
  await page.fill("#p-age", "29");
  await page.selectOption("#p-education", "masters");
  await page.selectOption("#l1-test", "ielts");
  for (const [a, v] of [["listening", "8"], ["reading", "7"], ["writing", "7"], ["speaking", "7"]]) await page.fill("#l1-" + a, v);
  await page.selectOption("#l2-test", "clb");
  for (const a of ["listening", "reading", "writing", "speaking"]) await page.fill("#l2-" + a, "5");
  await page.fill("#p-canadian_work_years", "1");
  await page.fill("#p-foreign_work_years", "3");
  await page.fill("#runs", "2000");
  await page.click("#go");
  await page.locator("#crs-total").waitFor({ state: "visible", timeout: 30000 });
  assert.equal(await page.locator("#crs-total").textContent(), "513");
  assert.match(await page.locator("#chance").textContent(), /^\d{1,3}\.\d%$/);
  assert.equal(await page.locator("#answer-crs").textContent(), "513");
  // The answer's link carries the profile: opened again, it gives the same answer.
  const link = await page.locator("#share").getAttribute("href");
  assert.match(link, /^\/\?profile=/);
  const again = await context.newPage();
  await again.goto(server.url + link);
  await again.locator("#crs-total").waitFor({ state: "visible", timeout: 30000 });
  assert.equal(await again.locator("#chance").textContent(), await page.locator("#chance").textContent());
  await screenshot(page, "profile.png");
  await again.close();
  await page.close();
});

test("a refused value is shown as the server says it", async () => {
  const page = await context.newPage();
  await page.goto(server.url + "/?crs=505&submitted=2024-13-40");
  await page.locator("#error").waitFor({ state: "visible", timeout: 30000 });
  assert.match(await page.locator("#error").textContent(), /submitted: expected a date like 2026-12-01, found 2024-13-40/);
  await page.close();
});
