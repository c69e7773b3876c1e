/* servicehall web app: the views (one function per tab, drawing into its <section>) and
   their handlers. Loaded after app.js, whose helpers (t, el, api, ...) and App state they use. */
"use strict";

// The floor diagram: zones grouped by floor, coloured by wait, queue against the alarm threshold.
VIEWS.hall = (root) => {
  root.innerHTML = "";
  if (needHall(root)) return;
  const h = App.hall, r = App.results;
  const threshold = h.alarm ? h.alarm.threshold : null;
  const pick = el("select", {id: "hall-period", onchange: (e) => { App.period = Number(e.target.value); VIEWS.hall(root); }},
    el("option", {value: -1, text: tr("hall.whole_day")}),
    h.periods.map((p, k) => el("option", {value: k, text: p})));
  pick.value = App.period;
  root.append(el("div", {class: "legend"},
    el("label", {}, tr("hall.period") + " ", pick),
    el("span", {}, el("span", {class: "sw ok"}), tr("hall.legend.ok")),
    el("span", {}, el("span", {class: "sw warn"}), tr("hall.legend.warn")),
    el("span", {}, el("span", {class: "sw bad"}), tr("hall.legend.bad")),
    el("span", {}, el("span", {class: "sw none"}), tr("hall.legend.none")),
    el("strong", {id: "threshold", text: threshold ? t("hall.threshold", {n: threshold}) : tr("hall.no_alarm")})));
  staleNotice(root);
  if (r) {
    const o = r.overall;
    root.append(el("p", {id: "hall-summary", text: t("hall.summary", {visitors: o.visitors[0], wait: o.mean_wait[0],
      sl: o.service_level[0], t: h.target_wait})}));
  } else root.append(el("p", {class: "muted", text: tr("app.no_results")}));
  const floors = [...new Set(h.zones.map((z) => z.floor))].sort((a, b) => b - a);
  const box = el("div", {class: "floors", id: "floors"});
  const k = App.period;
  for (const f of floors) {
    const zs = h.zones.filter((z) => z.floor === f);
    box.append(el("div", {class: "floor", "data-floor": f}, el("div", {class: "floorname", text: t("hall.floor", {floor: f})}),
      el("div", {class: "zones"}, zs.map((z) => {
        const staff = k < 0 ? Math.max(...h.staffing[z.id]) : h.staffing[z.id][k];
        let wait = null, queue = null, peak = null;
        if (r) {
          if (k < 0) {
            const zk = r.zones[z.id] || {};
            wait = zk.mean_wait ? zk.mean_wait[0] : null; queue = zk.mean_queue ? zk.mean_queue[0] : null;
            peak = zk.max_queue ? zk.max_queue[0] : null;
          } else {
            const cell = (kpi) => (r.heatmap[kpi][z.id] || [])[k];
            wait = (cell("mean_wait") || [null])[0]; queue = (cell("mean_queue") || [null])[0];
            peak = (cell("max_queue") || [null])[0];
          }
        }
        const tw = h.target_wait;
        const cls = wait === null ? "" : wait <= tw / 2 ? "ok" : wait <= tw ? "warn" : "bad";
        const alarm = threshold !== null && peak !== null && peak > threshold;
        const scale = threshold ? threshold * 1.5 : 30;
        return el("div", {class: "zone " + cls + (alarm ? " alarm" : ""), "data-zone": z.id,
                          title: z.id + (peak !== null ? " · " + kpiName("max_queue") + " " + peak.toFixed(1) : "")},
          alarm ? el("span", {class: "badge", text: tr("hall.alarm")}) : null,
          el("div", {class: "zname", text: z.label}),
          el("div", {class: "zline", text: t("hall.windows", {staff, windows: z.windows})}),
          el("div", {class: "qbar"}, el("div", {class: "fill", style: "width:" + Math.min(100, 100 * (peak || 0) / scale) + "%"}),
             threshold ? el("div", {class: "mark", style: "left:66.6%"}) : null),
          el("div", {class: "zline", text: queue === null ? "" : t("hall.queue", {q: queue.toFixed(1) + " / " + (peak || 0).toFixed(0)})}),
          el("div", {class: "zline wait", text: wait === null ? "" : t("hall.wait", {w: wait.toFixed(1)})}));
      }))));
  }
  root.append(box);
};

// The staffing grid: edit cells, paste tab-separated blocks, apply a lunch rule.
VIEWS.staffing = (root) => {
  root.innerHTML = "";
  if (needHall(root)) return;
  const h = App.hall;
  root.append(el("p", {class: "muted", text: tr("staff.help")}));
  if (h.people) root.append(el("div", {class: "notice", text: tr("staff.people")}));
  const lunchCols = {};
  for (const [zid, rule] of Object.entries(h.lunch_rules)) {
    lunchCols[zid] = h.periods.map((p) => p >= rule.start && p < rule.end);
  }
  const table = el("table", {class: "grid", id: "grid"});
  table.append(el("thead", {}, el("tr", {}, el("th", {class: "zone", text: tr("staff.zone")}),
    el("th", {text: tr("staff.windows")}), h.periods.map((p) => el("th", {text: p})), el("th", {text: tr("staff.hours")}))));
  const tbody = el("tbody");
  h.zones.forEach((z, zi) => {
    const row = h.staffing[z.id];
    const hours = row.reduce((a, b) => a + b, 0) * h.period_minutes / 60;
    tbody.append(el("tr", {"data-zone": z.id}, el("td", {class: "zone", text: z.label, title: z.id}),
      el("td", {class: "num", text: z.windows}),
      row.map((v, k) => {
        const changed = v !== h.original[z.id][k];
        const lunch = lunchCols[z.id] && lunchCols[z.id][k];
        return el("td", {class: (changed ? "changed " : "") + (lunch ? "lunch" : "")},
          el("input", {value: v, inputmode: "numeric", "data-zone": z.id, "data-z": zi, "data-k": k,
                       "aria-label": z.label + " " + h.periods[k],
                       onchange: onCellChange, onpaste: onCellPaste, onkeydown: onCellKey}));
      }),
      el("td", {class: "num", text: hours.toFixed(1)})));
  });
  table.append(tbody);
  root.append(el("div", {class: "grid-wrap"}, table));
  root.append(el("p", {},
    el("strong", {id: "staff-total", text: t("staff.total", {h: h.staff_hours})}), " ",
    el("button", {id: "reset-btn", text: tr("staff.reset"), onclick: async () => {
      setHall(await api("POST", "/api/staffing/reset")); showProblems(); renderAll(); }}), " ",
    el("button", {id: "copy-grid", text: tr("staff.copy"), onclick: copyGrid})));
  // the lunch rule (the form keeps its values across redraws of the grid)
  const f = App.lunchForm;
  const zoneSel = el("select", {multiple: true, id: "lunch-zones"},
    h.zones.map((z) => el("option", {value: z.id, text: z.label, selected: f.zones.includes(z.id)})));
  const keep = () => {
    App.lunchForm = {all: $("#lunch-all").checked, zones: [...$("#lunch-zones").selectedOptions].map((o) => o.value),
      start: $("#lunch-start").value, end: $("#lunch-end").value, k: $("#lunch-k").value, minutes: $("#lunch-minutes").value};
  };
  root.append(el("fieldset", {id: "lunch", onchange: keep, oninput: keep}, el("legend", {text: tr("lunch.title")}),
    el("p", {class: "muted small", text: tr("lunch.help")}),
    el("div", {class: "row"},
      el("label", {}, tr("lunch.zones"), zoneSel),
      el("div", {},
        el("label", {}, el("input", {type: "checkbox", id: "lunch-all", checked: f.all}), tr("lunch.all")), el("br"),
        el("label", {}, tr("lunch.from"), el("input", {id: "lunch-start", value: f.start, size: 5})),
        el("label", {}, tr("lunch.to"), el("input", {id: "lunch-end", value: f.end, size: 5})), el("br"),
        el("label", {}, tr("lunch.max_off"), el("input", {id: "lunch-k", type: "number", value: f.k, min: 0})),
        el("label", {}, tr("lunch.minutes"), el("input", {id: "lunch-minutes", type: "number", value: f.minutes, min: 30, step: 30})), el("br"),
        el("button", {id: "lunch-apply", text: tr("lunch.apply"), onclick: applyLunch})))));
};
function gridCopy() { return Object.fromEntries(Object.entries(App.hall.staffing).map(([z, r]) => [z, r.slice()])); }
async function sendGrid(rows) {
  try {
    setHall(await api("PUT", "/api/staffing", {grid: rows}));
    showProblems();
  } catch (e) {
    const problems = (e.data && e.data.problems) || [["", e.message]];
    showProblems(t("app.errors", {n: problems.length}), problems.map(([p, m, zh]) => {
      const [zid, start] = p.split("@");
      return [start ? label(zid) + " " + start : p, m, zh];
    }));
    renderAll();
    for (const [p] of problems) {
      const [zid, start] = p.split("@");
      const k = App.hall.periods.indexOf(start);
      const input = document.querySelector(`#grid input[data-zone="${zid}"][data-k="${k}"]`);
      if (input) input.parentElement.classList.add("invalid");
    }
    return false;
  }
  renderAll();
  return true;
}
function parseCell(text) {
  const s = String(text).trim();
  return /^\d+$/.test(s) ? Number(s) : s;
}
function onCellChange(e) {
  const zid = e.target.dataset.zone, k = Number(e.target.dataset.k);
  const row = App.hall.staffing[zid].slice();
  row[k] = parseCell(e.target.value);
  sendGrid({[zid]: row});
}
// The grid as a spreadsheet block: a heading row (zone, half hours) and one row per zone.
function gridText() {
  const h = App.hall;
  const lines = [[tr("staff.zone"), ...h.periods]].concat(h.zones.map((z) => [z.label, ...h.staffing[z.id]]));
  return lines.map((cells) => cells.join("\t")).join("\n") + "\n";
}
async function copyGrid() {
  const text = gridText();
  try { await navigator.clipboard.writeText(text); }
  catch (e) {  // no clipboard API outside a secure context (the app bound to a LAN address): the old way
    const area = el("textarea", {style: "position:fixed;opacity:0"});
    area.value = text; document.body.append(area); area.select(); document.execCommand("copy"); area.remove();
  }
  status(t("staff.copied", {rows: App.hall.zones.length, cols: App.hall.periods.length}));
}
function onCellPaste(e) {
  const text = (e.clipboardData || window.clipboardData).getData("text");
  if (!/[\t\n]/.test(text.trim())) return;  // one value: let the input take it
  e.preventDefault();
  const h = App.hall;
  let lines = text.replace(/\r/g, "").replace(/\n+$/, "").split("\n").map((l) => l.split("\t"));
  // A block with the grid's headings (its own Copy, or a sheet laid out like it) goes where its
  // half-hour heading row and zone column say, wherever it is pasted; a bare block goes at the cell.
  let columns = null;
  if (lines[0].some((c) => h.periods.includes(c.trim()))) {
    columns = lines[0].map((c) => h.periods.indexOf(c.trim()));
    lines = lines.slice(1);
  }
  const zoneNamed = (name) => h.zones.find((z) => z.label === name.trim() || z.id === name.trim());
  const named = lines.length > 0 && lines.every((cells) => zoneNamed(cells[0]));
  const z0 = Number(e.target.dataset.z), k0 = Number(e.target.dataset.k);
  const grid = gridCopy(), rows = {};
  lines.forEach((cells, i) => {
    const z = named ? zoneNamed(cells[0]) : h.zones[z0 + i];
    if (!z) return;
    const first = named ? 1 : 0;
    cells.slice(first).forEach((c, j) => {
      const k = columns ? columns[first + j] : k0 + j;
      if (k >= 0 && k < grid[z.id].length) grid[z.id][k] = parseCell(c);
    });
    rows[z.id] = grid[z.id];
  });
  sendGrid(rows).then((ok) => { if (ok) status(t("staff.pasted", {rows: lines.length, cols: Math.max(...lines.map((l) => l.length))})); });
}
function onCellKey(e) {
  const z = Number(e.target.dataset.z), k = Number(e.target.dataset.k);
  const moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [1, 0]};
  if (!(e.key in moves)) return;
  const [dz, dk] = moves[e.key];
  const next = document.querySelector(`#grid input[data-z="${z + dz}"][data-k="${k + dk}"]`);
  if (next) { e.preventDefault(); e.target.dispatchEvent(new Event("change")); next.focus(); next.select(); }
}
async function applyLunch() {
  const all = $("#lunch-all").checked;
  const zones = all ? [] : [...$("#lunch-zones").selectedOptions].map((o) => o.value);
  const body = {zones, start: $("#lunch-start").value.trim(), end: $("#lunch-end").value.trim(),
                max_off: Number($("#lunch-k").value), minutes: Number($("#lunch-minutes").value)};
  try {
    setHall(await api("POST", "/api/lunch", body));
    showProblems();
    status(t("lunch.applied", {n: zones.length || App.hall.zones.length}));
    renderAll();
  } catch (e) {
    const problems = (e.data && e.data.problems) || [["", e.message]];
    showProblems(t("app.errors", {n: problems.length}), problems);
  }
}

// Heatmap of a KPI per zone and half hour, with the 95% interval on hover, and the per-zone table.
const HEAT_KPIS = ["mean_wait", "p90_wait", "service_level", "mean_queue", "max_queue", "utilization", "abandonment_rate", "visitors"];
const ZONE_COLS = ["visitors", "mean_wait", "p90_wait", "service_level", "abandonment_rate", "utilization", "max_queue", "overtime"];
// Waits, queues and abandonment in reds (darker is worse); volumes and utilization in blues.
const RED_KPIS = ["mean_wait", "p90_wait", "service_level", "abandonment_rate", "max_queue", "mean_queue"];
function heatColor(kpi, v, max) {
  if (v === null) return null;
  let x = max > 0 ? Math.min(1, v / max) : 0;
  if (kpi === "service_level") x = 1 - v;      // low service level is the bad end
  const c = [[247, 251, 255], [107, 174, 214], [8, 48, 107]];
  const bad = [[255, 245, 240], [251, 106, 74], [103, 0, 13]];
  const pal = RED_KPIS.includes(kpi) ? bad : c;
  const seg = x < 0.5 ? 0 : 1, f = x < 0.5 ? x * 2 : (x - 0.5) * 2;
  const rgb = pal[seg].map((a, i) => Math.round(a + (pal[seg + 1][i] - a) * f));
  return {bg: `rgb(${rgb})`, fg: x > 0.6 ? "#fff" : "#1f2328"};
}
VIEWS.results = (root) => {
  root.innerHTML = "";
  if (needHall(root)) return;
  const r = App.results, h = App.hall;
  if (!r) { root.append(el("p", {class: "muted", text: tr("app.no_results")})); return; }
  staleNotice(root);
  root.append(el("p", {class: "muted", id: "run-info", text: t("results.run_info", {name: r.info.name, replications: r.info.replications, seed: r.info.seed})}));
  const sel = el("select", {id: "heat-kpi", onchange: (e) => { App.heatKpi = e.target.value; VIEWS.results(root); }},
    HEAT_KPIS.map((k) => el("option", {value: k, text: kpiName(k)})));
  sel.value = App.heatKpi;
  root.append(el("div", {class: "legend"}, el("label", {}, tr("results.kpi") + " ", sel), el("span", {class: "muted", text: tr("results.help")})));
  const kpi = App.heatKpi, data = r.heatmap[kpi];
  let max = 0;
  for (const z of Object.values(data)) for (const c of z) if (c && c[0] !== null) max = Math.max(max, c[0]);
  if (isPercent(kpi)) max = kpi === "service_level" ? 1 : Math.max(max, 0.05);
  // A cell's mean and 95% interval: in its tooltip, and below the map on hover or click (touch screens
  // have no hover, and a tooltip cannot be read aloud or copied).
  const showCell = (e) => {
    const td = e.target.closest("td[data-mean]");
    if (td) $("#heat-cell").textContent = td.title;
  };
  const table = el("table", {class: "heat", id: "heatmap", "data-kpi": kpi, onmouseover: showCell, onclick: showCell});
  table.append(el("thead", {}, el("tr", {}, el("th", {class: "zone", text: tr("staff.zone")}), h.periods.map((p) => el("th", {text: p})))));
  const tb = el("tbody");
  for (const z of h.zones) {
    const cells = data[z.id] || [];
    tb.append(el("tr", {"data-zone": z.id}, el("td", {class: "zone", text: z.label}), h.periods.map((p, k) => {
      const c = cells[k];
      if (!c || c[0] === null) return el("td", {class: "na", text: "·"});
      const col = heatColor(kpi, c[0], max);
      const tip = `${z.label} ${p} ${kpiName(kpi)}: ${showValue(kpi, c[0])} [${showValue(kpi, c[1])}, ${showValue(kpi, c[2])}] (95%)`;
      return el("td", {style: `background:${col.bg};color:${col.fg}`, title: tip, "data-mean": c[0], "data-low": c[1], "data-high": c[2]},
        isPercent(kpi) ? (100 * c[0]).toFixed(0) : (kpi === "visitors" ? c[0].toFixed(0) : c[0].toFixed(1)));
    })));
  }
  table.append(tb);
  root.append(el("div", {class: "grid-wrap"}, table));
  root.append(el("p", {id: "heat-cell", class: "cell-detail", text: tr("results.cell_hint")}));
  root.append(el("p", {class: "small muted"}, el("span", {class: "scale" + (kpi === "service_level" ? " good" : RED_KPIS.includes(kpi) ? " red" : "")}), " ",
    t("results.scale", {max: showValue(kpi, max)})));
  root.append(el("h3", {text: tr("results.zone_table")}));
  const zt = el("table", {class: "kpis", id: "zone-kpis"});
  zt.append(el("thead", {}, el("tr", {}, el("th", {text: tr("staff.zone")}), ZONE_COLS.map((k) => el("th", {text: kpiName(k)})))));
  const body = el("tbody");
  for (const z of h.zones) {
    const zk = r.zones[z.id];
    if (!zk) continue;
    body.append(el("tr", {"data-zone": z.id}, el("td", {text: z.label}), ZONE_COLS.map((k) => el("td", {"data-kpi": k, text: showCI(k, zk[k])}))));
  }
  body.append(el("tr", {"data-zone": "_all"}, el("td", {}, el("strong", {text: tr("report.all_zones")})),
    ZONE_COLS.map((k) => el("td", {"data-kpi": k}, el("strong", {text: showCI(k, r.overall[k])})))));
  zt.append(body);
  root.append(zt);
};

// Paired comparison of the last run against the saved baseline.
const CMP_KPIS = ["mean_wait", "p90_wait", "service_level", "abandonment_rate", "utilization", "max_queue"];
VIEWS.compare = async (root) => {
  root.innerHTML = "";
  if (needHall(root)) return;
  const h = App.hall;
  root.append(el("p", {}, el("button", {id: "baseline-btn", text: tr("compare.set_baseline"), disabled: !h.has_run,
    onclick: async () => { setHall(await api("POST", "/api/baseline")); renderAll(); }})));
  if (h.baseline) root.append(el("p", {class: "muted", id: "baseline-info", text: t("compare.baseline", {name: h.baseline.name,
    when: new Date(h.baseline.finished * 1000).toLocaleTimeString(App.lang === "zh" ? "zh-CN" : "en-GB")})}));
  staleNotice(root);
  let c;
  try { c = await api("GET", "/api/compare"); } catch (e) { return; }
  if (App.tab !== "compare") return;
  if (!c.ready) {
    const key = c.reason === "no_baseline" ? "compare.no_baseline" : c.reason === "mismatch" ? "compare.mismatch" : "compare.need_run";
    root.append(el("p", {class: "notice", id: "compare-note", text: t(key, {a: c.baseline ? c.baseline.replications + " / " + c.baseline.seed : ""})}));
    return;
  }
  root.append(el("p", {class: "muted", text: tr("compare.help")}));
  root.append(el("p", {id: "compare-changes", text: t("compare.changed", {n: c.changed_cells, h: c.changed_hours})}));
  const table = el("table", {class: "kpis", id: "compare-table"});
  table.append(el("thead", {}, el("tr", {}, el("th", {text: tr("staff.zone")}), CMP_KPIS.map((k) => el("th", {text: kpiName(k)})))));
  const body = el("tbody");
  const row = (zid, name, diffs) => el("tr", {"data-zone": zid}, el("td", {}, name),
    CMP_KPIS.map((k) => {
      const d = diffs[k];
      const a = c.a[zid] && c.a[zid][k], b = c.b[zid] && c.b[zid][k];
      const tip = a && b ? `${showValue(k, a[0])} → ${showValue(k, b[0])}` : "";
      return el("td", {class: d ? d[3] : "", "data-kpi": k, title: tip, text: showDiff(k, d)});
    }));
  body.append(row("_all", el("strong", {text: tr("report.all_zones")}), c.overall));
  for (const z of h.zones) if (c.zones[z.id]) body.append(row(z.id, z.label, c.zones[z.id]));
  table.append(body);
  root.append(table);
};

// The optimizer: target, method, run, then accept its plan into the grid.
VIEWS.optimize = (root) => {
  root.innerHTML = "";
  if (needHall(root)) return;
  root.append(el("p", {class: "muted", text: tr("opt.help")}));
  const method = el("select", {id: "opt-method"}, ["sipp", "mol", "lag", "calibrated", "simulation"].map((m) =>
    el("option", {value: m, text: t("opt.m." + m)})));
  root.append(el("fieldset", {},
    el("label", {}, tr("opt.target"), el("input", {id: "opt-target", value: "wait<=" + App.hall.target_wait + "@80%", size: 16})),
    el("label", {}, tr("opt.method"), method),
    el("label", {}, tr("opt.replications"), el("input", {id: "opt-reps", type: "number", value: 10, min: 2, max: 200})),
    el("button", {id: "opt-run", class: "primary", text: tr("opt.run"), onclick: startOptimize, disabled: App.job && App.job.state === "running"})));
  root.append(el("div", {class: "log", id: "opt-log", text: App.job && App.job.kind === "optimize" ? jobLog(App.job).join("\n") : ""}));
  const o = App.optimized;
  if (!o) return;
  const c = o.compliance;
  root.append(el("p", {id: "opt-result"}, el("strong", {text: t("opt.result", {hours: o.staff_hours, now: o.current_hours,
    met: c.met, borderline: c.borderline, missed: c.missed})})));
  root.append(el("button", {id: "opt-accept", class: "primary", text: tr("opt.accept"), onclick: async () => {
    setHall(await api("POST", "/api/optimize/accept")); status(tr("opt.accepted")); switchTab("staffing"); }}));
  const h = App.hall;
  const table = el("table", {class: "grid", id: "opt-plan"});
  table.append(el("thead", {}, el("tr", {}, el("th", {class: "zone", text: tr("staff.zone")}), h.periods.map((p) => el("th", {text: p})))));
  const tb = el("tbody");
  for (const z of h.zones) {
    const plan = o.plan[z.id];
    tb.append(el("tr", {}, el("td", {class: "zone", text: z.label}), plan.map((v, k) => {
      const cur = h.staffing[z.id][k];
      return el("td", {class: "num" + (v !== cur ? " changed" : ""), title: String(cur), text: v, style: v > cur ? "color:#116329" : v < cur ? "color:#a40e26" : ""});
    })));
  }
  table.append(tb);
  root.append(el("div", {class: "grid-wrap"}, table));
};
async function startOptimize() {
  const body = {target: $("#opt-target").value, method: $("#opt-method").value, replications: Number($("#opt-reps").value)};
  showProblems();
  status("");
  try { await followJob(await api("POST", "/api/optimize", body)); }
  catch (e) { showProblems(t("app.failed", {message: e.message}), e.data && e.data.problems); }
}

// The replay of one simulated day of the last run.
VIEWS.replay = async (root) => {
  root.innerHTML = "";
  if (needHall(root)) return;
  const r = App.results;
  if (!r) { root.append(el("p", {class: "muted", text: tr("app.no_results")})); return; }
  const day = el("select", {id: "replay-day"}, Array.from({length: r.info.replications}, (_, i) => el("option", {value: i, text: i + 1})));
  day.value = App.replayDay || 0;
  const link = el("a", {id: "replay-export", href: "#", text: tr("replay.export")});
  const stage = el("div", {id: "replay-stage"});
  const load = async () => {
    App.replayDay = Number(day.value);
    link.href = `/export/replay.html?day=${App.replayDay}&lang=${App.lang}`;
    const data = await api("GET", "/api/replay?day=" + App.replayDay);
    if (App.tab !== "replay") return;
    App.replay = Replay.mount(stage, data, tr);
  };
  day.addEventListener("change", load);
  root.append(el("div", {class: "legend"}, el("label", {}, tr("replay.day") + " ", day), link));
  staleNotice(root);
  root.append(stage);
  await load();
};

VIEWS.export = (root) => {
  root.innerHTML = "";
  if (needHall(root)) return;
  const has = App.hall.has_run, l = App.lang;
  root.append(el("p", {class: "muted", text: tr("export.help")}));
  root.append(el("div", {class: "exports"},
    el("a", {id: "export-scenario", href: "/export/scenario.yaml", text: tr("export.scenario")}),
    el("a", {id: "export-staffing", href: "/export/staffing.csv", text: tr("export.staffing")}),
    has ? el("a", {id: "export-report", href: "/export/report.html?lang=" + l, text: tr("export.report")}) : null,
    has ? el("a", {id: "export-replay", href: "/export/replay.html?day=0&lang=" + l, text: tr("export.replay")}) : null));
  if (!has) root.append(el("p", {class: "muted", text: tr("err.no_results")}));
};
