// OX service tab → Purchase requests: upgrades users asked for inside OX App Suite, with Proceed
// and Reject (asks for a reason) as the custom operations /proceed and /reject.

import { T, errorMessage, failed, idOf, inProgress, removing, rql } from "./lib/api.js";
import { badge, busy, button, dialog, failure, field, frame, h, loading, refocus, table, userError } from "./lib/components.js";
import { setup } from "./lib/data.js";

const STATES = ["pending", "proceeded", "rejected", "expired"];

export default async function (root, ctx) {
  const { t, api, tenantId } = await setup(ctx);
  const ui = frame(root, t, { id: "purchaserequests", title: t("pr.title") });
  const refresh = button(t("common.refresh"), { test: "pr-refresh", onClick: () => load() });
  ui.toolbar.append(refresh);
  const from = (r) => r.currentProfileName || r.currentProfile || "";
  const to = (r) => r.requestedProfileName || r.requestedProfile || "";
  // A request oxaps has not finished admitting (the controller polls it) cannot be decided yet.
  const state = (r) => (removing(r) ? "removing" : inProgress(r) ? "provisioning" : failed(r) ? "error" : STATES.includes(r.state) ? r.state : "pending");
  // Decisions answered by oxaps that the controller's copy does not show yet (oxaps pushes them
  // there in a job): id → the decided request, shown meanwhile.
  const decided = new Map();
  let timer = null;
  const tbl = table(t, {
    caption: t("pr.title"),
    test: "pr-table",
    rows: [],
    key: idOf,
    name: (r) => `${r.userLogin} ${to(r)}`,
    selectable: false,
    empty: t("pr.empty"),
    columns: [
      { label: t("pr.state"), render: (r) => badge(t, state(r)) },
      {
        label: t("pr.user"),
        render: (r) => h("span", {}, r.userDisplayName && r.userDisplayName !== r.userLogin ? h("span", { class: "ox-block", text: r.userDisplayName }) : null, h("span", { class: "ox-muted", text: r.userLogin || "" })),
      },
      {
        label: t("pr.profiles"),
        render: (r) => h("span", {}, from(r) || "—", h("span", { "aria-hidden": "true", text: " → " }), h("span", { class: "ox-sr", text: ` ${t("pr.to")} ` }), h("strong", { text: to(r) })),
      },
      { label: t("pr.missing"), render: (r) => r.missingCapability || "—" },
      { label: t("pr.date"), render: (r) => h("time", { datetime: r.requestedAt || "", text: t.date(r.requestedAt) }) },
      {
        label: t("common.actions"),
        render: (r) =>
          state(r) === "provisioning" || state(r) === "removing" || state(r) === "error"
            ? null
            : state(r) !== "pending"
            ? h("span", { class: "ox-muted", test: "pr-decision" }, r.decidedAt ? h("span", { class: "ox-block", text: t("pr.decidedAt", { date: t.date(r.decidedAt) }) }) : null, r.reason ? h("span", { class: "ox-block", text: t("pr.reasonShown", { reason: r.reason }) }) : null)
            : h(
                "div",
                { class: "ox-row-actions" },
                button(t("pr.proceed"), { test: "pr-proceed", kind: "primary", ariaLabel: t("pr.proceedOne", { user: r.userLogin, profile: to(r) }), onClick: (e) => proceed(r, e.currentTarget) }),
                button(t("pr.reject"), { test: "pr-reject", ariaLabel: t("pr.rejectOne", { user: r.userLogin, profile: to(r) }), onClick: () => reject(r) }),
              ),
      },
    ],
  });

  async function load(first = false) {
    clearTimeout(timer);
    if (first) ui.content.replaceChildren(loading(t));
    let rows;
    try {
      rows = await api.query(
        rql.implementing(T.purchaserequest),
        rql.linkedWith(tenantId),
        rql.select("userLogin", "userDisplayName", "currentProfile", "currentProfileName", "requestedProfile", "requestedProfileName", "missingCapability", "requestedAt", "state", "decidedBy", "decidedAt", "reason"),
        rql.sort("-requestedAt"),
      );
    } catch (error) {
      ui.content.replaceChildren(failure(t, error, () => load(true)));
      return;
    }
    rows = rows.map((r) => {
      const mine = decided.get(idOf(r));
      if (mine && (r.state || "pending") === "pending") return { ...r, ...mine, aps: r.aps };
      decided.delete(idOf(r));
      return r;
    });
    if (decided.size || rows.some(inProgress)) timer = setTimeout(() => root.isConnected && load(), 1500);
    // Pending first (newest first within each state).
    rows.sort((a, b) => (state(a) === "pending" ? 0 : 1) - (state(b) === "pending" ? 0 : 1));
    refocus(ui.content, () => {
      if (!ui.content.contains(tbl.el)) ui.content.replaceChildren(tbl.el);
      tbl.setRows(rows);
    }, ui.heading);
  }

  async function proceed(r, btn) {
    try {
      const answer = await busy(btn, () => api.operation(idOf(r), "proceed", {}));
      decided.set(idOf(r), answer && answer.state ? answer : { state: "proceeded" });
      ui.toast(t("pr.proceeded", { user: r.userLogin, profile: to(r) }));
    } catch (error) {
      ui.toast(errorMessage(error, t), "error");
      // Someone else may have decided it: show their decision once the controller has it.
      await load();
      clearTimeout(timer);
      timer = setTimeout(() => root.isConnected && load(), 1500);
      return;
    }
    load();
  }

  async function reject(r) {
    const reason = h("textarea", { class: "ox-input", rows: "3", test: "pr-reason", maxlength: "1000" });
    const f = field({ label: t("pr.reason"), control: reason, required: true, name: "reason" });
    const done = await dialog(t, {
      title: t("pr.rejectTitle", { user: r.userLogin, profile: to(r) }),
      content: f.el,
      okLabel: t("pr.reject"),
      danger: true,
      test: "reject-dialog",
      onOk: async () => {
        f.clear();
        if (!reason.value.trim()) {
          f.setError(t("form.required"));
          reason.focus();
          throw userError(t("pr.reasonNeeded"));
        }
        const answer = await api.operation(idOf(r), "reject", { reason: reason.value.trim() });
        decided.set(idOf(r), answer && answer.state ? answer : { state: "rejected", reason: reason.value.trim() });
        return true;
      },
    });
    if (done) {
      ui.toast(t("pr.rejected", { user: r.userLogin }));
      load();
    }
  }

  await load(true);
}
