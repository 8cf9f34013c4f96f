// OX service tab → Domains: the domain list; add a domain (a hosted zone of the account) with a
// catch-all; add a subdomain with a catch-all, and again (refused with oxaps's message); edit the
// catch-all; remove selected with confirmation; 390 px in German. REST state checked in the page.

import { rest, until } from '../lib/page.mjs';

const PA_DNS_ZONE = 'http://parallels.com/aps/types/pa/dns/zone/1.0';
const DOMAIN = 'http://oxaps.org/types/domain/1.0';
const SUBDOMAIN = 'http://oxaps.org/types/subdomain/1.0';

export default async function (page, h) {
  const domain = h.world.domain;
  const shop = `shop.${domain}`;
  const sales = `sales.${domain}`;
  const catchAll = h.world.existingLogin;
  const row = (name) => page.locator(`[data-test="domains-table-row"][data-name="${name}"]`);
  const named = async (type, name) => {
    const r = await rest(page, 'GET', `/resources?implementing(${type}),eq(name,${encodeURIComponent(name)}),select(name,catchAll,dnsRecords)`);
    return r.body && r.body[0];
  };

  await h.open('view/domains');
  await h.expectNoError();
  await row(domain).waitFor();
  await h.shot('ox-domains');

  // The account gets a second hosted zone (as the platform's domain screens would add it).
  const zone = await rest(page, 'POST', '/resources', { aps: { type: PA_DNS_ZONE }, name: shop, account: { aps: { id: h.world.accountId } } });
  if (zone.status >= 300) throw new Error(`creating the zone: ${zone.status} ${JSON.stringify(zone.body)}`);

  // Add domain with a catch-all.
  await h.test('domains-add').click();
  await h.ready('domain-edit');
  await h.test('domain-zone').selectOption({ label: shop });
  await h.test('domain-catchall').selectOption(catchAll);
  await h.shot('ox-domain-new');
  await h.test('domain-save').click();
  await h.ready('domains');
  await row(shop).waitFor();
  await h.expectText(row(shop), catchAll);
  const shopRes = await until(page, `${shop} ready`, async () => {
    const d = await named(DOMAIN, shop);
    return d && d.aps.status === 'aps:ready' ? d : null;
  });
  if (shopRes.catchAll !== catchAll) throw new Error(`catch-all ${shopRes.catchAll}`);

  // Add subdomain with a catch-all; the same again is refused with oxaps's message.
  await h.test('domains-add-subdomain').click();
  await h.ready('subdomain-new');
  await h.test('subdomain-save').click();
  await h.expectText(h.test('error-label'), /fill in/i);
  await h.test('subdomain-label').fill('sales');
  await h.test('subdomain-domain').selectOption({ label: domain });
  await h.test('subdomain-catchall').selectOption(catchAll);
  await h.shot('ox-subdomain-new');
  await h.test('subdomain-save').click();
  await h.ready('domains');
  await row(sales).waitFor();
  await h.expectText(row(sales), 'Subdomain');
  const salesRes = await until(page, `${sales} ready`, async () => {
    const d = await named(SUBDOMAIN, sales);
    return d && d.aps.status === 'aps:ready' ? d : null;
  });
  if (salesRes.catchAll !== catchAll) throw new Error(`catch-all ${salesRes.catchAll}`);
  await h.test('domains-add-subdomain').click();
  await h.ready('subdomain-new');
  await h.test('subdomain-label').fill('sales');
  await h.test('subdomain-domain').selectOption({ label: domain });
  await h.test('subdomain-save').click();
  await h.expectText(h.test('form-error'), /already/);
  await h.shot('ox-subdomain-new-error');
  await h.test('subdomain-cancel').click();
  await h.ready('domains');

  // Edit (the pencil): no catch-all for the subdomain.
  await row(sales).locator('[data-test="domains-edit"]').click();
  await h.ready('domain-edit');
  await h.expectText(h.test('domain-name'), sales);
  await h.test('domain-catchall').selectOption('');
  await h.shot('ox-domain-edit');
  await h.test('domain-save').click();
  await h.ready('domains');
  await until(page, 'the catch-all removed', async () => {
    const d = await named(SUBDOMAIN, sales);
    return d && d.catchAll === '' && d.aps.status === 'aps:ready';
  });
  await h.expectText(row(sales), '—');

  // Remove selected (the new domain and the subdomain), with confirmation.
  await row(shop).locator('[data-test="select"]').check();
  await row(sales).locator('[data-test="select"]').check();
  await h.test('domains-remove').click();
  await h.test('delete-dialog').waitFor();
  await h.expectText(h.test('delete-dialog'), shop);
  await h.shot('ox-domains-remove-confirm');
  await h.test('dialog-ok').click();
  await row(shop).waitFor({ state: 'detached', timeout: 30000 });
  await row(sales).waitFor({ state: 'detached', timeout: 30000 });
  await until(page, 'both gone from REST', async () =>
    (await rest(page, 'GET', `/resources/${shopRes.aps.id}`)).status === 404 && (await rest(page, 'GET', `/resources/${salesRes.aps.id}`)).status === 404);
  await row(domain).waitFor();
  await h.expectNoError();

  await page.setViewportSize({ width: 390, height: 844 });
  await h.open('view/domains', { lang: 'de' });
  await h.expectText(h.test('domains-add'), 'Domain hinzufügen');
  await h.expectNoHorizontalScroll();
  await h.shot('ox-domains-390-de');
  await h.open('view/subdomain-new', { lang: 'de' });
  await h.expectNoHorizontalScroll();
  await h.shot('ox-subdomain-new-390-de');
}
