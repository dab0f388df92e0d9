// The payroll screen: pick a period and a format, start the export, watch its job, download
// the file, confirm it as paid; earlier exports below.
import { fetchFile, newId } from "./api.js";
import { $, dateTime, el, isoDate } from "./format.js";

const FORMATS = ["csv", "adp", "gusto", "quickbooks_iif", "xlsx"];
const DONE = new Set(["finished", "failed", "stopped", "canceled"]);

function lastWeek() {
  const today = new Date();
  const monday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - ((today.getDay() + 6) % 7) - 7);
  const sunday = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 6);
  return [isoDate(monday), isoDate(sunday)];
}

async function download(ctx, item) {
  await ctx.guarded(async () => {
    const response = await fetchFile(`/payroll-exports/${item.id}/file`);
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: item.file_name || `payroll-${item.period_start}.${item.format}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    ctx.notice(`Downloaded ${link.download}.`, "good");
  });
}

async function confirmPaid(ctx, item, panel) {
  if (!confirm(`Confirm the export for ${item.period_start} – ${item.period_end} as paid? Its entries become paid.`)) return;
  await ctx.guarded(async () => {
    await ctx.call("POST", `/payroll-exports/${item.id}/confirm`, {});
    ctx.notice("Confirmed as paid.", "good");
    await listEarlier(panel.querySelector("#earlier"), ctx, panel);
  });
}

function actions(ctx, item, panel) {
  const cell = el("td");
  if (["succeeded", "confirmed"].includes(item.status)) {
    cell.append(el("button", { type: "button", class: "secondary", "data-download": item.id, text: "Download", onclick: () => download(ctx, item) }));
  }
  if (item.status === "succeeded") {
    cell.append(" ", el("button", { type: "button", class: "secondary", "data-confirm": item.id, text: "Confirm as paid", onclick: () => confirmPaid(ctx, item, panel) }));
  }
  return cell;
}

async function listEarlier(box, ctx, panel) {
  const items = await ctx.call("GET", "/payroll-exports?page_size=50");
  box.replaceChildren(el("h3", { text: "Exports" }));
  if (!items.length) { box.append(el("p", { text: "No export yet." })); return; }
  box.append(el("div", { class: "scroll" }, el("table", {},
    el("thead", {}, el("tr", {}, ["Requested", "Period", "Format", "Status", "Employees", "Gross", ""].map((t) => el("th", { text: t })))),
    el("tbody", {}, items.map((item) => el("tr", { "data-export": item.id },
      el("td", { text: dateTime(item.created_at) }),
      el("td", { text: `${item.period_start} – ${item.period_end}` }),
      el("td", { text: item.format }),
      el("td", { text: item.status }),
      el("td", { text: item.row_count ?? "" }),
      el("td", { text: item.totals && item.totals.gross_pay ? `${item.totals.gross_pay} ${item.totals.currency || ""}` : "" }),
      actions(ctx, item, panel)))))));
}

async function watch(ctx, started, bar, line) {
  while (line.isConnected) { // stops when the person leaves the tab
    const job = await ctx.call("GET", `/jobs/${started.job_id}`);
    bar.value = job.progress || 0;
    line.textContent = `Export ${job.status}, ${job.progress || 0}%`;
    if (DONE.has(job.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return ctx.call("GET", `/payroll-exports/${started.id}`);
}

async function show(panel, ctx) {
  const [from, to] = lastWeek();
  const format = el("select", { id: "format" }, FORMATS.map((f) => el("option", { value: f, text: f })));
  const form = el("form", { class: "form-grid", id: "export-form" },
    el("div", {}, el("label", { for: "period-start", text: "Period start" }), el("input", { id: "period-start", type: "date", required: true, value: from })),
    el("div", {}, el("label", { for: "period-end", text: "Period end" }), el("input", { id: "period-end", type: "date", required: true, value: to })),
    el("div", {}, el("label", { for: "format", text: "Format" }), format),
    el("div", {}, el("button", { type: "submit", class: "primary", text: "Start export" })));
  const bar = el("progress", { max: "100", value: "0", "aria-label": "Export progress", hidden: true });
  const line = el("p", { id: "export-status", role: "status" });
  const earlier = el("div", { id: "earlier" });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.guarded(async () => {
      const body = { period_start: $("#period-start").value, period_end: $("#period-end").value, format: format.value };
      const started = await ctx.call("POST", "/payroll-exports", body, { "Idempotency-Key": newId() });
      bar.hidden = false;
      const result = await watch(ctx, started, bar, line);
      const left = result.excluded ? ` Left out: ${result.excluded.unapproved || 0} unapproved, ${result.excluded.open || 0} open.` : "";
      line.textContent = result.status === "succeeded"
        ? `Export ready: ${result.row_count} employees, ${result.entry_count} entries.${left}`
        : `Export ${result.status}: ${result.error || ""}`;
      await listEarlier(earlier, ctx, panel);
    });
  });
  panel.append(form, bar, line, earlier);
  await listEarlier(earlier, ctx, panel);
}

export default { id: "payroll", title: "Payroll", roles: ["owner", "admin", "payroll"], show };
