// OX service tab → Groups: the list with members; add (empty and duplicate names refused, the
// second with oxaps's message) with a member; edit name and members; delete selected with
// confirmation; 390 px in German. REST state checked in the page.

import { rest, until } from '../lib/page.mjs';

const GROUP = 'http://oxaps.org/types/group/1.0';

export default async function (page, h) {
  const row = (name) => page.locator(`[data-test="groups-table-row"][data-name="${name}"]`);
  const groupNamed = async (name) => {
    const r = await rest(page, 'GET', `/resources?implementing(${GROUP}),eq(name,${encodeURIComponent(name)}),select(name,members)`);
    return r.body && r.body[0];
  };

  await h.open('view/groups');
  await h.expectNoError();
  await h.expectText(row('Sales'), 'Ada');
  await h.shot('ox-groups');

  // Add: an empty name stays in the form; a duplicate name shows oxaps's message.
  await h.test('groups-add').click();
  await h.ready('group-edit');
  await h.test('group-save').click();
  await h.expectText(h.test('error-name'), /fill in/i);
  await h.test('group-name').fill('Sales');
  await h.test('group-save').click();
  await h.expectText(h.test('form-error'), /already exists/);
  await h.shot('ox-group-new-error');
  await h.test('group-name').fill('Support');
  await h.test('group-available').selectOption(h.world.existingUserId);
  await h.test('group-add-members').click();
  await page.locator(`[data-test="group-members"] option[value="${h.world.existingUserId}"]`).waitFor({ state: 'attached' });
  await h.shot('ox-group-new');
  await h.test('group-save').click();
  await h.ready('groups');
  await row('Support').waitFor();
  await until(page, 'Support with its member', async () => {
    const g = await groupNamed('Support');
    return g && g.aps.status === 'aps:ready' && (g.members || []).some((m) => m.aps.id === h.world.existingUserId);
  });

  // Edit: rename and remove the member.
  await row('Support').locator('[data-test="groups-open"]').click();
  await h.ready('group-edit');
  await h.test('group-name').fill('Helpdesk');
  await h.test('group-members').selectOption(h.world.existingUserId);
  await h.test('group-remove-members').click();
  await h.shot('ox-group-edit');
  await h.test('group-save').click();
  await h.ready('groups');
  await row('Helpdesk').waitFor();
  const edited = await until(page, 'Helpdesk without members', async () => {
    const g = await groupNamed('Helpdesk');
    return g && g.aps.status === 'aps:ready' && (g.members || []).length === 0 ? g : null;
  });
  await h.expectText(h.test('groups-table'), 'Helpdesk');

  // Delete selected, with confirmation.
  await row('Helpdesk').locator('[data-test="select"]').check();
  await h.test('groups-delete').click();
  await h.test('delete-dialog').waitFor();
  await h.expectText(h.test('delete-dialog'), 'Helpdesk');
  await h.shot('ox-groups-delete-confirm');
  await h.test('dialog-ok').click();
  await row('Helpdesk').waitFor({ state: 'detached', timeout: 30000 });
  await until(page, 'the group gone from REST', async () => (await rest(page, 'GET', `/resources/${edited.aps.id}`)).status === 404);
  await row('Sales').waitFor();
  await h.expectNoError();

  await page.setViewportSize({ width: 390, height: 844 });
  await h.open('view/groups', { lang: 'de' });
  await h.expectText(h.test('groups-add'), 'Neue Gruppe hinzufügen');
  await h.expectNoHorizontalScroll();
  await h.shot('ox-groups-390-de');
  await h.open(`view/group-edit?id=${h.world.groupId}`, { lang: 'de' });
  await h.expectNoHorizontalScroll();
  await h.shot('ox-group-edit-390-de');
}
