// The simulated customer control panel frame (apsc-sim preview): menu from the package's
// navigation, hash routing (#/view/<id>?<params>), views run as `default(root, ctx)`, the
// platform's Users tab, errors in a banner, the language switch.
import usersTab from './users-tab.js';

const STRINGS = {
  en: {
    skip: 'Skip to content', menu: 'Menu', panel: 'Control Panel', language: 'Language', dismiss: 'Dismiss',
    home: 'Home', platform: 'Account', users: 'Users', loading: 'Loading…',
    unknownView: 'There is no screen "{0}" in this package.',
    noVar: 'This account has no {0} ({1}); the screens cannot show it.',
    viewFailed: 'The screen could not be shown: {0}',
  },
  de: {
    skip: 'Zum Inhalt springen', menu: 'Menü', panel: 'Control Panel', language: 'Sprache', dismiss: 'Schließen',
    home: 'Start', platform: 'Konto', users: 'Benutzer', loading: 'Wird geladen…',
    unknownView: 'Dieses Paket hat keine Ansicht „{0}“.',
    noVar: 'Dieses Konto hat kein {0} ({1}); die Ansichten können es nicht anzeigen.',
    viewFailed: 'Die Ansicht konnte nicht angezeigt werden: {0}',
  },
};

const USERS_ROUTE = 'platform/users';
const CCP = 'http://www.parallels.com/ccp/2';
const USER_CREATE = 'http://www.parallels.com/ccp-users#usercreate';

const $ = (id) => document.getElementById(id);
const state = { startError: null, config: null, locale: 'en', vars: {}, views: new Map(), ccp: null, plugins: [], po: {}, seq: 0 };

/** A shell string in the current language, `{0}`… replaced by `args`. */
export function t(key, ...args) {
  const s = (STRINGS[state.locale] || STRINGS.en)[key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

/** A label from APP-META.xml, translated with the package's i18n/<locale>.po when it has one. */
function label(text) {
  return state.po[state.locale]?.[text] || text;
}

/** fetch() of the REST API: JSON in and out; errors thrown with the APS message. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!r.ok) {
    const e = new Error((data && data.message) || `${method} ${path}: HTTP ${r.status}`);
    e.status = r.status;
    e.body = data;
    throw e;
  }
  return data;
}

function showError(err) {
  const msg = err && err.message ? err.message : String(err);
  $('banner-text').textContent = msg;
  $('banner').hidden = false;
  console.error('[shell]', err);
}

function clearError() {
  $('banner').hidden = true;
  $('banner-text').textContent = '';
}

/** Parses a .po file into msgid → msgstr (single-line entries, as the package writes them). */
function parsePo(text) {
  const out = {};
  let id = null;
  const unq = (s) => JSON.parse(s);
  for (const line of text.split(/\r?\n/)) {
    const m = line.match(/^(msgid|msgstr)\s+(".*")\s*$/);
    if (!m) continue;
    try {
      if (m[1] === 'msgid') id = unq(m[2]);
      else if (id) { const v = unq(m[2]); if (v) out[id] = v; id = null; }
    } catch { id = null; }
  }
  return out;
}

async function loadPo() {
  for (const [loc, file] of [['de', 'de_DE'], ['en', 'en_US']]) {
    try {
      const r = await fetch(`/i18n/${file}.po`);
      if (r.ok) state.po[loc] = parsePo(await r.text());
    } catch { /* optional */ }
  }
}

function indexViews(nav) {
  const walk = (views, item, parents) => {
    for (const v of views) {
      state.views.set(v.id, { view: v, item, parents });
      walk(v.children || [], item, [...parents, v]);
    }
  };
  for (const item of nav.items) walk(item.views, item, []);
}

/** Resolves the navigation vars: the account's resource of each var's type. */
async function resolveVars(nav) {
  const base = state.config.apsBase;
  for (const v of nav.vars) {
    const found = await api(`${base}/resources?implementing(${encodeURIComponent(v.typeId)})`);
    if (!Array.isArray(found) || found.length === 0) {
      state.vars[v.name] = null;
      state.startError = new Error(t('noVar', v.name, v.typeId));
      continue;
    }
    state.vars[v.name] = await api(`${base}/resources/${encodeURIComponent(found[0].aps.id)}`);
  }
}

function parseRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const params = Object.fromEntries(new URLSearchParams(query));
  if (path === USERS_ROUTE) return { kind: 'users', params };
  const m = path.match(/^view\/([^/]+)$/);
  if (m) return { kind: 'view', id: decodeURIComponent(m[1]), params };
  return null;
}

function viewHash(id, params = {}) {
  const q = new URLSearchParams(params).toString();
  return `#/view/${encodeURIComponent(id)}${q ? `?${q}` : ''}`;
}

/** Goes to a view of the package. */
function navigate(viewId, params = {}) {
  const target = viewHash(viewId, params);
  if (location.hash === target) render();
  else location.hash = target;
}

function renderNav(route) {
  const nav = $('nav');
  nav.setAttribute('aria-label', t('menu'));
  nav.replaceChildren();
  const section = (title, links) => {
    const h = document.createElement('h2');
    h.textContent = title;
    const ul = document.createElement('ul');
    for (const l of links) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = l.href;
      a.textContent = l.text;
      a.dataset.test = l.test;
      if (l.current) a.setAttribute('aria-current', 'page');
      li.append(a);
      ul.append(li);
    }
    nav.append(h, ul);
  };
  section(t('platform'), [{ href: `#/${USERS_ROUTE}`, text: t('users'), test: 'nav-platform-users', current: route?.kind === 'users' }]);
  const active = route?.kind === 'view' ? state.views.get(route.id) : null;
  const top = active ? (active.parents[0] || active.view) : null;
  for (const item of state.ccp?.items || []) {
    section(label(item.label), item.views.map((v) => ({
      href: viewHash(v.id), text: label(v.label), test: `nav-${v.id}`, current: top?.id === v.id,
    })));
  }
}

function renderCrumbs(route, entry) {
  const crumbs = $('crumbs');
  crumbs.setAttribute('aria-label', 'Breadcrumb');
  crumbs.replaceChildren();
  if (!entry) return;
  const ol = document.createElement('ol');
  const add = (text, href) => {
    const li = document.createElement('li');
    if (href) {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = text;
      li.append(a);
    } else {
      li.textContent = text;
      li.setAttribute('aria-current', 'page');
    }
    ol.append(li);
  };
  add(label(entry.item.label));
  for (const p of entry.parents) add(label(p.label), viewHash(p.id));
  add(label(entry.view.label));
  ol.firstChild.removeAttribute('aria-current');
  crumbs.append(ol);
}

function viewCtx(params) {
  return { vars: { ...state.vars }, params, locale: state.locale, navigate, apsBase: state.config.apsBase };
}

async function render() {
  const seq = ++state.seq;
  clearError();
  if (state.startError) showError(state.startError);
  document.body.dataset.state = 'loading';
  let route = parseRoute();
  if (!route) {
    const first = state.ccp?.items?.[0]?.views?.[0];
    location.replace(first ? viewHash(first.id) : `#/${USERS_ROUTE}`);
    return;
  }
  renderNav(route);
  const old = $('view');
  const root = document.createElement('div');
  root.id = 'view';
  root.dataset.test = 'shell-view';
  old.replaceWith(root);
  root.setAttribute('aria-busy', 'true');
  const entry = route.kind === 'view' ? state.views.get(route.id) : null;
  renderCrumbs(route, entry);
  $('title').textContent = route.kind === 'users' ? t('users') : entry ? label(entry.view.label) : '';
  document.title = `${$('title').textContent} – ${t('panel')}`;
  document.body.dataset.view = route.kind === 'users' ? USERS_ROUTE : route.id;
  try {
    if (route.kind === 'users') {
      await usersTab(root, viewCtx(route.params), { t, api, label, plugins: state.plugins, config: state.config, showError, locale: state.locale });
    } else if (!entry) {
      throw new Error(t('unknownView', route.id));
    } else {
      const mod = await import(`/${entry.view.src}`);
      if (seq !== state.seq) return;
      await mod.default(root, viewCtx(route.params));
    }
  } catch (e) {
    if (seq === state.seq) showError(e);
  } finally {
    if (seq === state.seq) {
      root.removeAttribute('aria-busy');
      // Tests wait for a render newer than the one they saw before navigating.
      document.body.dataset.seq = String(seq);
      document.body.dataset.state = 'ready';
    }
  }
}

function applyLocale() {
  document.documentElement.lang = state.locale;
  $('lang').value = state.locale;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

async function start() {
  $('banner-close').addEventListener('click', clearError);
  window.addEventListener('error', (e) => showError(e.error || e.message));
  window.addEventListener('unhandledrejection', (e) => showError(e.reason));
  const toggle = document.querySelector('.menu-toggle');
  toggle.addEventListener('click', () => {
    const open = $('nav').classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
  });
  $('nav').addEventListener('click', (e) => {
    if (e.target.closest('a')) { $('nav').classList.remove('open'); toggle.setAttribute('aria-expanded', 'false'); }
  });
  try {
    state.config = await api('/_shell/config.json');
    const wanted = new URLSearchParams(location.search).get('lang');
    state.locale = ['en', 'de'].includes(wanted) ? wanted : (state.config.locale === 'de' ? 'de' : 'en');
    applyLocale();
    const navs = state.config.navigations || [];
    state.ccp = navs.find((n) => n.plugsTo.includes(CCP)) || navs.find((n) => n.id === 'ccp') || null;
    state.plugins = navs.filter((n) => n.plugsTo.includes(USER_CREATE)).flatMap((n) => n.plugins);
    if (state.ccp) indexViews(state.ccp);
    // /view/<id>?a=b (path routing) becomes #/view/<id>?a=b.
    const m = location.pathname.match(/^\/view\/([^/]+)\/?$/);
    if (m) history.replaceState(null, '', `/${viewHash(decodeURIComponent(m[1]), Object.fromEntries(new URLSearchParams(location.search)))}`);
    await loadPo();
    if (state.ccp) await resolveVars(state.ccp);
  } catch (e) {
    state.startError = e;
  }
  $('lang').addEventListener('change', () => {
    state.locale = $('lang').value;
    applyLocale();
    render();
  });
  window.addEventListener('hashchange', () => { render(); $('main').focus({ preventScroll: true }); });
  await render();
}

start();
