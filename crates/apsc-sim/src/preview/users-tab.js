// The platform's Users tab (apsc-sim preview): the account's service users, and the "Add user"
// wizard (details → services, where the packages' user-create view plugins render → summary),
// which creates the service user over REST and then calls each plugin's afterCreate(serviceUser).

const STRINGS = {
  en: {
    intro: 'People of your organization who use services.', add: 'Add user', name: 'Display name', login: 'Login',
    status: 'Status', none: 'No users yet.', active: 'Active', creating: 'Creating…', created: 'Created',
    failed: 'Failed: {0}', servicesFailed: 'Created; a service failed: {0}', servicesDone: 'Created with services',
    stepDetails: 'User details', stepServices: 'Services', stepSummary: 'Summary', steps: 'Steps',
    photo: 'Photo', photoHint: 'Optional. An image file.', photoPreview: 'Photo preview',
    loginHint: 'Letters, digits, dot, dash and underscore.', domain: 'Domain', noDomains: 'No domains',
    password: 'Password', passwordHint: 'At least 8 characters with letters and digits.', generate: 'Generate',
    show: 'Show', hide: 'Hide', next: 'Next', back: 'Back', cancel: 'Cancel', create: 'Create',
    required: 'Required.', badLogin: 'Use letters, digits, dot, dash or underscore.', badPassword: 'At least 8 characters with letters and digits.',
    noPlugins: 'No services offer options for new users.', pluginFailed: 'The service options could not be shown: {0}',
    email: 'Email', services: 'Services', summaryHint: 'Check the details, then create the user.', yes: 'set', no: 'none',
  },
  de: {
    intro: 'Personen Ihrer Organisation, die Dienste nutzen.', add: 'Benutzer hinzufügen', name: 'Anzeigename', login: 'Anmeldename',
    status: 'Status', none: 'Noch keine Benutzer.', active: 'Aktiv', creating: 'Wird angelegt…', created: 'Angelegt',
    failed: 'Fehlgeschlagen: {0}', servicesFailed: 'Angelegt; ein Dienst ist fehlgeschlagen: {0}', servicesDone: 'Mit Diensten angelegt',
    stepDetails: 'Benutzerdaten', stepServices: 'Dienste', stepSummary: 'Zusammenfassung', steps: 'Schritte',
    photo: 'Foto', photoHint: 'Optional. Eine Bilddatei.', photoPreview: 'Fotovorschau',
    loginHint: 'Buchstaben, Ziffern, Punkt, Bindestrich und Unterstrich.', domain: 'Domain', noDomains: 'Keine Domains',
    password: 'Passwort', passwordHint: 'Mindestens 8 Zeichen mit Buchstaben und Ziffern.', generate: 'Erzeugen',
    show: 'Anzeigen', hide: 'Verbergen', next: 'Weiter', back: 'Zurück', cancel: 'Abbrechen', create: 'Anlegen',
    required: 'Pflichtfeld.', badLogin: 'Buchstaben, Ziffern, Punkt, Bindestrich oder Unterstrich verwenden.', badPassword: 'Mindestens 8 Zeichen mit Buchstaben und Ziffern.',
    noPlugins: 'Kein Dienst bietet Optionen für neue Benutzer.', pluginFailed: 'Die Dienstoptionen konnten nicht angezeigt werden: {0}',
    email: 'E-Mail', services: 'Dienste', summaryHint: 'Prüfen Sie die Angaben und legen Sie den Benutzer an.', yes: 'gesetzt', no: 'keines',
  },
};

const SERVICE_USER = 'http://aps-standard.org/types/core/service-user/1.0';
const PA_SERVICE_USER = 'http://parallels.com/aps/types/pa/service-user/1.2';
const DNS_ZONE = 'http://aps-standard.org/types/dns/zone/1.1';
const LOGIN = /^[A-Za-z0-9._-]+$/;

/** Status per service user id, kept while the page lives: { text, kind: ok|err|busy }. */
const statuses = new Map();
let uid = 0;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'test') e.dataset.test = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

/** A strong random password: 16 characters from letters, digits and symbols, each class present. */
export function generatePassword() {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%+-=?@_'];
  const all = sets.join('');
  const pick = (s) => {
    const r = new Uint32Array(1);
    crypto.getRandomValues(r);
    return s[r[0] % s.length];
  };
  const chars = sets.map(pick);
  while (chars.length < 16) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const r = new Uint32Array(1);
    crypto.getRandomValues(r);
    const j = r[0] % (i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

export default async function usersTab(root, ctx, shell) {
  const L = (k, ...a) => ((STRINGS[ctx.locale] || STRINGS.en)[k] ?? k).replace(/\{(\d)\}/g, (_, i) => String(a[Number(i)] ?? ''));
  const base = ctx.apsBase;

  async function domains() {
    const tenant = ctx.vars.tenant;
    let names = [];
    if (tenant?.aps?.id) {
      const linked = await shell.api(`${base}/resources/${encodeURIComponent(tenant.aps.id)}/domains`).catch(() => []);
      names = (linked || []).map((d) => d.name).filter(Boolean);
    }
    if (names.length === 0) {
      const zones = await shell.api(`${base}/resources?implementing(${encodeURIComponent(DNS_ZONE)})`).catch(() => []);
      names = (zones || []).map((z) => z.name).filter(Boolean);
    }
    return [...new Set(names)].sort();
  }

  async function showList() {
    root.replaceChildren();
    const users = await shell.api(`${base}/resources?implementing(${encodeURIComponent(SERVICE_USER)})`);
    const addBtn = el('button', { type: 'button', class: 'primary', test: 'platform-users-add', text: L('add'), onclick: () => showWizard() });
    const live = el('p', { role: 'status', 'aria-live': 'polite', test: 'platform-users-status', class: 'hint' });
    const rows = users.map((u) => {
      const st = statuses.get(u.aps.id) || { text: L('active'), kind: 'ok' };
      const name = u.displayName || u.fullName || u.login;
      const photo = u.photo ? el('img', { src: u.photo, alt: '', class: 'photo' }) : null;
      return el('tr', { test: 'platform-user-row', 'data-login': u.login || '', 'data-id': u.aps.id },
        el('td', { 'data-label': L('name') }, el('div', { class: 'row' }, photo, el('span', { text: name }))),
        el('td', { 'data-label': L('login'), text: u.login || '' }),
        el('td', { 'data-label': L('status') }, el('span', { class: `badge ${st.kind}`, test: 'platform-user-status', text: st.text })));
    });
    const table = rows.length
      ? el('table', { class: 'table-responsive', test: 'platform-users-table' },
          el('caption', { class: 'hint', text: L('intro') }),
          el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: L('name') }), el('th', { scope: 'col', text: L('login') }), el('th', { scope: 'col', text: L('status') }))),
          el('tbody', {}, ...rows))
      : el('p', { test: 'platform-users-empty', text: L('none') });
    root.append(el('div', { class: 'toolbar' }, addBtn), live, table);
    return live;
  }

  async function showWizard() {
    root.replaceChildren();
    const data = { photo: '', displayName: '', local: '', domain: '', password: '' };
    const names = await domains();
    data.domain = names[0] || '';
    const stepKeys = ['stepDetails', 'stepServices', 'stepSummary'];
    const stepList = el('ol', { class: 'steps', 'aria-label': L('steps'), test: 'wizard-steps' },
      ...stepKeys.map((k) => el('li', { text: L(k) })));
    const heading = el('h2', { tabindex: '-1', test: 'wizard-heading' });
    const panes = [el('div'), el('div', { hidden: true }), el('div', { hidden: true })];
    const actions = el('div', { class: 'actions' });
    root.append(el('section', { class: 'card', 'aria-labelledby': 'wizard-h', test: 'user-wizard' }, stepList, heading, ...panes, actions));
    heading.id = 'wizard-h';

    // Step 1: details.
    const fid = (n) => `u${++uid}-${n}`;
    const field = (name, labelText, control, hint) => {
      const id = fid(name);
      control.id = id;
      const err = el('div', { class: 'error', id: `${id}-err`, 'aria-live': 'polite' });
      const hintEl = hint ? el('div', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
      control.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : '', `${id}-err`].filter(Boolean).join(' '));
      return { wrap: el('div', { class: 'field' }, el('label', { for: id, text: labelText }), hintEl, err), err };
    };
    const preview = el('img', { class: 'photo', alt: L('photoPreview'), test: 'user-photo-preview', hidden: true });
    const photo = el('input', { type: 'file', accept: 'image/*', test: 'user-photo' });
    photo.addEventListener('change', () => {
      const file = photo.files?.[0];
      if (!file) return;
      const reader = new FileReader();
      reader.onload = () => { data.photo = String(reader.result); preview.src = data.photo; preview.hidden = false; };
      reader.readAsDataURL(file);
    });
    const fPhoto = field('photo', L('photo'), photo, L('photoHint'));
    fPhoto.wrap.insertBefore(el('div', { class: 'row' }, preview, photo), fPhoto.err);
    const name = el('input', { type: 'text', required: true, autocomplete: 'name', test: 'user-display-name' });
    const fName = field('name', L('name'), name);
    fName.wrap.insertBefore(name, fName.err);
    const local = el('input', { type: 'text', required: true, autocomplete: 'off', spellcheck: 'false', test: 'user-login' });
    const domain = el('select', { test: 'user-domain', 'aria-label': L('domain') },
      ...(names.length ? names.map((n) => el('option', { value: n, text: n })) : [el('option', { value: '', text: L('noDomains') })]));
    const fLogin = field('login', L('login'), local, L('loginHint'));
    fLogin.wrap.insertBefore(el('div', { class: 'row' }, local, el('span', { 'aria-hidden': 'true', text: '@' }), domain), fLogin.err);
    const password = el('input', { type: 'password', required: true, autocomplete: 'new-password', test: 'user-password' });
    const showBtn = el('button', { type: 'button', 'aria-pressed': 'false', test: 'user-password-show', text: L('show') });
    showBtn.addEventListener('click', () => {
      const visible = password.type === 'password';
      password.type = visible ? 'text' : 'password';
      showBtn.setAttribute('aria-pressed', String(visible));
      showBtn.textContent = visible ? L('hide') : L('show');
    });
    const genBtn = el('button', { type: 'button', test: 'user-password-generate', text: L('generate'), onclick: () => { password.value = generatePassword(); password.type = 'text'; showBtn.setAttribute('aria-pressed', 'true'); showBtn.textContent = L('hide'); } });
    const fPass = field('password', L('password'), password, L('passwordHint'));
    fPass.wrap.insertBefore(el('div', { class: 'row' }, password, genBtn, showBtn), fPass.err);
    const form = el('form', { class: 'form', novalidate: true, test: 'user-details' }, fPhoto.wrap, fName.wrap, fLogin.wrap, fPass.wrap);
    panes[0].append(form);

    const validate = () => {
      const checks = [
        [name, fName.err, name.value.trim() ? '' : L('required')],
        [local, fLogin.err, !local.value.trim() ? L('required') : LOGIN.test(local.value.trim()) ? '' : L('badLogin')],
        [password, fPass.err, !password.value ? L('required') : (password.value.length >= 8 && /[A-Za-z]/.test(password.value) && /\d/.test(password.value)) ? '' : L('badPassword')],
      ];
      let first = null;
      for (const [input, err, msg] of checks) {
        err.textContent = msg;
        input.setAttribute('aria-invalid', msg ? 'true' : 'false');
        if (msg && !first) first = input;
      }
      if (!domain.value) { first = first || domain; fLogin.err.textContent = L('noDomains'); }
      if (first) { first.focus(); return false; }
      Object.assign(data, { displayName: name.value.trim(), local: local.value.trim().toLowerCase(), domain: domain.value, password: password.value });
      return true;
    };

    // Step 2: the packages' user-create plugins, rendered once so their state survives the steps.
    const hooks = [];
    const pluginArea = el('div', { class: 'plugins', test: 'user-plugins' });
    panes[1].append(pluginArea);
    if (shell.plugins.length === 0) pluginArea.append(el('p', { class: 'hint', text: L('noPlugins') }));
    for (const p of shell.plugins) {
      const proot = el('div', { 'data-plugin': p.id, test: `plugin-${p.id}` });
      pluginArea.append(proot);
      try {
        const mod = await import(`/${p.src}`);
        const hook = await mod.default(proot, { ...ctx, params: {} });
        hooks.push({ id: p.id, hook: hook || {} });
      } catch (e) {
        proot.append(el('p', { class: 'error', text: L('pluginFailed', e.message || e) }));
        shell.showError(e);
      }
    }

    // Step 3: summary.
    const summary = el('dl', { class: 'summary', test: 'user-summary' });
    panes[2].append(el('p', { class: 'hint', text: L('summaryHint') }), summary);
    const fillSummary = () => {
      const email = `${data.local}@${data.domain}`;
      const rows = [[L('photo'), data.photo ? el('img', { src: data.photo, alt: L('photoPreview'), class: 'photo' }) : L('no')],
        [L('name'), data.displayName], [L('login'), email], [L('email'), email], [L('password'), '•'.repeat(8)]];
      const extra = hooks.flatMap((h) => (typeof h.hook.summary === 'function' ? [[L('services'), String(h.hook.summary() ?? '')]] : []));
      summary.replaceChildren(...[...rows, ...extra].flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]));
    };

    let step = 0;
    const show = (n) => {
      step = n;
      panes.forEach((p, i) => { p.hidden = i !== n; });
      [...stepList.children].forEach((li, i) => (i === n ? li.setAttribute('aria-current', 'step') : li.removeAttribute('aria-current')));
      heading.textContent = L(stepKeys[n]);
      if (n === 2) fillSummary();
      const back = el('button', { type: 'button', test: 'wizard-back', text: L('back'), onclick: () => show(step - 1) });
      const cancel = el('button', { type: 'button', test: 'wizard-cancel', text: L('cancel'), onclick: () => showList() });
      const next = n < 2
        ? el('button', { type: 'button', class: 'primary', test: 'wizard-next', text: L('next'), onclick: () => { if (n > 0 || validate()) show(n + 1); } })
        : el('button', { type: 'button', class: 'primary', test: 'wizard-create', text: L('create'), onclick: () => create() });
      actions.replaceChildren(cancel, ...(n > 0 ? [back] : []), next);
      heading.focus();
    };
    form.addEventListener('submit', (e) => { e.preventDefault(); if (validate()) show(1); });

    async function create() {
      actions.querySelectorAll('button').forEach((b) => { b.disabled = true; });
      const email = `${data.local}@${data.domain}`;
      const [given, ...rest] = data.displayName.split(/\s+/);
      const body = {
        aps: { type: PA_SERVICE_USER }, login: email, email, displayName: data.displayName, fullName: data.displayName,
        givenName: given || data.displayName, familyName: rest.join(' '), password: data.password, isAccountAdmin: false,
        organization: { aps: { id: shell.config.accountId } },
      };
      if (data.photo) body.photo = data.photo;
      let user;
      try {
        user = await shell.api(`${base}/resources`, { method: 'POST', body });
      } catch (e) {
        shell.showError(new Error(L('failed', e.message)));
        actions.querySelectorAll('button').forEach((b) => { b.disabled = false; });
        return;
      }
      const id = user.aps.id;
      statuses.set(id, { text: L('creating'), kind: 'busy' });
      const live = await showList();
      live.textContent = `${email}: ${L('created')}`;
      const failures = [];
      for (const h of hooks) {
        if (typeof h.hook.afterCreate !== 'function') continue;
        try { await h.hook.afterCreate(user); } catch (e) { failures.push(e.message || String(e)); }
      }
      statuses.set(id, failures.length
        ? { text: L('servicesFailed', failures.join('; ')), kind: 'err' }
        : { text: hooks.some((h) => h.hook.afterCreate) ? L('servicesDone') : L('created'), kind: 'ok' });
      if (failures.length) shell.showError(new Error(L('servicesFailed', failures.join('; '))));
      const after = await showList();
      after.textContent = `${email}: ${statuses.get(id).text}`;
    }

    show(0);
    name.focus();
  }

  await showList();
}
