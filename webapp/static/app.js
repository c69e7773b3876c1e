/* servicehall web app: plain JavaScript, no build step. The server holds the state
   (webapp/server.py); this file draws it and sends the manager's edits. */
"use strict";

const App = {
  lang: window.SERVICEHALL.lang,
  catalogs: window.SERVICEHALL.catalogs,
  hall: null,        // hall_payload
  bundled: [],
  results: null,     // results_payload
  optimized: null,   // optimize_payload
  job: null,
  tab: "hall",
  period: -1,        // hall view: -1 = whole day
  heatKpi: "mean_wait",
  replay: null,
  lunchForm: {all: true, zones: [], start: "11:30", end: "13:30", k: 2, minutes: 60},
};

// -- messages -----------------------------------------------------------------------------
function fmtValue(v, spec) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (!spec) return String(v);
  if (spec === "g") return String(Math.round(Number(v) * 1000) / 1000);
  const m = /^(\+)?(,)?\.(\d+)([f%])$/.exec(spec);
  if (!m) return String(v);
  let x = Number(v);
  const digits = Number(m[3]);
  if (m[4] === "%") x *= 100;
  let s = m[2] ? x.toLocaleString("en-US", {minimumFractionDigits: digits, maximumFractionDigits: digits})
               : x.toFixed(digits);
  if (m[1] && x >= 0) s = "+" + s;
  return m[4] === "%" ? s + "%" : s;
}
function t(key, fields) {
  const text = App.catalogs[App.lang][key];
  if (text === undefined) return key;
  if (!fields) return text;
  return text.replace(/\{(\w+)(?::([^}]*))?\}/g, (_, k, spec) => fmtValue(fields[k], spec));
}
const tr = (key) => t(key);

// -- helpers ------------------------------------------------------------------------------
const $ = (sel) => document.querySelector(sel);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}
async function api(method, url, body, headers) {
  const init = {method, headers: {"X-Servicehall": "1", ...(headers || {})}};
  if (body !== undefined) {
    if (typeof body === "string" || body instanceof Blob || body instanceof ArrayBuffer) init.body = body;
    else { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
  }
  const res = await fetch(url, init);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    // The server names the error with a code; show the catalog's words for it when there are some.
    const code = data && data.error;
    const known = code && App.catalogs[App.lang]["err." + code] !== undefined;
    const err = new Error(known ? t("err." + code, {kib: Math.round(window.SERVICEHALL.maxUpload / 1024)}) : code || res.statusText);
    err.status = res.status; err.data = data; throw err;
  }
  return data;
}
const label = (zid) => {
  const z = App.hall && App.hall.zones.find((x) => x.id === zid);
  return z ? z.label : zid;
};
// Which KPIs are shares comes with the results (from the KPI registry); these until the first run.
const isPercent = (kpi) => ((App.results && App.results.percent) || ["service_level", "abandonment_rate", "balk_rate", "utilization"]).includes(kpi);
function kpiName(kpi) {
  const tw = App.hall ? App.hall.target_wait : 15;
  return t("kpi." + kpi, {t: tw});
}
function showValue(kpi, v, digits) {
  if (v === null || v === undefined) return "–";
  if (isPercent(kpi)) return (100 * v).toFixed(digits === undefined ? 1 : digits) + "%";
  const d = digits === undefined ? (["visitors", "served", "overtime"].includes(kpi) ? 0 : 1) : digits;
  return Number(v).toFixed(d);
}
function showCI(kpi, tri) {
  if (!tri || tri[0] === null) return "–";
  const [m, lo, hi] = tri;
  if (lo === null || hi === null) return showValue(kpi, m);
  const half = (hi - lo) / 2;
  return showValue(kpi, m) + " ± " + (isPercent(kpi) ? (100 * half).toFixed(1) : half.toFixed(1));
}
function showDiff(kpi, tri) {
  if (!tri || tri[0] === null) return "–";
  const s = (v) => {
    const x = Number((isPercent(kpi) ? 100 * v : Number(v)).toFixed(1)) || 0;  // -0.04 shows as +0.0, not -0.0
    return (x >= 0 ? "+" : "") + x.toFixed(1);
  };
  const unit = isPercent(kpi) ? " pp" : "";
  if (tri[1] === null) return s(tri[0]) + unit;
  return s(tri[0]) + unit + " [" + s(tri[1]) + ", " + s(tri[2]) + "]";
}
function status(text) { $("#status").textContent = text || ""; }
// The optimizer's progress lines in the page's language (the server sends both).
function jobLog(job) { return App.lang === "zh" && job.log_zh ? job.log_zh : job.log; }

function showProblems(title, problems) {
  const box = $("#problems");
  if (!problems || !problems.length) { box.hidden = true; box.innerHTML = ""; return; }
  box.hidden = false;
  box.innerHTML = "";
  box.append(el("strong", {text: title}),
    el("ul", {id: "problem-list"}, problems.map(([path, msg, zh]) =>
      el("li", {"data-path": path}, path ? el("code", {text: path}) : null, path ? " " : null,
         App.lang === "zh" && zh ? zh : msg))));
}

// -- language -----------------------------------------------------------------------------
function applyLanguage() {
  document.documentElement.lang = App.lang === "zh" ? "zh-Hans" : "en";
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = tr(e.dataset.i18n); });
  $("#upload-limit").textContent = "(" + t("app.upload_limit", {kib: Math.round(window.SERVICEHALL.maxUpload / 1024)}) + ")";
  document.title = tr("app.title");
  renderAll();
}
function switchLanguage() {
  App.lang = App.lang === "zh" ? "en" : "zh";
  localStorage.setItem("servicehall.lang", App.lang);
  document.cookie = "lang=" + App.lang + "; path=/; SameSite=Strict";
  applyLanguage();
}

// -- state --------------------------------------------------------------------------------
async function loadState() {
  const s = await api("GET", "/api/state");
  App.bundled = s.bundled;
  App.hall = s.hall;
  const sel = $("#bundled");
  sel.innerHTML = "";
  for (const b of s.bundled) sel.append(el("option", {value: b.file, text: b.name + " (" + b.file + ")"}));
  if (App.hall) {
    const match = s.bundled.find((b) => b.file === App.hall.source);
    if (match) sel.value = match.file;
  }
  if (App.hall && App.hall.has_run) await loadResults(); else App.results = null;
  if (s.job && s.job.state === "running") followJob(s.job);
  renderAll();
}
async function fetchResults() {
  try { return await api("GET", "/api/results"); } catch (e) { return null; }
}
async function loadResults() { App.results = await fetchResults(); }
function setHall(hall) { App.hall = hall; App.replay = null; }

async function openBundled() {
  const file = $("#bundled").value;
  try {
    const s = await api("POST", "/api/open", {file});
    setHall(s.hall); App.results = null; App.optimized = null;
    showProblems();
    status(t("app.loaded", {name: s.hall.name}));
    renderAll();
  } catch (e) { showProblems(t("app.failed", {message: e.message}), e.data && e.data.problems); }
}
async function uploadFile(file) {
  if (!file) return;
  const limit = window.SERVICEHALL.maxUpload;
  try {
    const s = await api("POST", "/api/upload?name=" + encodeURIComponent(file.name), file,
                        {"Content-Type": "application/x-yaml"});
    setHall(s.hall); App.results = null; App.optimized = null;
    showProblems();
    status(t("app.loaded", {name: s.hall.name}));
    renderAll();
  } catch (e) {
    const problems = (e.data && e.data.problems) || [["", e.message]];
    if (e.status === 413) problems.splice(0, problems.length, ["", t("err.too_large", {kib: Math.round(limit / 1024)})]);
    showProblems(file.name + ": " + t("app.errors", {n: problems.length}), problems);
    status("");
  }
  $("#upload").value = "";
}

// -- jobs ---------------------------------------------------------------------------------
const JOB_POLL_SECONDS = 0.25;
function setBusy(busy) {
  $("#run-btn").disabled = busy;
  $("#cancel-btn").hidden = !busy;
  $("#progress").hidden = !busy && !App.job;
  const opt = $("#opt-run"); if (opt) opt.disabled = busy;
}
function showJob(job) {
  const p = $("#progress");
  p.hidden = false;
  p.classList.toggle("indeterminate", job.kind === "optimize" && job.state === "running");
  const frac = job.total ? job.done / job.total : 0;
  $("#progress-bar").style.width = (job.state === "done" ? 100 : 100 * frac) + "%";
  let text;
  if (job.state === "running") text = job.kind === "run" ? t("app.running", {done: job.done, total: job.total}) : (jobLog(job).slice(-1)[0] || "…");
  else if (job.state === "done") text = t(job.kind === "optimize" ? "app.optimized" : "app.done", {seconds: job.seconds});
  else if (job.state === "cancelled") text = t("app.cancelled");
  else text = t("app.failed", {message: job.error || ""});
  $("#progress-text").textContent = text;
  p.dataset.state = job.state;
  if (job.kind === "optimize") { const log = $("#opt-log"); if (log) log.textContent = jobLog(job).join("\n"); }
}
async function followJob(job) {
  App.job = job;
  setBusy(true);
  showJob(job);
  while (job.state === "running") {
    // A long poll: answered as soon as the job ends, else after a quarter second with its progress
    // (few redraws while the workers need the cores, and no delay at the end).
    try { job = await api("GET", "/api/jobs/" + job.id + "?wait=" + JOB_POLL_SECONDS); } catch (e) { break; }
    App.job = job;
    showJob(job);
  }
  setBusy(false);
  if (job.state === "failed") showProblems(t("app.failed", {message: job.error || ""}), job.problems);
  if (job.state === "done") {
    if (job.kind === "run") {
      const [s, results] = await Promise.all([api("GET", "/api/state"), fetchResults()]);
      // Both at once, then the redraw below: the page never shows new results with the old hall.
      App.hall = s.hall;
      App.results = results;
      App.replay = null;
    } else {
      App.optimized = await api("GET", "/api/optimize");
    }
    renderAll();
  }
  return job;
}
async function runHall() {
  if (!App.hall) return;
  showProblems();
  status("");
  const body = {replications: Number($("#replications").value), seed: Number($("#seed").value)};
  try { await followJob(await api("POST", "/api/run", body)); }
  catch (e) { showProblems(t("app.failed", {message: e.message}), e.data && e.data.problems); }
}
async function cancelJob() { if (App.job) await api("POST", "/api/jobs/" + App.job.id + "/cancel"); }

// -- views --------------------------------------------------------------------------------
function renderAll() {
  const h = App.hall;
  $("#hall-title").innerHTML = "";
  if (h) $("#hall-title").append(h.name + " ", el("span", {class: "muted", text: "(" + h.source + ", " + h.open + "–" + h.close + ")"}));
  for (const name of ["hall", "staffing", "results", "compare", "optimize", "replay", "export"]) {
    if (name === App.tab) VIEWS[name]($("#view-" + name));
  }
}
function switchTab(name) {
  App.tab = name;
  document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  document.querySelectorAll(".view").forEach((v) => v.classList.toggle("active", v.id === "view-" + name));
  renderAll();
}
function needHall(root) {
  if (App.hall) return false;
  root.append(el("p", {class: "muted", id: "no-hall", text: tr("app.no_hall")}));
  return true;
}
function staleNotice(root) {
  if (App.hall && App.hall.stale) root.append(el("div", {class: "notice", id: "stale", text: tr("app.stale")}));
}

const VIEWS = {};

// -- start --------------------------------------------------------------------------------
window.addEventListener("DOMContentLoaded", async () => {
  const saved = localStorage.getItem("servicehall.lang");
  if (saved && !new URLSearchParams(location.search).has("lang") && App.catalogs[saved]) App.lang = saved;
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => switchTab(b.dataset.tab)));
  $("#open-btn").addEventListener("click", openBundled);
  $("#upload").addEventListener("change", (e) => uploadFile(e.target.files[0]));
  $("#run-btn").addEventListener("click", runHall);
  $("#cancel-btn").addEventListener("click", cancelJob);
  $("#lang-btn").addEventListener("click", switchLanguage);
  applyLanguage();
  await loadState();
  document.body.dataset.ready = "1";
});
window.App = App;
