// Loaders shared by several screens: each is one REST request (RQL with select), scoped to the
// view's tenant.

import { T, api as makeApi, idOf, rql } from "./api.js";
import { i18n } from "./i18n.js";
import { styles } from "./components.js";

/** What every view starts with: strings, REST client, the tenant's id. */
export async function setup(ctx) {
  styles();
  const t = await i18n(ctx.locale);
  const api = makeApi(ctx);
  let tenantId = idOf(ctx.vars && ctx.vars.tenant);
  if (!tenantId) {
    const tenants = await api.query(rql.implementing(T.tenant), rql.select("contextName"), rql.limit(0, 1));
    tenantId = idOf(tenants[0]);
  }
  return { t, api, tenantId };
}

/** The tenant's OX users with their aliases, profile and service user, sorted by login. */
export function oxUsers(api, tenantId, props = ["login", "displayName", "status", "profile", "aliases"]) {
  return api.query(rql.implementing(T.user), rql.linkedWith(tenantId), rql.select(...props), rql.sort("login"));
}

/** The profiles a user can get, sorted by name. */
export function profiles(api) {
  return api.query(rql.implementing(T.profile), rql.select("name", "mailQuotaMb"), rql.sort("name"));
}

/**
 * The tenant's mail domains: own domains with their subdomains, and shared subdomains. Each is
 * {id, name, kind: "domain"|"subdomain"|"sharedsubdomain", parent, catchAll, resource}.
 */
export async function mailDomains(api, tenantId) {
  const found = await api.query(
    rql.or(rql.implementing(T.domain), rql.implementing(T.sharedsubdomain)),
    rql.linkedWith(tenantId),
    rql.select("name", "label", "catchAll", "subdomains", "zone"),
    rql.sort("name"),
  );
  const out = [];
  for (const r of found) {
    const kind = r.aps.type === T.sharedsubdomain ? "sharedsubdomain" : "domain";
    out.push({ id: idOf(r), name: r.name || "", kind, parent: null, catchAll: r.catchAll || "", resource: r });
    const subs = Array.isArray(r.subdomains) ? r.subdomains : [];
    subs.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    for (const s of subs) {
      out.push({ id: idOf(s), name: s.name || `${s.label}.${r.name}`, kind: "subdomain", parent: idOf(r), parentName: r.name, catchAll: s.catchAll || "", resource: s });
    }
  }
  return out;
}

/** Names of the domains a login, alias or resource email may use (ready ones only). */
export function usableDomainNames(domains) {
  return domains.filter((d) => !d.resource.aps || !d.resource.aps.status || d.resource.aps.status === "aps:ready").map((d) => d.name);
}

/** Every mailbox of the tenant: the users' logins and their aliases, sorted. */
export function mailboxes(users) {
  const set = new Set();
  for (const u of users) {
    if (u.login) set.add(u.login);
    for (const a of Array.isArray(u.aliases) ? u.aliases : []) if (a.address) set.add(a.address);
  }
  return [...set].sort();
}

/** Mailboxes a catch-all of `name` may use: those in `name` or in a domain `name` is part of. */
export function catchAllChoices(all, name) {
  const n = String(name || "").toLowerCase();
  return all.filter((m) => {
    const d = m.split("@")[1] || "";
    return d && (n === d || n.endsWith(`.${d}`));
  });
}
