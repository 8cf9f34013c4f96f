// The platform's Users tab: add a service user with a photo, a generated password and the
// OX App Suite box ticked; the wizard's summary; the new user's status; its OX user in the
// package's OX users view; the tab at 390 px and in German.

// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export default async function (page, h) {
  const domain = h.world.domain;
  const login = `grace@${domain}`;

  await h.open('platform/users');
  await h.expectNoError();
  await h.expectText(h.test('platform-users-table'), h.world.existingLogin);
  await h.shot('users-tab');

  // Step 1: details. Validation first: Next with empty fields stays and marks them.
  await h.test('platform-users-add').click();
  await h.test('user-details').waitFor();
  await h.test('wizard-next').click();
  if ((await h.test('user-display-name').getAttribute('aria-invalid')) !== 'true') {
    throw new Error('an empty display name was accepted');
  }
  await h.test('user-photo').setInputFiles({ name: 'grace.png', mimeType: 'image/png', buffer: PNG });
  await h.test('user-photo-preview').waitFor({ state: 'visible' });
  await h.test('user-display-name').fill('Grace Hopper');
  await h.test('user-login').fill('grace');
  await h.test('user-domain').selectOption(domain);
  await h.test('user-password-generate').click();
  const password = await h.test('user-password').inputValue();
  if (password.length < 12 || !/\d/.test(password) || !/[A-Za-z]/.test(password)) {
    throw new Error(`weak generated password: ${password.length} characters`);
  }
  await h.shot('users-add-details');
  await h.test('wizard-next').click();

  // Step 2: the package's plugin (OX App Suite box and profile).
  await h.test('ox-enable').check();
  await h.test('ox-profile').waitFor({ state: 'visible' });
  await h.shot('users-add-services');
  await h.test('wizard-next').click();

  // Step 3: summary, then create.
  await h.expectText(h.test('user-summary'), login);
  await h.expectText(h.test('user-summary'), 'Grace Hopper');
  await h.shot('users-add-summary');
  await h.test('wizard-create').click();

  const row = page.locator(`[data-test="platform-user-row"][data-login="${login}"]`);
  await row.waitFor();
  await h.expectText(row.locator('[data-test="platform-user-status"]'), 'Created with services', 30000);
  await h.expectNoError();
  await h.shot('users-created');

  // The OX user is in the package's OX users view.
  await h.open('view/users');
  await h.expectText(h.test('shell-view'), login, 30000);
  await h.expectNoError();
  await h.shot('users-ox-after-create');

  // Responsive and localized.
  await page.setViewportSize({ width: 390, height: 844 });
  await h.open('platform/users', { lang: 'de' });
  await h.expectText(h.test('platform-users-add'), 'Benutzer hinzufügen');
  await h.expectNoHorizontalScroll();
  await h.shot('users-tab-390-de');
  await h.test('platform-users-add').click();
  await h.test('user-details').waitFor();
  await h.expectNoHorizontalScroll();
  await h.shot('users-add-390-de');
}
