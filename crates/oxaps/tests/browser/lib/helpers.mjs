// The helper object `h` every flow receives: the preview URL, the world's ids, screenshots and
// waiting/asserting helpers that fail with readable messages.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/** Builds the helpers for one flow. */
export function helpers(page, { url, world, screenshots, flow }) {
  const h = {
    /** The preview's base URL (`http://127.0.0.1:<port>/`). */
    url,
    /** Ids and names of the world the Rust test built (account, tenant, domain, profiles, …). */
    world,
    /** The flow's name (file name without `.mjs`). */
    flow,
    /** `[data-test="<id>"]` locator. */
    test(id) {
      return page.locator(`[data-test="${id}"]`);
    },
    /** Saves `<screenshots>/<name>.png` of the full page. */
    async shot(name) {
      await mkdir(screenshots, { recursive: true });
      const file = path.join(screenshots, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      h.shots.push(file);
      return file;
    },
    shots: [],
    /** Waits until the shell finished rendering the current route (and `view` when given). */
    async ready(view, timeout = 15000) {
      await page.waitForFunction(
        (v) => document.body.dataset.state === 'ready' && (!v || document.body.dataset.view === v),
        view ?? null,
        { timeout },
      );
    },
    /** Opens a route of the shell (`view/users?id=..`, `platform/users`) and waits for it. */
    async open(route, { lang } = {}) {
      const q = lang ? `?lang=${lang}` : '';
      const target = `${url}${q}#/${route}`;
      // Mark the current document and its last render: what follows must be a newer render, in
      // this document (a hash change) or in a new one (a reload or another query string).
      const before = await page
        .evaluate(() => {
          window.__oxapsBefore = true;
          return Number(document.body?.dataset.seq || 0);
        })
        .catch(() => 0);
      if (page.url() === target) {
        // Same URL: goto would not render again, and the old render would pass for the new one.
        await page.reload();
      } else {
        await page.goto(target);
      }
      const view = route.startsWith('view/') ? decodeURIComponent(route.slice(5).split('?')[0]) : route.split('?')[0];
      await page.waitForFunction(
        ([v, seen]) =>
          document.body.dataset.state === 'ready' &&
          document.body.dataset.view === v &&
          (window.__oxapsBefore !== true || Number(document.body.dataset.seq || 0) > seen),
        [view, before],
        { timeout: 15000 },
      );
    },
    /** Fails unless `target` (selector or locator) contains `text` (string or RegExp) within the timeout. */
    async expectText(target, text, timeout = 15000) {
      const loc = typeof target === 'string' ? page.locator(target) : target;
      const deadline = Date.now() + timeout;
      let last = '';
      while (Date.now() < deadline) {
        last = (await loc.allInnerTexts().catch(() => [])).join('\n');
        if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
        await page.waitForTimeout(100);
      }
      throw new Error(`expected ${JSON.stringify(String(text))} in ${loc}, found: ${JSON.stringify(last.slice(0, 500))}`);
    },
    /** Fails when the shell's error banner is shown. */
    async expectNoError() {
      const banner = h.test('shell-error');
      if (await banner.isVisible()) throw new Error(`the shell shows an error: ${await banner.innerText()}`);
    },
    /** Waits for the shell's error banner and returns its text. */
    async expectError(text, timeout = 15000) {
      await h.test('shell-error').waitFor({ state: 'visible', timeout });
      return h.expectText(h.test('shell-error'), text ?? '', timeout);
    },
    /** Fails when the page is wider than its viewport (horizontal scrolling). */
    async expectNoHorizontalScroll() {
      const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
      if (sw > iw + 1) throw new Error(`the page scrolls horizontally: ${sw}px content in a ${iw}px viewport`);
    },
  };
  return h;
}
