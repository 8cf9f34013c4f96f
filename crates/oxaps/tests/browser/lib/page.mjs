// Helpers the flows share: REST calls from inside the page (the preview's customer session)
// and polling for a condition.

/** A REST call from the page (the preview's customer session): {status, body}. */
export function rest(page, method, path, body) {
  return page.evaluate(async ([method, path, body]) => {
    const r = await fetch(`/aps/2${path}`, { method, headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: body === null ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }, [method, path, body ?? null]);
}

/** Polls `probe()` until it returns a truthy value. */
export async function until(page, what, probe, timeout = 30000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v) return v;
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}
