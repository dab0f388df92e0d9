// The approvals queue: submitted entries with the flags that matter, their punches and
// distances, approved or rejected in bulk (one reason for the batch) through the API.
import { dateTime, el, hours } from "./format.js";
import { metres } from "./words.js";

const FLAG_WORDS = {
  OUTSIDE_GEOFENCE: "outside the fence",
  UNCERTAIN_LOCATION: "at the fence's edge",
  LOW_ACCURACY: "low GPS accuracy",
  MOCK_LOCATION: "mock location",
  IMPOSSIBLE_TRAVEL: "impossible travel",
  LATE: "late",
  EARLY_LEAVE: "left early",
  LATE_SYNC: "synced late",
  MISSED_CLOCK_OUT: "missed clock-out",
  EDITED: "edited",
  MANUAL: "manual",
};

function punchText(label, geo, at) {
  if (!geo) return `${label} ${dateTime(at)}`;
  const where = geo.result === "inside" ? "inside" : geo.distance_m != null ? `${metres(geo.distance_m)} away` : geo.result || "";
  return `${label} ${dateTime(at)}, ${where} (±${metres(geo.accuracy_m)})`;
}

function row(entry, ctx, missed) {
  const flags = [...entry.flags, ...(missed.has(entry.id) ? ["MISSED_CLOCK_OUT"] : [])];
  const name = ctx.person(entry.employee_id);
  return el("tr", { "data-entry": entry.id },
    el("td", {}, el("input", { type: "checkbox", value: entry.id, "aria-label": `Select ${name}, ${dateTime(entry.started_at)}` })),
    el("td", { text: name }),
    el("td", {},
      el("div", { text: punchText("In", entry.clock_in_geo, entry.started_at) }),
      el("div", { text: punchText("Out", entry.clock_out_geo, entry.ended_at) })),
    el("td", { text: hours(entry.worked_seconds) }),
    el("td", {}, flags.map((flag) => el("span", { class: "flag", text: FLAG_WORDS[flag] || flag }))),
  );
}

async function show(panel, ctx) {
  const [entries, alerts] = await Promise.all([
    ctx.call("GET", "/time-entries?status=submitted&page_size=500"),
    ctx.call("GET", "/overtime-alerts?kind=MISSED_CLOCK_OUT&page_size=500").catch(() => []),
  ]);
  const missed = new Set(alerts.map((alert) => alert.time_entry_id).filter(Boolean));
  const mine = entries.filter((entry) => entry.employee_id !== ctx.me().employee_id);
  if (!mine.length) {
    panel.append(el("p", { text: "Nothing waits for your approval." }));
    return;
  }
  const all = el("input", { type: "checkbox", "aria-label": "Select every entry" });
  const body = el("tbody", {}, mine.map((entry) => row(entry, ctx, missed)));
  all.addEventListener("change", () => {
    for (const box of body.querySelectorAll("input[type=checkbox]")) box.checked = all.checked;
  });
  const reason = el("input", { id: "reason", type: "text", maxlength: "2000" });
  const decide = async (decision) => {
    const ids = [...body.querySelectorAll("input:checked")].map((box) => box.value);
    if (!ids.length) { ctx.notice("Select the entries first.", "warn"); return; }
    if (decision === "reject" && !reason.value.trim()) { ctx.notice("A rejection needs a reason.", "warn"); reason.focus(); return; }
    await ctx.guarded(async () => {
      const payload = { ids, decision, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) };
      const { results } = await ctx.call("POST", "/approvals/time-entries", payload);
      const done = results.filter((result) => result.ok).length;
      const failed = results.filter((result) => !result.ok).map((result) => `${ctx.person(mine.find((e) => e.id === result.id)?.employee_id)}: ${result.message || result.error}`);
      panel.replaceChildren(el("h2", { text: "Approvals" }));
      await show(panel, ctx);
      ctx.notice(`${done} ${decision === "approve" ? "approved" : "rejected"}.${failed.length ? ` Not done: ${failed.join("; ")}` : ""}`, failed.length ? "warn" : "good");
    });
  };
  panel.append(
    el("div", { class: "scroll" }, el("table", {},
      el("caption", { class: "sr-only", text: "Entries waiting for approval" }),
      el("thead", {}, el("tr", {}, el("th", {}, all), el("th", { text: "Employee" }), el("th", { text: "Punches" }), el("th", { text: "Worked" }), el("th", { text: "Flags" }))),
      body)),
    el("div", { class: "row-actions" },
      el("div", {}, el("label", { for: "reason", text: "Reason (needed to reject)" }), reason),
      el("button", { type: "button", class: "primary", id: "approve", text: "Approve selected", onclick: () => decide("approve") }),
      el("button", { type: "button", class: "secondary", id: "reject", text: "Reject selected", onclick: () => decide("reject") })),
  );
}

export default { id: "approvals", title: "Approvals", roles: ["owner", "admin", "manager"], show };
