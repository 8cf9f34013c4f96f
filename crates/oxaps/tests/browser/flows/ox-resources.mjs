// OX service tab → Resources: add (a name OX refuses shows oxaps's message, then a valid one with
// manager, display name, description and email), edit, delete selected with confirmation; 390 px
// in German. REST state checked in the page.

import { rest, until } from '../lib/page.mjs';

const RESOURCE = 'http://oxaps.org/types/resource/1.0';

export default async function (page, h) {
  const domain = h.world.domain;
  const row = (name) => page.locator(`[data-test="resources-table-row"][data-name="${name}"]`);
  const stored = async (name) => {
    const r = await rest(page, 'GET', `/resources?implementing(${RESOURCE}),eq(name,${encodeURIComponent(name)}),select(name,displayName,description,email,manager)`);
    return r.body && r.body[0];
  };

  await h.open('view/resources');
  await h.expectNoError();
  await h.shot('ox-resources-empty');

  // Add: required fields are marked; a name OX refuses shows oxaps's message.
  await h.test('resources-add').click();
  await h.ready('resource-edit');
  await h.test('resource-save').click();
  await h.expectText(h.test('error-name'), /fill in/i);
  await h.test('resource-name').fill('Room (A)');
  await h.test('resource-manager').selectOption(h.world.existingUserId);
  await h.test('resource-display-name').fill('Meeting room A');
  await h.test('resource-description').fill('Second floor, 8 seats, projector');
  await h.test('resource-email-local').fill('room-a');
  await h.test('resource-email-domain').selectOption(domain);
  await h.test('resource-save').click();
  await h.expectText(h.test('form-error'), /not valid for OX/);
  await h.shot('ox-resource-new-error');
  await h.test('resource-name').fill('Room A');
  await h.shot('ox-resource-new');
  await h.test('resource-save').click();
  await h.ready('resources');
  await row('Room A').waitFor();
  await h.expectText(row('Room A'), `room-a@${domain}`);
  const created = await until(page, 'Room A in REST', async () => {
    const r = await stored('Room A');
    return r && r.aps.status === 'aps:ready' ? r : null;
  });
  if (!created.manager || created.manager.aps.id !== h.world.existingUserId) throw new Error('the manager is not linked');
  if (created.description !== 'Second floor, 8 seats, projector') throw new Error(`description ${created.description}`);
  await h.expectText(row('Room A'), 'Ada');
  await h.shot('ox-resources');

  // Edit by the display name.
  await row('Room A').locator('[data-test="resources-open"]').click();
  await h.ready('resource-edit');
  await h.test('resource-display-name').fill('Big meeting room');
  await h.test('resource-description').fill('Ground floor');
  await h.shot('ox-resource-edit');
  await h.test('resource-save').click();
  await h.ready('resources');
  await h.expectText(row('Room A'), 'Big meeting room', 30000);
  await until(page, 'the change in REST', async () => {
    const r = await stored('Room A');
    return r && r.displayName === 'Big meeting room' && r.description === 'Ground floor' && r.aps.status === 'aps:ready';
  });

  // Delete selected, with confirmation.
  await row('Room A').locator('[data-test="select"]').check();
  await h.test('resources-delete').click();
  await h.test('delete-dialog').waitFor();
  await h.shot('ox-resources-delete-confirm');
  await h.test('dialog-ok').click();
  await row('Room A').waitFor({ state: 'detached', timeout: 30000 });
  await until(page, 'Room A gone from REST', async () => (await rest(page, 'GET', `/resources/${created.aps.id}`)).status === 404);
  await h.expectNoError();

  await page.setViewportSize({ width: 390, height: 844 });
  await h.open('view/resource-edit', { lang: 'de' });
  await h.expectText(h.test('resource-save'), 'Ressource speichern');
  await h.expectNoHorizontalScroll();
  await h.shot('ox-resource-new-390-de');
  await h.open('view/resources', { lang: 'de' });
  await h.expectNoHorizontalScroll();
  await h.shot('ox-resources-390-de');
}
