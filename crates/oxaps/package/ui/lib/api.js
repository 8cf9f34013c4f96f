// REST helpers for the controller API (/aps/2/...): JSON in and out, RQL quoting, the oxaps type
// ids, and turning an error answer into the sentence the customer should read.

/** The type ids of the oxaps resource model (crates/oxaps/src/types). */
export const T = Object.freeze({
  tenant: "http://oxaps.org/types/tenant/1.0",
  user: "http://oxaps.org/types/user/1.0",
  alias: "http://oxaps.org/types/emailaddress/1.0",
  group: "http://oxaps.org/types/group/1.0",
  resource: "http://oxaps.org/types/resource/1.0",
  domain: "http://oxaps.org/types/domain/1.0",
  subdomain: "http://oxaps.org/types/subdomain/1.0",
  sharedsubdomain: "http://oxaps.org/types/sharedsubdomain/1.0",
  profile: "http://oxaps.org/types/profile/1.0",
  purchaserequest: "http://oxaps.org/types/purchaserequest/1.0",
  serviceUser: "http://aps-standard.org/types/core/service-user/1.0",
  dnsZone: "http://aps-standard.org/types/dns/zone/1.1",
});

/** An error answer of the REST API ({code, type, message} with HTTP status >= 400). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && typeof body.message === "string" && body.message) || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = body && body.code;
    this.type = body && body.type;
    this.body = body;
  }
}

// The bytes RQL reserves inside values and names (as crates/aps/src/rql/display.rs encodes them).
const KEEP = /[A-Za-z0-9\-_.~\/:@*?$]/;

/** Percent-encodes one RQL value or property name (non-ASCII as UTF-8). */
export function rqlQuote(text) {
  let out = "";
  for (const ch of String(text)) {
    if (ch.length === 1 && ch.charCodeAt(0) < 128 && KEEP.test(ch)) {
      out += ch;
    } else {
      for (const b of new TextEncoder().encode(ch)) {
        out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
      }
    }
  }
  return out;
}

/** RQL builders: each returns query text; join terms with commas (a top-level `and`). */
export const rql = {
  implementing: (type) => `implementing(${rqlQuote(type)})`,
  linkedWith: (id) => `linkedWith(${rqlQuote(id)})`,
  eq: (prop, value) => `eq(${rqlQuote(prop)},${rqlQuote(value)})`,
  select: (...props) => `select(${props.map(rqlQuote).join(",")})`,
  sort: (...keys) => `sort(${keys.map((k) => (k[0] === "-" || k[0] === "+" ? k[0] + rqlQuote(k.slice(1)) : rqlQuote(k))).join(",")})`,
  limit: (start, count) => `limit(${Number(start)},${Number(count)})`,
  or: (...terms) => `or(${terms.join(",")})`,
};

/** A link value to resource `id` as a relation in a request body. */
export const link = (id) => ({ aps: { id } });

/** The id a single relation of `resource` points at (null when unlinked). */
export function linkId(resource, relation) {
  const v = resource && resource[relation];
  if (!v) return null;
  if (Array.isArray(v)) return null;
  return (v.aps && v.aps.id) || null;
}

/** The id of a resource. */
export const idOf = (r) => (r && r.aps && r.aps.id) || null;

const REMOVING = ["aps:unprovisioning", "aps:deleted"];
const CHANGING = ["aps:provisioning", "aps:configuring", "aps:upgrading", "aps:activating", "aps:proto"];

/** Whether an APS status means the resource is being created, changed or removed. */
export function inProgress(r) {
  const s = r && r.aps && r.aps.status;
  return CHANGING.includes(s) || REMOVING.includes(s);
}

/** Whether the resource is being removed (the controller keeps it until the endpoint is done). */
export function removing(r) {
  return REMOVING.includes(r && r.aps && r.aps.status);
}

/** Whether an APS status is a failure (anything not ready and not in progress). */
export function failed(r) {
  const s = r && r.aps && r.aps.status;
  return Boolean(s) && s !== "aps:ready" && !inProgress(r);
}

/**
 * The REST client of one view. `ctx.apsBase` is the REST base ("/aps/2").
 * Every call resolves with the parsed JSON (null for 204) or rejects with an ApiError.
 */
export function api(ctx) {
  const base = (ctx && ctx.apsBase) || "/aps/2";
  async function call(method, path, body) {
    const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(base + path, init);
    } catch (e) {
      throw new ApiError(0, { type: "NetworkError", message: "" });
    }
    const text = await response.text();
    let json = null;
    if (text.trim()) {
      try {
        json = JSON.parse(text);
      } catch (e) {
        json = null;
      }
    }
    if (!response.ok) throw new ApiError(response.status, json);
    return json;
  }
  const res = (id) => `/resources/${encodeURIComponent(id)}`;
  return {
    /** GET /resources?<terms joined by commas>. */
    query: (...terms) => call("GET", "/resources?" + terms.filter(Boolean).join(",")),
    get: (id) => call("GET", res(id)),
    create: (body) => call("POST", "/resources", body),
    update: (id, changes) => call("PUT", res(id), changes),
    remove: (id) => call("DELETE", res(id)),
    /** Links `id.relation` to `other` (a single relation is re-pointed). */
    link: (id, relation, other) => call("POST", `${res(id)}/${relation}`, link(other)),
    unlink: (id, relation, other) => call("DELETE", `${res(id)}/${relation}/${encodeURIComponent(other)}`),
    /** A custom operation: POST /resources/<id>/<name>. */
    operation: (id, name, body) => call("POST", `${res(id)}/${name}`, body),
  };
}

/**
 * What the customer reads for a failed call: oxaps's own message (the `message` of its
 * {code,type,message} body, written for customers, also on a 500 that reports why provisioning
 * failed), or a localized sentence when there is none or the failure is the platform's.
 */
export function errorMessage(error, t) {
  if (error instanceof ApiError) {
    if (error.status === 0) return t("error.network");
    // 502-504 come from the platform between the panel and oxaps (an unreachable endpoint, a
    // timeout): their text names internal hosts, not anything the customer can act on.
    if (error.status >= 502) return t("error.server");
    const m = error.body && typeof error.body.message === "string" ? error.body.message.trim() : "";
    if (m && !/^HTTP \d+$/.test(m) && !looksTechnical(m)) return m;
    if (error.status === 404) return t("error.notFound");
    if (error.status === 403 || error.status === 401) return t("error.forbidden");
    if (error.status === 409) return t("error.conflict");
    if (error.status >= 500) return t("error.server");
    return t("error.badRequest");
  }
  return t("error.unexpected");
}

// Stack traces and internal paths are no message for a customer.
function looksTechnical(m) {
  return /\n\s+at |\.rs:\d+|panicked at|Traceback \(most recent/.test(m);
}
