// GoFast Coach dashboard: lays out what the server rendered and draws the two charts.
// Telegram passes the launch data in the URL fragment; reading it here means the page works
// without loading Telegram's script from the internet (and offline in the tests).
"use strict";
(() => {
  const app = document.getElementById("app");
  const sheet = document.getElementById("sheet");
  const launch = new URLSearchParams(location.hash.slice(1));
  const initData = launch.get("tgWebAppData") || "";
  const SVG = "http://www.w3.org/2000/svg";

  applyTheme(launch.get("tgWebAppThemeParams"));

  function applyTheme(raw) {
    let theme = {};
    try { theme = JSON.parse(raw || "{}") || {}; } catch (_) { theme = {}; }
    const root = document.documentElement;
    for (const [key, value] of Object.entries(theme)) {
      if (typeof value === "string" && /^#[0-9a-f]{3,8}$/i.test(value)) {
        root.style.setProperty("--tg-" + key.replace(/_/g, "-"), value);
      }
    }
    root.dataset.scheme = theme.bg_color && luminance(theme.bg_color) < 0.4 ? "dark" : "light";
  }

  function luminance(hex) {
    const h = hex.length === 4 ? hex.replace(/#(.)(.)(.)/, "#$1$1$2$2$3$3") : hex;
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  async function api(path, body) {
    const headers = { Authorization: "tma " + initData };
    if (body) headers["Content-Type"] = "application/json";
    const response = await fetch("api/" + path, {
      method: body ? "POST" : "GET", headers, body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.message || "");
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // Server-rendered HTML from our templates (runner's text escaped there); the CSP runs no
  // script but app.js, whatever a fragment held.
  function show(id, html) { document.getElementById(id).innerHTML = html; }

  async function load() {
    try {
      const board = await api("dashboard");
      show("card", board.card);
      show("week", board.week);
      show("calendar", board.calendar);
      drawFitness(document.getElementById("fitness"), board.charts);
      drawVolume(document.getElementById("volume"), board.charts);
      document.body.dataset.ready = "1";
    } catch (error) {
      const words = error.status === 401 ? app.dataset.unauthorized : error.message || app.dataset.failed;
      show("card", "");
      document.getElementById("card").textContent = words;
      document.body.dataset.ready = "error";
    }
  }

  // ---- a day, its actions and their confirmation ------------------------------------------

  document.addEventListener("click", (event) => {
    const day = event.target.closest("button.day");
    if (day) openDay(day.dataset.day);
    if (event.target.closest(".close") || event.target === sheet) sheet.hidden = true;
  });

  async function openDay(iso) {
    const content = document.getElementById("sheet-content");
    content.textContent = "…";
    sheet.hidden = false;
    try {
      const day = await api("day/" + iso);
      content.innerHTML = "";
      const text = document.createElement("div");
      text.className = "day-text";
      text.innerHTML = day.html;
      content.append(text);
      const actions = document.createElement("div");
      actions.className = "actions";
      if (day.skip) actions.append(action(app.dataset.skip, day.skip, "skip"));
      for (const move of day.moves) {
        actions.append(action(app.dataset.move + " " + move.label, move, "move"));
      }
      content.append(actions);
    } catch (error) {
      content.textContent = error.message || app.dataset.failed;
    }
  }

  function action(label, change, path) {
    const button = document.createElement("button");
    button.className = "action";
    button.textContent = label;
    button.addEventListener("click", () => confirmChange(change, path));
    return button;
  }

  function confirmChange(change, path) {
    const content = document.getElementById("sheet-content");
    content.innerHTML = "";
    const question = document.createElement("p");
    question.className = "question";
    question.innerHTML = change.question;
    const yes = document.createElement("button");
    yes.className = "action yes";
    yes.textContent = app.dataset.yes;
    const no = document.createElement("button");
    no.className = "action no";
    no.textContent = app.dataset.no;
    no.addEventListener("click", () => { sheet.hidden = true; });
    yes.addEventListener("click", async () => {
      yes.disabled = no.disabled = true;
      try {
        await api(path, { dayId: change.dayId, targetId: change.targetId });
        sheet.hidden = true;
        await load();
      } catch (error) {
        question.textContent = error.message || app.dataset.failed;
      }
    });
    content.append(question, yes, no);
  }

  // ---- charts ------------------------------------------------------------------------------

  function element(name, attributes, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (parent) parent.append(node);
    return node;
  }

  function frame(svg, weeks) {
    const width = 360, height = 170, left = 44, bottom = 18, top = 8;
    svg.innerHTML = "";
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const x = (week) => left + ((week - 0.5) / weeks) * (width - left - 6);
    return { width, height, left, bottom, top, x, step: (width - left - 6) / weeks };
  }

  function clock(seconds) {
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60);
    return h ? `${h}:${String(m).padStart(2, "0")}` : `${m}:${String(Math.round(seconds % 60)).padStart(2, "0")}`;
  }

  function drawFitness(svg, charts) {
    const weeks = Math.max(charts.road.length, 1);
    const f = frame(svg, weeks);
    const values = [
      ...charts.fitness.flatMap((p) => [p.low, p.high]),
      ...charts.road.map((r) => r.seconds),
      ...(charts.goal ? [charts.goal] : []),
    ];
    if (!values.length) return;
    const low = Math.min(...values) * 0.98, high = Math.max(...values) * 1.02;
    // faster is better: quicker times sit higher
    const y = (s) => f.top + ((s - low) / (high - low)) * (f.height - f.top - f.bottom);
    for (const s of [low, (low + high) / 2, high]) {
      element("text", { x: 2, y: y(s) + 4, class: "axis" }, svg).textContent = clock(s);
    }
    if (charts.goal) {
      element("line", { x1: f.left, x2: f.width, y1: y(charts.goal), y2: y(charts.goal), class: "goal" }, svg);
    }
    const road = charts.road.map((r) => `${f.x(r.week)},${y(r.seconds)}`).join(" ");
    element("polyline", { points: road, class: "road" }, svg);
    if (charts.fitness.length) {
      const upper = charts.fitness.map((p) => `${f.x(p.week)},${y(p.low)}`);
      const lower = charts.fitness.map((p) => `${f.x(p.week)},${y(p.high)}`).reverse();
      element("polygon", { points: [...upper, ...lower].join(" "), class: "range" }, svg);
      const line = charts.fitness.map((p) => `${f.x(p.week)},${y(p.predicted)}`).join(" ");
      element("polyline", { points: line, class: "predicted" }, svg);
      for (const p of charts.fitness) {
        element("circle", { cx: f.x(p.week), cy: y(p.predicted), r: 2.5, class: "predicted" }, svg)
          .append(title(`W${p.week}: ${clock(p.predicted)}`));
      }
    }
    weekLabels(svg, f, weeks);
  }

  function drawVolume(svg, charts) {
    const weeks = Math.max(charts.road.length, charts.volume.length, 1);
    const f = frame(svg, weeks);
    const top = Math.max(1, ...charts.volume.flatMap((v) => [v.planned, v.done]));
    const h = (value) => (value / top) * (f.height - f.top - f.bottom);
    const base = f.height - f.bottom;
    for (const v of charts.volume) {
      const width = Math.max(f.step * 0.7, 2);
      element("rect", { x: f.x(v.week) - width / 2, y: base - h(v.planned), width, height: h(v.planned), class: "planned" }, svg);
      element("rect", { x: f.x(v.week) - width / 2, y: base - h(v.done), width, height: h(v.done), class: v.paused ? "done paused" : "done" }, svg)
        .append(title(`W${v.week}: ${v.done} / ${v.planned}`));
    }
    for (const value of [0, top / 2, top]) {
      element("text", { x: 2, y: base - h(value) + 4, class: "axis" }, svg).textContent = Math.round(value);
    }
    weekLabels(svg, f, weeks);
  }

  function weekLabels(svg, f, weeks) {
    const every = Math.ceil(weeks / 9);
    for (let week = 1; week <= weeks; week += every) {
      element("text", { x: f.x(week) - 6, y: f.height - 4, class: "axis" }, svg).textContent = "W" + week;
    }
  }

  function title(text) {
    const node = document.createElementNS(SVG, "title");
    node.textContent = text;
    return node;
  }

  load();
})();
