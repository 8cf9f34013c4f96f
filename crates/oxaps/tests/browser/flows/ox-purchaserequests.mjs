// OX service tab → Purchase requests: requests made through the REST API as OX App Suite's upsell
// does; a request decided elsewhere meanwhile (Proceed shows oxaps's message); Reject asks for a
// reason (empty refused); Proceed switches the user's profile; 390 px in German.

import { rest, until } from '../lib/page.mjs';

const PR = 'http://oxaps.org/types/purchaserequest/1.0';

export default async function (page, h) {
  const login = h.world.existingLogin;
  const row = (id) => page.locator(`[data-test="pr-table-row"][data-id="${id}"]`);
  /** A pending request of the existing user for the paid profile, once the controller has it. */
  async function request(missing) {
    const made = await rest(page, 'POST', '/resources', {
      aps: { type: PR }, userLogin: login, requestedProfile: h.world.paidProfileId, missingCapability: missing, tenant: { aps: { id: h.world.tenantId } },
    });
    if (made.status >= 300) throw new Error(`creating a purchase request: ${made.status} ${JSON.stringify(made.body)}`);
    return made.body.aps.id;
  }
  const stateOf = async (id) => (await rest(page, 'GET', `/resources/${id}`)).body.state;

  await h.open('view/purchaserequests');
  await h.expectNoError();
  await h.shot('ox-purchaserequests-empty');

  // Decided elsewhere meanwhile: Proceed shows oxaps's message, the list then the decision.
  const first = await request('infostore');
  await h.test('pr-refresh').click();
  await row(first).waitFor();
  await h.expectText(row(first).locator('[data-test="status"]'), 'Pending');
  await h.expectText(row(first), 'Free');
  await h.expectText(row(first), 'Paid');
  await h.expectText(row(first), 'infostore');
  const behind = await rest(page, 'POST', `/resources/${first}/reject`, { reason: 'decided by a colleague' });
  if (behind.status >= 300) throw new Error(`rejecting through REST: ${behind.status} ${JSON.stringify(behind.body)}`);
  await row(first).locator('[data-test="pr-proceed"]').click();
  await h.expectText(h.test('toast'), /only pending requests/);
  await h.shot('ox-purchaserequests-error');
  await h.expectText(row(first).locator('[data-test="status"]'), 'Rejected', 30000);

  // Reject: a reason is required.
  const second = await request('calendar');
  await h.test('pr-refresh').click();
  await h.expectText(row(second).locator('[data-test="status"]'), 'Pending');
  await h.shot('ox-purchaserequests');
  await row(second).locator('[data-test="pr-reject"]').click();
  await h.test('reject-dialog').waitFor();
  await h.test('dialog-ok').click();
  await h.expectText(h.test('error-reason'), /fill in/i);
  await h.test('pr-reason').fill('Not in this quarter’s budget');
  await h.shot('ox-purchaserequests-reject');
  await h.test('dialog-ok').click();
  await h.test('reject-dialog').waitFor({ state: 'detached' });
  await h.expectText(row(second).locator('[data-test="status"]'), 'Rejected');
  await h.expectText(row(second), 'budget');
  await until(page, 'the rejection in the controller', async () => (await stateOf(second)) === 'rejected');

  // Proceed: the user gets the paid profile.
  const third = await request('infostore');
  await h.test('pr-refresh').click();
  await h.expectText(row(third).locator('[data-test="status"]'), 'Pending');
  await row(third).locator('[data-test="pr-proceed"]').click();
  await h.expectText(row(third).locator('[data-test="status"]'), 'Proceeded');
  await until(page, 'the proceeded state in the controller', async () => (await stateOf(third)) === 'proceeded');
  await until(page, 'the paid profile', async () => {
    const u = await rest(page, 'GET', `/resources/${h.world.existingUserId}`);
    return u.body && u.body.profile && u.body.profile.aps.id === h.world.paidProfileId;
  });
  await h.shot('ox-purchaserequests-decided');
  await h.expectNoError();

  await page.setViewportSize({ width: 390, height: 844 });
  await h.open('view/purchaserequests', { lang: 'de' });
  await h.expectText(h.test('pr-table'), 'Abgelehnt');
  await h.expectNoHorizontalScroll();
  await h.shot('ox-purchaserequests-390-de');
}
