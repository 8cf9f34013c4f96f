// Runs every browser flow (flows/*.mjs, in file-name order) against an apsc-sim preview with
// Debian's chromium, headless, driven by playwright-core. Each flow exports
// `default async function (page, h)`; see lib/helpers.mjs for `h`.
//
// Environment: OXAPS_TEST_PREVIEW_URL (required), OXAPS_TEST_WORLD (JSON ids from the Rust test),
// OXAPS_TEST_SCREENSHOTS (default target/screenshots), OXAPS_TEST_CHROMIUM (default /usr/bin/chromium),
// OXAPS_TEST_FLOWS (comma-separated flow names to run only those).
// Exits 1 on any failure, with the flow, the message, the browser console and a screenshot.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { helpers } from './lib/helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const url = process.env.OXAPS_TEST_PREVIEW_URL;
if (!url) {
  console.error('OXAPS_TEST_PREVIEW_URL is not set (the apsc-sim preview to test)');
  process.exit(2);
}
const world = JSON.parse(process.env.OXAPS_TEST_WORLD || '{}');
const screenshots = path.resolve(process.env.OXAPS_TEST_SCREENSHOTS || 'target/screenshots');
const executablePath = process.env.OXAPS_TEST_CHROMIUM || '/usr/bin/chromium';
const only = (process.env.OXAPS_TEST_FLOWS || '').split(',').map((s) => s.trim()).filter(Boolean);

const files = (await readdir(path.join(here, 'flows'))).filter((f) => f.endsWith('.mjs')).sort();
const flows = files.map((f) => f.replace(/\.mjs$/, '')).filter((f) => only.length === 0 || only.includes(f));
if (flows.length === 0) {
  console.error(`no flows to run (flows/: ${files.join(', ') || 'empty'}; OXAPS_TEST_FLOWS=${only.join(',')})`);
  process.exit(2);
}

// A failure screenshot of an earlier run must not suggest this run failed.
for (const flow of flows) {
  await rm(path.join(screenshots, `FAILED-${flow}.png`), { force: true });
}

const browser = await chromium.launch({ executablePath, headless: true, args: ['--disable-dev-shm-usage'] });
const failures = [];
let shots = 0;
for (const flow of flows) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const consoleLines = [];
  page.on('console', (m) => { if (['error', 'warning'].includes(m.type())) consoleLines.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  const h = helpers(page, { url, world, screenshots, flow });
  const started = Date.now();
  try {
    const mod = await import(pathToFileURL(path.join(here, 'flows', `${flow}.mjs`)).href);
    await mod.default(page, h);
    console.log(`ok   ${flow} (${Date.now() - started} ms, ${h.shots.length} screenshots)`);
  } catch (e) {
    const shot = await h.shot(`FAILED-${flow}`).catch((err) => `(no screenshot: ${err.message})`);
    failures.push(flow);
    console.error(`FAIL ${flow} (${Date.now() - started} ms): ${e && e.stack ? e.stack : e}`);
    console.error(`     screenshot: ${shot}`);
    if (consoleLines.length) console.error(`     browser console:\n       ${consoleLines.join('\n       ')}`);
  }
  shots += h.shots.length;
  await context.close();
}
await browser.close();
console.log(`${flows.length - failures.length}/${flows.length} flows passed, ${shots} screenshots in ${screenshots}`);
if (failures.length) {
  console.error(`failed flows: ${failures.join(', ')}`);
  process.exit(1);
}
