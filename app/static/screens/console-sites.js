// Sites (geofences): each drawn as an outline on a plain SVG (no map tiles), created from a
// circle or from an uploaded GeoJSON file (a geometry, a Feature or a FeatureCollection).
import { el } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const METRES_PER_DEGREE = 111320;

function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

// Local flat projection around the fence's centre, in metres: fine at a site's scale.
function drawing(fence) {
  const g = fence.geometry || {};
  const centre = fence.centroid || { lat: 0, lon: 0 };
  const scaleX = METRES_PER_DEGREE * Math.cos((centre.lat * Math.PI) / 180);
  const project = ([lon, lat]) => [(lon - centre.lon) * scaleX, -(lat - centre.lat) * METRES_PER_DEGREE];
  const picture = svg("svg", { role: "img", "aria-label": `Outline of ${fence.name}` });
  let extent = 1;
  if (g.type === "Point") {
    const [x, y] = project(g.coordinates);
    const r = fence.radius_m || 1;
    picture.append(svg("circle", { cx: x, cy: y, r, class: "outline" }));
    extent = Math.abs(x) + Math.abs(y) + r;
  } else {
    const polygons = g.type === "MultiPolygon" ? g.coordinates : g.type === "Polygon" ? [g.coordinates] : [];
    for (const rings of polygons) {
      const d = rings.map((ring) => `M${ring.map((p) => project(p).map((v) => v.toFixed(1)).join(",")).join("L")}Z`).join("");
      picture.append(svg("path", { d, class: "outline", "fill-rule": "evenodd" }));
      for (const p of rings.flat()) extent = Math.max(extent, ...project(p).map(Math.abs));
    }
  }
  const side = extent * 1.15;
  picture.setAttribute("viewBox", `${-side} ${-side} ${2 * side} ${2 * side}`);
  return picture;
}

function card(fence) {
  const area = fence.area_m2 ? `${Math.round(fence.area_m2).toLocaleString()} m²` : "";
  return el("figure", { class: "fence card", "data-fence": fence.id }, drawing(fence),
    el("figcaption", {},
      el("strong", { text: fence.name }),
      el("div", { text: `Policy: ${fence.policy}; buffer ${fence.buffer_m} m; ${area}` })));
}

async function list(box, ctx) {
  const fences = await ctx.call("GET", "/geofences?page_size=500");
  box.replaceChildren(fences.length ? el("div", { class: "fences" }, fences.map(card)) : el("p", { text: "No site yet." }));
}

function field(id, label, attributes) {
  return el("div", {}, el("label", { for: id, text: label }), el("input", { id, ...attributes }));
}

async function show(panel, ctx) {
  const box = el("div");
  const policy = () => el("select", {}, ["enforce", "flag", "off"].map((p) => el("option", { value: p, text: p })));
  const circlePolicy = policy();
  circlePolicy.id = "circle-policy";
  const circle = el("form", { class: "form-grid", id: "circle-form" },
    field("circle-name", "Site name", { required: true, maxlength: "255" }),
    field("circle-lat", "Latitude", { type: "number", step: "any", min: "-90", max: "90", required: true }),
    field("circle-lon", "Longitude", { type: "number", step: "any", min: "-180", max: "180", required: true }),
    field("circle-radius", "Radius (m)", { type: "number", step: "any", min: "1", required: true, value: "100" }),
    el("div", {}, el("label", { for: "circle-policy", text: "Policy" }), circlePolicy),
    el("div", {}, el("button", { type: "submit", class: "primary", text: "Add circle" })));
  circle.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = (id) => circle.querySelector(`#${id}`).value;
    ctx.guarded(async () => {
      await ctx.call("POST", "/geofences", {
        name: value("circle-name"),
        geometry: { type: "Point", coordinates: [Number(value("circle-lon")), Number(value("circle-lat"))] },
        radius_m: Number(value("circle-radius")),
        policy: circlePolicy.value,
      });
      circle.reset();
      ctx.notice("Site added.", "good");
      await list(box, ctx);
    });
  });
  const file = el("input", { id: "geojson-file", type: "file", accept: ".geojson,.json,application/geo+json,application/json" });
  file.addEventListener("change", () => ctx.guarded(async () => {
    if (!file.files.length) return;
    let data;
    try { data = JSON.parse(await file.files[0].text()); } catch { ctx.notice("That file is not JSON.", "bad"); return; }
    if (data.type === "FeatureCollection") {
      const answer = await ctx.call("POST", "/geofences/import", data);
      const results = answer.results || [];
      const bad = results.filter((r) => r.status === "error");
      const why = (r) => Object.values(r.errors || {}).flat().join(" ");
      ctx.notice(`${answer.created} of ${results.length} features imported.${bad.map((r) => ` #${r.index} (${r.name || "no name"}): ${why(r)}`).join("")}`, bad.length ? "warn" : "good");
    } else {
      const geometry = data.type === "Feature" ? data.geometry : data;
      const props = (data.type === "Feature" && data.properties) || {};
      await ctx.call("POST", "/geofences", { name: props.name || file.files[0].name.replace(/\.[^.]*$/, ""), geometry, policy: props.policy || "enforce" });
      ctx.notice("Site added.", "good");
    }
    file.value = "";
    await list(box, ctx);
  }));
  const writer = ["owner", "admin"].includes(ctx.me().role);
  if (writer) {
    panel.append(el("h3", { text: "Add a circle" }), circle,
      el("h3", { text: "Or upload a GeoJSON file" }), el("label", { for: "geojson-file", text: "GeoJSON file (each feature's name and policy from its properties)" }), file,
      el("h3", { text: "Sites" }));
  }
  panel.append(box);
  await list(box, ctx);
}

export default { id: "sites", title: "Sites", roles: ["owner", "admin", "manager"], show };
