// eesim's page: reads the form (or a shared link), asks the JSON API, and draws the answer.
// Plain JavaScript, no other site: the server's content security policy allows only this file.
"use strict";

const $ = (id) => document.getElementById(id);
const EDUCATION = [
  ["below_secondary", "Less than secondary school"], ["secondary", "Secondary school diploma"],
  ["one_year", "One-year post-secondary"], ["two_year", "Two-year post-secondary"],
  ["bachelors", "Bachelor's or three-year post-secondary"],
  ["two_or_more", "Two or more credentials, one of three years or more"],
  ["masters", "Master's or professional degree"], ["doctorate", "Doctorate (PhD)"],
];
const TESTS = [["ielts", "IELTS General Training"], ["celpip", "CELPIP General"], ["pte_core", "PTE Core"],
  ["tef", "TEF Canada (French)"], ["tcf", "TCF Canada (French)"], ["clb", "CLB/NCLC levels"]];
const ABILITIES = ["listening", "reading", "writing", "speaking"];
const ESTIMATE_KEYS = ["programs", "categories", "nominee", "submitted", "horizon_days", "runs", "seed", "to_landing"];
let dataInfo = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "text") e.textContent = v; else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) e.append(c);
  return e;
}
const pct = (p) => (100 * p).toFixed(1) + "%";
const interval = (o) => pct(o.lo) + " to " + pct(o.hi);

function option(select, value, label, selected) {
  select.append(el("option", { value, selected: !!selected, text: label }));
}

// The language fields of one test: the test, the TEF scale, and the four scores.
function languageFields(box, prefix, optional) {
  const grid = el("div", { class: "grid" });
  const test = el("select", { id: prefix + "-test" });
  if (optional) option(test, "", "None");
  for (const [v, l] of TESTS) option(test, v, l, !optional && v === "ielts");
  grid.append(el("div", {}, el("label", { for: prefix + "-test", text: "Test" }), test));
  const scale = el("select", { id: prefix + "-scale", "aria-describedby": prefix + "-scale-hint" });
  for (const [v, l] of [["current", "Current (since 2023-12-11)"], ["2019", "2019 to 2023"], ["old", "Before 2019"]]) option(scale, v, l);
  const scaleBox = el("div", { hidden: true }, el("label", { for: prefix + "-scale", text: "TEF scale" }), scale,
    el("p", { class: "hint", id: prefix + "-scale-hint", text: "Which TEF Canada score scale your result uses." }));
  grid.append(scaleBox);
  for (const a of ABILITIES) {
    const id = prefix + "-" + a;
    grid.append(el("div", {}, el("label", { for: id, text: a[0].toUpperCase() + a.slice(1) }),
      el("input", { id, type: "number", min: "0", step: "any", inputmode: "decimal", value: optional ? "" : "7" })));
  }
  test.addEventListener("change", () => { scaleBox.hidden = test.value !== "tef"; });
  box.append(grid);
}

function languageOf(prefix) {
  const test = $(prefix + "-test");
  if (!test || !test.value) return undefined;
  const out = { test: test.value };
  if (test.value === "tef") out.scale = $(prefix + "-scale").value;
  for (const a of ABILITIES) {
    const v = $(prefix + "-" + a).value.trim();
    out[a] = v === "" ? null : Number(v);
  }
  return out;
}

function setLanguage(prefix, lang) {
  if (!lang) return;
  $(prefix + "-test").value = lang.test || "";
  $(prefix + "-test").dispatchEvent(new Event("change"));
  if (lang.scale) $(prefix + "-scale").value = lang.scale;
  for (const a of ABILITIES) if (lang[a] !== undefined && lang[a] !== null) $(prefix + "-" + a).value = lang[a];
}

// The profile of the form, with the profile file's field names.
function profileOfForm() {
  const num = (id) => { const v = $(id).value.trim(); return v === "" ? undefined : Number(v); };
  const p = {
    assessed_on: $("p-assessed_on").value || (dataInfo && dataInfo.today) || undefined,
    spouse: $("p-spouse").value,
    education: $("p-education").value,
    canadian_education: $("p-canadian_education").value,
    first_language: languageOf("l1"),
    canadian_work_years: num("p-canadian_work_years"),
    foreign_work_years: num("p-foreign_work_years"),
    certificate_of_qualification: $("p-certificate_of_qualification").checked,
    provincial_nomination: $("p-provincial_nomination").checked,
    job_offer: $("p-job_offer").value,
    sibling_in_canada: $("p-sibling_in_canada").checked,
  };
  if ($("p-birth_date").value) p.birth_date = $("p-birth_date").value; else p.age = num("p-age");
  const second = languageOf("l2");
  if (second) p.second_language = second;
  if (p.spouse === "accompanying") {
    p.partner = { education: $("q-education").value, canadian_work_years: num("q-canadian_work_years") };
    const pl = languageOf("l3");
    if (pl) p.partner.language = pl;
  }
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
  return p;
}

function fillProfile(p) {
  const set = (id, v) => { if (v !== undefined && v !== null) $(id).value = v; };
  set("p-assessed_on", p.assessed_on); set("p-age", p.age); set("p-birth_date", p.birth_date);
  set("p-spouse", p.spouse); set("p-education", p.education); set("p-canadian_education", p.canadian_education);
  set("p-canadian_work_years", p.canadian_work_years); set("p-foreign_work_years", p.foreign_work_years);
  set("p-job_offer", p.job_offer);
  for (const k of ["certificate_of_qualification", "provincial_nomination", "sibling_in_canada"]) $("p-" + k).checked = !!p[k];
  setLanguage("l1", p.first_language); setLanguage("l2", p.second_language);
  if (p.partner) { set("q-education", p.partner.education); set("q-canadian_work_years", p.partner.canadian_work_years); setLanguage("l3", p.partner.language); }
  $("p-spouse").dispatchEvent(new Event("change"));
}

function mode() { return $("mode-profile").checked ? "profile" : "crs"; }
function showMode() {
  $("crs-fields").hidden = mode() !== "crs";
  $("profile-fields").hidden = mode() !== "profile";
  $("whatif").hidden = mode() !== "profile";
}

// The estimate's parameters of the form, as a query string (empty fields left out).
function estimateParams() {
  const q = new URLSearchParams();
  const programs = [...document.querySelectorAll("input[name=programs]:checked")].map((i) => i.value);
  if (programs.length) q.set("programs", programs.join(","));
  const cats = [...document.querySelectorAll("input[name=categories]:checked")].map((i) => i.value);
  if (cats.length) q.set("categories", cats.join(","));
  if ($("nominee").checked) q.set("nominee", "true");
  if ($("submitted").value) q.set("submitted", $("submitted").value);
  if ($("horizon_days").value !== "182") q.set("horizon_days", $("horizon_days").value);
  if ($("runs").value && $("runs").value !== "10000") q.set("runs", $("runs").value);
  if ($("to_landing").checked) q.set("to_landing", "true");
  return q;
}

function fillForm(q) {
  if (q.has("profile")) {
    $("mode-profile").checked = true;
    try { fillProfile(JSON.parse(q.get("profile"))); } catch (e) { showError("the link's profile: expected JSON, found " + q.get("profile").slice(0, 80)); }
  } else if (q.has("crs")) {
    $("mode-crs").checked = true;
    $("crs").value = q.get("crs");
  }
  if (q.has("programs")) {
    const want = q.get("programs").toLowerCase().split(/[,;]/).map((s) => s.trim());
    for (const i of document.querySelectorAll("input[name=programs]")) i.checked = want.includes(i.value);
  }
  if (q.has("categories")) {
    const want = q.get("categories").toLowerCase().split(/[,;]/).map((s) => s.trim());
    for (const i of document.querySelectorAll("input[name=categories]")) i.checked = want.includes(i.value);
  }
  const on = (k) => ["1", "true", "on", "yes", ""].includes((q.get(k) || "x").toLowerCase());
  $("nominee").checked = q.has("nominee") && on("nominee");
  $("to_landing").checked = q.has("to_landing") && on("to_landing");
  if (q.has("submitted")) $("submitted").value = q.get("submitted");
  if (q.has("horizon_days")) {
    const h = q.get("horizon_days");
    if (![...$("horizon_days").options].some((o) => o.value === h)) option($("horizon_days"), h, h + " days");
    $("horizon_days").value = h;
  }
  if (q.has("runs")) $("runs").value = q.get("runs");
  showMode();
}

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) { init.body = JSON.stringify(body); init.headers["content-type"] = "application/json"; }
  const r = await fetch(path, init);
  let doc = null;
  try { doc = await r.json(); } catch (e) { doc = { error: "expected JSON from " + path + ", found HTTP " + r.status }; }
  if (!r.ok) {
    let msg = doc.error || ("HTTP " + r.status);
    if (doc.problems) msg += ": " + doc.problems.join("; ");
    if (r.status === 503) msg += " (the server asks to wait " + (r.headers.get("retry-after") || "a few") + " s)";
    throw new Error(msg);
  }
  return doc;
}

function showError(msg) { $("error").textContent = msg; $("error").hidden = false; }
function busy(on, text) {
  $("go").disabled = on; $("whatif").disabled = on;
  $("status").textContent = text;
}

// A chart: a line with its 95% band, axes, and optionally a marked x.
function chart(box, points, opts) {
  const NS = "http://www.w3.org/2000/svg";
  // A narrower drawing on a phone, so that its text stays readable when scaled to the screen.
  const narrow = box.clientWidth > 0 && box.clientWidth < 520;
  const W = narrow ? 400 : 640, H = narrow ? 280 : 300, L = 44, R = narrow ? 24 : 36, T = 12, B = 40;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", opts.label);
  const s = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e); return e;
  };
  s("title", {}, opts.label);
  const x0 = opts.x0, x1 = opts.x1 === opts.x0 ? opts.x0 + 1 : opts.x1;
  const X = (x) => L + (W - L - R) * (x - x0) / (x1 - x0);
  const Y = (p) => T + (H - T - B) * (1 - p);
  for (let p = 0; p <= 1.0001; p += 0.25) {
    s("line", { x1: L, x2: W - R, y1: Y(p), y2: Y(p), stroke: "#ccc", "stroke-width": 1 });
    s("text", { x: L - 6, y: Y(p) + 4, "text-anchor": "end" }, Math.round(p * 100) + "%");
  }
  for (const [x, label] of opts.ticks) {
    s("line", { x1: X(x), x2: X(x), y1: H - B, y2: H - B + 5, stroke: "#111" });
    s("text", { x: X(x), y: H - B + 18, "text-anchor": "middle" }, label);
  }
  s("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, opts.xTitle);
  const band = points.map((p) => `${X(p.x)},${Y(p.hi)}`).concat(points.slice().reverse().map((p) => `${X(p.x)},${Y(p.lo)}`));
  s("polygon", { points: band.join(" "), fill: "#c9d9ea", stroke: "none" });
  s("polyline", { points: points.map((p) => `${X(p.x)},${Y(p.p)}`).join(" "), fill: "none", stroke: "#0b4f8a", "stroke-width": 2.5 });
  if (opts.mark !== undefined && opts.mark >= x0 && opts.mark <= x1) {
    s("line", { x1: X(opts.mark), x2: X(opts.mark), y1: T, y2: H - B, stroke: "#111", "stroke-dasharray": "5 4", "stroke-width": 1.5 });
    s("text", { x: X(opts.mark) + 4, y: T + 12 }, opts.markLabel);
  }
  s("line", { x1: L, x2: L, y1: T, y2: H - B, stroke: "#111" });
  s("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#111" });
  box.replaceChildren(svg);
}

function addDays(iso, days) {
  const d = new Date(iso + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function renderChance(doc, breakdown) {
  $("error").hidden = true;
  // Shown first: the charts are drawn to the width they get.
  $("result").hidden = false;
  const c = doc.candidate;
  const end = addDays(doc.as_of, doc.horizon_days);
  $("headline").replaceChildren(
    el("strong", { id: "chance", text: pct(doc.p) }), " chance of an invitation by " + end,
    el("br"), "95% interval " + interval(doc) + ", for a CRS score of ", el("span", { id: "answer-crs", text: String(c.crs) }),
    " (" + c.programs.join(", ") + (c.categories.length ? "; " + c.categories.join(", ") : "") + (c.nominee ? "; provincial nominee" : "") +
    "), in the pool from " + c.in_pool_from + ", profile valid until " + c.expires + ". " + doc.runs + " simulated futures from " + doc.as_of + ".");
  const box = $("breakdown");
  if (breakdown) {
    const d = breakdown.detail || {};
    const sections = [
      ["Core: age, education, languages, Canadian work", breakdown.core, d.core,
        [["age", "Age"], ["education", "Education"], ["first_language", "First official language"], ["second_language", "Second official language"], ["canadian_work", "Canadian work experience"]]],
      ["Spouse or partner", breakdown.spouse, d.spouse,
        [["education", "Their education"], ["language", "Their first official language"], ["canadian_work", "Their Canadian work experience"]]],
      ["Skill transferability (at most 100)", breakdown.transferability, d.transferability,
        [["education_language", "Education with strong language"], ["education_canadian_work", "Education with Canadian work"], ["education", "Education subtotal (at most 50)"],
          ["foreign_language", "Foreign work with strong language"], ["foreign_canadian_work", "Foreign with Canadian work"], ["foreign_work", "Foreign work subtotal (at most 50)"],
          ["certificate", "Certificate of qualification with language"]]],
      ["Additional points (at most 600)", breakdown.additional, d.additional,
        [["provincial_nomination", "Provincial nomination"], ["job_offer", "Job offer"], ["canadian_education", "Education in Canada"], ["french", "French ability"], ["sibling", "Sibling in Canada"]]],
    ];
    const t = el("table", { id: "crs-table" }, el("caption", { text: "Your CRS score under the rules of " + breakdown.assessed_on + ", factor by factor" }));
    for (const [title, total, detail, factors] of sections) {
      const tb = el("tbody");
      tb.append(el("tr", {}, el("th", { scope: "rowgroup", text: title }), el("td", { class: "num" }, el("strong", { text: String(total) }))));
      for (const [k, label] of factors) {
        if (detail && detail[k] !== undefined) tb.append(el("tr", { class: "factor" }, el("td", { text: label }), el("td", { class: "num", text: String(detail[k]) })));
      }
      t.append(tb);
    }
    t.append(el("tbody", {}, el("tr", {}, el("th", { scope: "row", text: "Total" }), el("td", { class: "num" }, el("strong", { id: "crs-total", text: String(breakdown.total) })))));
    box.replaceChildren(t);
    if (doc.score_path && doc.score_path.length > 1) {
      const ul = el("ul");
      for (const s of doc.score_path.slice(1)) ul.append(el("li", { text: "from " + s.date + ": " + s.score }));
      box.append(el("p", { text: "Your score changes within the horizon (birthdays, rule changes), and the estimate follows it:" }), ul);
    }
    box.hidden = false;
  } else box.hidden = true;
  const tbody = $("by-month").querySelector("tbody");
  tbody.replaceChildren();
  for (const w of doc.by_month) {
    tbody.append(el("tr", {}, el("td", { text: w.months + (w.months === 1 ? " month" : " months") + " (by " + addDays(doc.as_of, w.days) + ")" }),
      el("td", { class: "num", text: pct(w.p) }), el("td", { text: interval(w) })));
  }
  tbody.append(el("tr", {}, el("td", { text: doc.horizon_days + " days (by " + end + ")" }), el("td", { class: "num", text: pct(doc.p) }), el("td", { text: interval(doc) })));
  const months = [];
  const narrowChart = $("curve").clientWidth > 0 && $("curve").clientWidth < 520;
  const step = Math.max(30, Math.round(doc.horizon_days / (narrowChart ? 4 : 6) / 30) * 30);
  for (let d = 0; d <= doc.horizon_days; d += step) months.push([d, addDays(doc.as_of, d).slice(0, 7)]);
  chart($("curve"), doc.curve.map((q) => ({ x: q.day, p: q.p, lo: q.lo, hi: q.hi })),
    { label: "Chance of an invitation by day, from " + doc.as_of + ": " + pct(doc.p) + " by " + end, x0: 0, x1: doc.horizon_days, ticks: months, xTitle: "date" });
  const scores = doc.by_score.map((q) => ({ x: q.crs, p: q.p, lo: q.lo, hi: q.hi }));
  if (scores.length) {
    const x0 = scores[0].x, x1 = scores[scores.length - 1].x, ticks = [];
    const every = $("by-score").clientWidth > 0 && $("by-score").clientWidth < 520 ? 100 : 50;
    for (let v = Math.ceil(x0 / every) * every; v <= x1; v += every) ticks.push([v, String(v)]);
    chart($("by-score"), scores, { label: "Chance within " + doc.horizon_days + " days by CRS score, " + x0 + " to " + x1, x0, x1, ticks, xTitle: "CRS score", mark: c.crs, markLabel: "you: " + c.crs });
  }
  const sf = doc.score_for;
  $("score-for").textContent = "The lowest score with a 50% chance within the horizon: " + (sf.p50 ?? "above the probed range") +
    "; with a 90% chance: " + (sf.p90 ?? "above the probed range") + ".";
  const fam = $("families").querySelector("tbody");
  fam.replaceChildren();
  for (const f of doc.families) {
    fam.append(el("tr", {}, el("td", { text: f.family }), el("td", { class: "num", text: pct(f.p_no_round) }),
      el("td", { text: pct(f.no_round_lo) + " to " + pct(f.no_round_hi) }), el("td", { text: f.guess || "" })));
  }
  const landing = $("landing");
  if (doc.landing) {
    const l = doc.landing;
    const ul = el("ul");
    for (const [k, v] of Object.entries(l.stages)) ul.append(el("li", { text: k + ": " + pct(v / doc.runs) + " of the futures" }));
    landing.replaceChildren(el("h3", { text: "The path to landing" }),
      el("p", {}, "Chance of landing as a permanent resident by " + end + ": ", el("strong", { id: "landing-chance", text: pct(l.p) }), " (95% interval " + interval(l) + ")."),
      el("p", { text: "Where the futures stand at the horizon:" }), ul);
    landing.hidden = false;
  } else landing.hidden = true;
}

function renderWhatIf(doc) {
  const box = $("whatif-result");
  const t = el("table", { id: "whatif-table" }, el("caption", { text: "What would raise your chance within " + doc.horizon_days + " days (now " + pct(doc.p) + " at " + doc.crs + "), on the same simulated futures" }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "If you" }), el("th", { scope: "col", class: "num", text: "CRS" }),
      el("th", { scope: "col", class: "num", text: "Chance" }), el("th", { scope: "col", text: "Change (95% interval)" }))));
  const tb = el("tbody");
  for (const r of doc.improvements) {
    const sign = r.gain >= 0 ? "+" : "";
    tb.append(el("tr", {}, el("td", { text: r.improvement }), el("td", { class: "num", text: String(r.crs) }), el("td", { class: "num", text: pct(r.p) }),
      el("td", { text: sign + (100 * r.gain).toFixed(1) + " points (" + (100 * r.gain_lo).toFixed(1) + " to " + (100 * r.gain_hi).toFixed(1) + ")" })));
  }
  if (!doc.improvements.length) tb.append(el("tr", {}, el("td", { colspan: "4", text: "No improvement changes your score or categories." })));
  t.append(tb);
  box.replaceChildren(el("h3", { text: "What would change it" }), t);
  box.hidden = false;
}

// Asks for the answer of the query `q` (a shared link's or the form's), and shows it.
async function answer(q, whatIf) {
  $("error").hidden = true;
  const params = new URLSearchParams();
  for (const k of ESTIMATE_KEYS) if (q.has(k)) params.set(k, q.get(k));
  const started = performance.now();
  try {
    if (q.has("profile")) {
      let profile;
      try { profile = JSON.parse(q.get("profile")); } catch (e) { throw new Error("profile: expected JSON, found " + q.get("profile").slice(0, 80)); }
      busy(true, "Scoring your profile and simulating the rounds\u2026");
      const breakdown = await api("POST", "/api/crs", profile);
      const doc = await api("POST", "/api/chance?" + params, profile);
      renderChance(doc, breakdown);
      if (whatIf) {
        busy(true, "Simulating each improvement on the same futures\u2026");
        const wparams = new URLSearchParams(params); wparams.delete("to_landing");
        renderWhatIf(await api("POST", "/api/what-if?" + wparams, profile));
      } else $("whatif-result").hidden = true;
    } else {
      if (q.has("crs")) params.set("crs", q.get("crs"));
      busy(true, "Simulating the rounds\u2026");
      renderChance(await api("GET", "/api/chance?" + params), null);
      $("whatif-result").hidden = true;
    }
    const link = "/?" + q.toString();
    $("share").href = link; $("share").textContent = location.origin + link;
    busy(false, "Answered in " + ((performance.now() - started) / 1000).toFixed(1) + " s.");
  } catch (e) {
    busy(false, "No answer.");
    showError(e.message);
  }
}

function queryOfForm() {
  const q = estimateParams();
  const out = new URLSearchParams();
  if (mode() === "profile") out.set("profile", JSON.stringify(profileOfForm()));
  else if ($("crs").value.trim() !== "") out.set("crs", $("crs").value.trim());
  for (const [k, v] of q) out.set(k, v);
  return out;
}

function submit(whatIf) {
  const q = queryOfForm();
  if (!q.has("crs") && !q.has("profile")) { showError("crs: expected a CRS score from 0 to 1200, found none (or choose the profile)"); $("crs").focus(); return; }
  history.pushState(null, "", "/?" + q.toString());
  answer(q, whatIf).then(() => $("answer").focus());
}

async function loadData() {
  try {
    dataInfo = await api("GET", "/api/data");
  } catch (e) {
    $("data-line").textContent = "The data could not be read: " + e.message;
    return;
  }
  $("data-line").textContent = dataInfo.line + (dataInfo.last_round ? "; the newest round of " + dataInfo.last_round : "") + ". Today is " + dataInfo.today + ".";
  const ul = $("data-warnings");
  ul.replaceChildren();
  for (const w of dataInfo.warnings) ul.append(el("li", { text: w }));
  const cats = $("categories");
  cats.replaceChildren();
  for (const name of dataInfo.categories) {
    const id = "cat-" + name;
    cats.append(el("div", {}, el("input", { id, type: "checkbox", name: "categories", value: name }), el("label", { for: id, text: name })));
  }
  if (dataInfo.limits) $("runs").max = dataInfo.limits.max_runs;
}

async function start() {
  languageFields($("lang-first"), "l1", false);
  languageFields($("lang-second"), "l2", true);
  languageFields($("lang-partner"), "l3", true);
  for (const [v, l] of EDUCATION) option($("q-education"), v, l, v === "secondary");
  $("p-age").value = "30";
  $("p-spouse").addEventListener("change", () => { $("partner-fields").hidden = $("p-spouse").value !== "accompanying"; });
  for (const r of document.querySelectorAll("input[name=mode]")) r.addEventListener("change", showMode);
  $("form").addEventListener("submit", (e) => { e.preventDefault(); submit(false); });
  $("whatif").addEventListener("click", () => submit(true));
  window.addEventListener("popstate", () => { const q = new URLSearchParams(location.search); fillForm(q); if (q.has("crs") || q.has("profile")) answer(q, false); });
  const q = new URLSearchParams(location.search);
  // A shared link's answer is asked for at once, with the data's description alongside.
  const first = (q.has("crs") || q.has("profile")) ? answer(q, false) : null;
  await loadData();
  fillForm(q);
  if (!$("p-assessed_on").value && dataInfo) $("p-assessed_on").value = dataInfo.today;
  showMode();
  if (first) await first;
}

document.addEventListener("DOMContentLoaded", start);
