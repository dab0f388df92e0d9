// Small helpers shared by both screens: text in the DOM (never HTML), hours, times.
export const $ = (selector, root = document) => root.querySelector(selector);

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

export function hours(seconds) {
  const minutes = Math.floor((seconds || 0) / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

export function clockTime(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
}

export function dateTime(iso) {
  return iso
    ? new Date(iso).toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })
    : "";
}

export function isoDate(day) {
  const local = new Date(day.getTime() - day.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

export function say(node, text, tone = "info") {
  node.textContent = text;
  node.dataset.tone = tone;
}
