// OX service tab → Users: active view and classic list, add a user (with an alias, after a refused
// duplicate), manage profile, edit aliases (add, refused alias, remove), disable with confirmation
// (cancel first), enable again; the screens at 390 px in German. REST state checked in the page.

import { rest, until } from '../lib/page.mjs';

const PA_SERVICE_USER = 'http://parallels.com/aps/types/pa/service-user/1.2';

export default async function (page, h) {
  const domain = h.world.domain;
  const login = `bob@${domain}`;
  const card = () => page.locator(`[data-test="users-card"][data-name="${login}"]`);

  // A service user of the account without OX (the platform's Users tab made it).
  await h.open('view/users');
  const made = await rest(page, 'POST', '/resources', {
    aps: { type: PA_SERVICE_USER }, login, email: login, displayName: 'Bob Builder', fullName: 'Bob Builder', givenName: 'Bob', familyName: 'Builder',
    isAccountAdmin: false, organization: { aps: { id: h.world.accountId } },
  });
  if (made.status >= 300) throw new Error(`creating the service user: ${made.status} ${JSON.stringify(made.body)}`);

  // Active view with the existing user and its badge; the classic list.
  await h.open('view/users');
  await h.expectNoError();
  const ada = page.locator(`[data-test="users-card"][data-name="${h.world.existingLogin}"]`);
  await h.expectText(ada.locator('[data-test="status"]'), 'Enabled');
  await h.shot('ox-users-active');
  await h.test('users-view-classic').click();
  await h.test('users-table').waitFor();
  await h.expectText(h.test('users-table'), h.world.existingLogin);
  await h.shot('ox-users-classic');
  await h.test('users-view-active').click();
  await h.test('users-cards').waitFor();

  // Add: a duplicate login is refused with oxaps's message, then bob with an alias.
  await h.test('users-add').click();
  await h.ready('user-enable');
  await h.test('enable-save').click();
  await h.expectText(h.test('error-serviceUser'), /user/i);
  await h.test('enable-service-user').selectOption({ label: `Bob Builder (${login})` });
  await h.test('enable-email-local').fill('ada');
  await h.test('enable-email-domain').selectOption(domain);
  await h.test('enable-save').click();
  await h.expectText(h.test('form-error'), /already exists/);
  await h.shot('ox-user-enable-error');
  await h.test('enable-email-local').fill('bob');
  await h.test('enable-more-toggle').click();
  await h.test('enable-alias-add-row').click();
  await h.test('enable-alias-new-local').fill('robert');
  await h.shot('ox-user-enable');
  await h.test('enable-save').click();
  await h.ready('users');
  await card().waitFor();
  await h.expectText(card().locator('[data-test="status"]'), 'Enabled', 30000);
  await h.shot('ox-users-added');
  const bob = await until(page, 'bob in the REST API', async () => {
    const r = await rest(page, 'GET', `/resources?implementing(http://oxaps.org/types/user/1.0),eq(login,${encodeURIComponent(login)}),select(login,status,profile,aliases)`);
    return r.body && r.body[0] && r.body[0].aps.status === 'aps:ready' && r.body[0].aliases.length === 1 ? r.body[0] : null;
  });
  if (bob.aliases[0].address !== `robert@${domain}`) throw new Error(`alias ${bob.aliases[0].address}`);
  const bobId = bob.aps.id;

  // Manage profile: free → paid.
  await card().locator('[data-test="select"]').check();
  await h.test('users-profile').click();
  await h.test('profile-dialog').waitFor();
  await h.test('profile-select').selectOption(h.world.paidProfileId);
  await h.shot('ox-users-profile-dialog');
  await h.test('dialog-ok').click();
  await h.test('profile-dialog').waitFor({ state: 'detached' });
  await until(page, 'the paid profile', async () => {
    const r = await rest(page, 'GET', `/resources/${bobId}`);
    return r.body && r.body.profile && r.body.profile.aps.id === h.world.paidProfileId;
  });

  // Disable: the confirmation starts on Cancel, Escape closes it and the focus returns to the
  // button; the user stays enabled. Accept disables it.
  await h.test('users-disable').click();
  await h.test('disable-dialog').waitFor();
  await h.shot('ox-users-disable-confirm');
  const focused = () => page.evaluate(() => document.activeElement && document.activeElement.getAttribute('data-test'));
  if ((await focused()) !== 'dialog-cancel') throw new Error(`the confirmation starts on ${await focused()}, not Cancel`);
  await page.keyboard.press('Escape');
  await h.test('disable-dialog').waitFor({ state: 'detached' });
  if ((await focused()) !== 'users-disable') throw new Error(`after the dialog the focus is on ${await focused()}`);
  await h.expectText(card().locator('[data-test="status"]'), 'Enabled');
  await h.test('users-disable').click();
  await h.test('dialog-ok').click();
  await h.expectText(card().locator('[data-test="status"]'), 'Disabled', 30000);
  await until(page, 'status disabled', async () => (await rest(page, 'GET', `/resources/${bobId}`)).body.status === 'disabled');
  await h.shot('ox-users-disabled');
  await card().locator('[data-test="select"]').check();
  await h.test('users-enable').click();
  await h.expectText(card().locator('[data-test="status"]'), 'Enabled', 30000);

  // Edit aliases: add one, a refused one (ada's login), remove the first.
  await card().locator('[data-test="users-open"]').click();
  await h.ready('user-edit');
  await h.expectText(h.test('edit-login'), login);
  await h.test('edit-alias-local').fill('bobby');
  await h.test('edit-alias-add').click();
  await page.locator(`[data-test="edit-alias"][data-name="bobby@${domain}"]`).waitFor();
  await h.test('edit-alias-local').fill('ada');
  await h.test('edit-alias-add').click();
  await h.expectText(h.test('alias-error'), /login of a user/);
  const aliasError = await h.test('alias-error').innerText();
  if (!aliasError.trim() || /HTTP \d|\bat \w+ \(/.test(aliasError)) throw new Error(`alias error shown as: ${aliasError}`);
  await h.shot('ox-user-edit');
  await page.locator(`[data-test="edit-alias"][data-name="robert@${domain}"] [data-test="edit-alias-remove"]`).click();
  await page.locator(`[data-test="edit-alias"][data-name="robert@${domain}"]`).waitFor({ state: 'detached', timeout: 30000 });
  await until(page, 'the aliases in REST', async () => {
    const r = await rest(page, 'GET', `/resources/${bobId}/aliases`);
    const list = (r.body || []).map((a) => a.address).sort().join(',');
    return list === `bobby@${domain}`;
  });
  await h.expectNoError();

  // 390 px, German: no horizontal scrolling; cards and the classic list.
  await page.setViewportSize({ width: 390, height: 844 });
  await h.open('view/users', { lang: 'de' });
  await h.expectText(h.test('users-add'), 'Neuen Benutzer hinzufügen');
  await h.expectNoHorizontalScroll();
  await h.shot('ox-users-390-de');
  await h.test('users-view-classic').click();
  await h.expectNoHorizontalScroll();
  await h.shot('ox-users-classic-390-de');
  await h.test('users-view-active').click();
  await h.open(`view/user-edit?id=${bobId}`, { lang: 'de' });
  await h.expectNoHorizontalScroll();
  await h.shot('ox-user-edit-390-de');
}
