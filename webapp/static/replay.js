/* The replay of one simulated day: queues per zone, busy and open windows, alarms, staff moves.
   Used by the app and inlined into the offline HTML export, so it depends on nothing else.
   Data: webapp/replay.py (times in minutes since midnight). */
"use strict";

const Replay = (() => {
  const clock = (m) => {
    const x = Math.max(0, Math.floor(m));
    return String(Math.floor(x / 60)).padStart(2, "0") + ":" + String(x % 60).padStart(2, "0");
  };

  // Index of the last element of the sorted array a that is <= x (-1 when none).
  function lastAtOrBefore(a, x) {
    let lo = 0, hi = a.length - 1, ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid] <= x) { ans = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return ans;
  }

  function fill(text, fields) {
    return text.replace(/\{(\w+)\}/g, (_, k) => (k in fields ? fields[k] : ""));
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* Build the replay inside root; t(key) gives a message of the catalog. Returns a controller. */
  function mount(root, data, t) {
    root.innerHTML = "";
    root.classList.add("replay");
    const zones = data.zones;
    const threshold = data.threshold;
    let now = data.open, playing = false, last = null, speed = 10;

    const controls = el("div", "replay-controls");
    const playBtn = el("button", "primary", t("replay.play"));
    playBtn.id = "replay-play";
    const clockEl = el("span", "clock", clock(now));
    clockEl.id = "replay-clock";
    const seek = el("input");
    seek.type = "range"; seek.min = data.open; seek.max = Math.ceil(data.end); seek.step = 1; seek.value = now;
    seek.id = "replay-seek";
    const speedSel = el("select");
    speedSel.id = "replay-speed";
    for (const s of [2, 5, 10, 30, 60]) {
      const o = el("option", null, fill(t("replay.per_second"), {n: s})); o.value = s; if (s === speed) o.selected = true; speedSel.appendChild(o);
    }
    const totals = el("span", "muted");
    totals.id = "replay-totals";
    controls.append(playBtn, clockEl, seek, el("span", "muted", t("replay.speed")), speedSel, totals);
    const legend = el("div", "legend");
    legend.append(el("span", "win busy"), el("span", "win open"), el("span", "win"),
                  el("span", "small muted", t("replay.legend")));

    const body = el("div", "replay-body");
    const floorsEl = el("div", "floors");
    const floors = [...new Set(zones.map((z) => z.floor))].sort((a, b) => b - a);
    const tiles = [];
    for (const f of floors) {
      const row = el("div", "floor");
      row.append(el("div", "floorname", fill(t("hall.floor"), {floor: f})));
      const box = el("div", "zones");
      zones.forEach((z, i) => {
        if (z.floor !== f) return;
        const tile = el("div", "zone");
        tile.dataset.zone = z.id;
        const name = el("div", "zname", z.label); name.title = z.id;
        const q = el("span", "qnum", "0");
        const qline = el("div", "zline"); qline.append(q, " " + t("replay.waiting"));
        const bar = el("div", "qbar"); const fillEl = el("div", "fill"); bar.append(fillEl);
        if (threshold) { const mark = el("div", "mark"); mark.style.left = "66.6%"; bar.append(mark); }
        const wins = el("div", "windows");
        const labels = z.window_labels.concat(Object.keys(z.service).filter((w) => !z.window_labels.includes(w)));
        const winEls = labels.map((w) => { const d = el("span", "win"); d.title = w; wins.append(d); return d; });
        const served = el("div", "zline muted");
        const badge = el("span", "badge", t("hall.alarm")); badge.hidden = true;
        tile.append(badge, name, qline, bar, wins, served);
        box.append(tile);
        tiles[i] = {tile, q, fillEl, winEls, labels, served, badge};
      });
      row.append(box);
      floorsEl.append(row);
    }
    const log = el("div", "movelog");
    log.append(el("strong", null, t("replay.moves")));
    const list = el("ul"); list.id = "replay-moves";
    log.append(list);
    body.append(floorsEl, log);
    root.append(controls, legend, body);

    function staffAt(zi, time) {
      const z = zones[zi];
      const k = Math.min(z.staff.length - 1, Math.max(0, Math.floor((time - data.open) / data.period_minutes)));
      let n = z.staff[k];
      for (const m of data.moves) {
        if (m.from === zi && time >= m.time) n -= 1;
        if (m.to === zi && time >= m.time + data.switch_minutes) n += 1;
      }
      return Math.max(0, n);
    }

    function render() {
      clockEl.textContent = clock(now);
      seek.value = Math.round(now);
      let waiting = 0, servedAll = 0;
      zones.forEach((z, i) => {
        const v = tiles[i];
        const j = lastAtOrBefore(z.queue_times, now);
        const q = j < 0 ? 0 : z.queue_levels[j];
        waiting += q;
        v.q.textContent = q;
        const scale = threshold ? threshold * 1.5 : Math.max(10, ...z.queue_levels);
        v.fillEl.style.width = Math.min(100, (100 * q) / scale) + "%";
        const alarm = threshold !== null && q > threshold;
        v.tile.classList.toggle("alarm", alarm);
        v.badge.hidden = !alarm;
        const recent = data.moves.some((m) => (m.to === i || m.from === i) && now >= m.time && now < m.time + 15);
        v.tile.classList.toggle("moved", recent);
        const staffed = staffAt(i, now);
        v.labels.forEach((w, k) => {
          const s = z.service[w];
          let busy = false;
          if (s) { const b = lastAtOrBefore(s[0], now); busy = b >= 0 && now < s[1][b]; }
          v.winEls[k].className = "win" + (busy ? " busy" : (k < staffed ? " open" : ""));
        });
        const done = lastAtOrBefore(z.served_times, now) + 1;
        servedAll += done;
        v.served.textContent = t("replay.served") + " " + done;
      });
      totals.textContent = t("replay.waiting") + " " + waiting + " · " + t("replay.served") + " " + servedAll;
      const past = data.moves.filter((m) => m.time <= now).slice(-30).reverse();
      list.innerHTML = "";
      for (const m of past) {
        const key = m.kind === "return" ? "replay.return" : "replay.move";
        list.append(el("li", null, fill(t(key), {time: clock(m.time), from: zones[m.from].label, to: zones[m.to].label})));
      }
    }

    function frame(ts) {
      if (!playing) return;
      if (last !== null) now = Math.min(data.end, now + ((ts - last) / 1000) * speed);
      last = ts;
      render();
      if (now >= data.end) { pause(); return; }
      requestAnimationFrame(frame);
    }
    function play() {
      if (now >= data.end) now = data.open;
      playing = true; last = null; playBtn.textContent = t("replay.pause");
      requestAnimationFrame(frame);
    }
    function pause() { playing = false; playBtn.textContent = t("replay.play"); }
    function seekTo(m) { now = Math.max(data.open, Math.min(data.end, m)); render(); }

    playBtn.addEventListener("click", () => (playing ? pause() : play()));
    seek.addEventListener("input", () => seekTo(Number(seek.value)));
    speedSel.addEventListener("change", () => { speed = Number(speedSel.value); });
    render();
    return {play, pause, seek: seekTo, get time() { return now; }, get playing() { return playing; }};
  }

  return {mount, clock};
})();
if (typeof window !== "undefined") window.Replay = Replay;
