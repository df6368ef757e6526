// Gradient-descent player: replays a finished training run in the browser.
// Every frame is drawn here (no server round trip), so Play stays smooth for a
// whole class; the server hears only about pauses, steps and resets.

const STEP_MS = 110; // how long each of the six steps is lit when stepping
const players = new WeakMap();

// The stop message is the page's Markdown: `code` spans become <code> elements, built
// as nodes (never innerHTML), so the player shows what st.error shows beside it.
function showMarkdownCode(element, text) {
  element.replaceChildren(...text.split("`").map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const code = document.createElement("code");
    code.textContent = part;
    return code;
  }));
}

// Chart colours for the theme now on the page. The page's own colours come from the CSS
// variables Streamlit sets (read on the component's root, so a theme switch is seen);
// the trace colours have a dark variant each, chosen for contrast on the dark background.
function chartTheme(root) {
  const css = getComputedStyle(root);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const bg = v("--st-background-color", "#ffffff");
  const dark = luminance(bg) < 0.4;
  // Chart text follows the page's root size (classroom mode enlarges it): 15 px at 18.
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 18;
  return {
    bg, text: v("--st-text-color", "#2f2d2b"), grid: v("--st-border-color", "#d6d6d6"),
    dark, fontSize: Math.round((rem * 15) / 18),
    loss: dark ? "#85b8f8" : "#1a4fd6",
    best: dark ? "#7ed5b0" : "#2e7d32",
    now: dark ? "#ff8a80" : "#d62728",
    data: dark ? "#b0aca6" : "#6b6b6b",
    norm: dark ? "#d7a6f5" : "#8e24aa",
    colorway: dark
      ? ["#85b8f8", "#f2a56d", "#7ed5b0", "#f2919a", "#bf8ef7", "#fbd54f"]
      : ["#1f77b4", "#d35400", "#2e7d32", "#c62828", "#6a1b9a", "#8d6e00"],
  };
}

// Relative luminance (WCAG) of a #rrggbb or rgb(...) colour.
function luminance(color) {
  let rgb;
  if (color.startsWith("#")) {
    const h = color.length === 4 ? [...color.slice(1)].map((c) => c + c).join("") : color.slice(1, 7);
    rgb = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  } else {
    rgb = (color.match(/[\d.]+/g) || ["255", "255", "255"]).slice(0, 3).map(Number);
  }
  const lin = rgb.map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

// The page's colours for one chart layout: backgrounds, text, grid lines and legend.
function themed(layout, t) {
  const axis = (a) => ({ ...a, gridcolor: t.grid, zerolinecolor: t.grid, linecolor: t.grid,
    tickfont: { color: t.text }, title: { ...(a && a.title), font: { color: t.text } } });
  return { ...layout, paper_bgcolor: t.bg, plot_bgcolor: t.bg, colorway: t.colorway,
    font: { ...layout.font, size: t.fontSize, color: t.text }, title: { ...layout.title, font: { color: t.text } },
    legend: { ...layout.legend, font: { color: t.text } },
    xaxis: axis(layout.xaxis), yaxis: axis(layout.yaxis) };
}

const finite = (v) => v !== null && Number.isFinite(v);
const fmt = (v) => (finite(v) ? Number(v).toPrecision(5).replace(/\.?0+(e|$)/, "$1") : "∞ / NaN");
const CONFIG = { displayModeBar: false, responsive: true, staticPlot: false };
const MARGIN = { l: 64, r: 20, t: 36, b: 84 };

function predict(x, w, b) {
  return x.map((row) => w.map((wk, k) => wk.reduce((s, wkj, j) => s + wkj * row[j], b[k])));
}

function lossLayout(d, logY) {
  const vals = d.losses.filter(finite).concat([d.optimum_loss]);
  const lo = Math.min(...vals), hi = Math.max(...vals);
  const range = logY
    ? [Math.log10(Math.max(lo, 1e-12)) - 0.2, Math.log10(Math.max(hi, 1e-12)) + 0.2]
    : [Math.min(0, lo), hi * 1.05 + 1e-9];
  return {
    title: { text: "Loss (MSE) per epoch" }, margin: MARGIN, showlegend: true,
    legend: { orientation: "h", y: -0.32 }, font: { size: 15 },
    xaxis: { title: { text: "epoch" }, range: [0, Math.max(d.losses.length - 1, 1)] },
    yaxis: { type: logY ? "log" : "linear", range, title: { text: "loss" } },
  };
}

function lossTraces(d, e, t) {
  const xs = [...Array(e + 1).keys()];
  return [
    { x: xs, y: d.losses.slice(0, e + 1), mode: "lines", name: "loss", line: { width: 3, color: t.loss } },
    { x: [0, d.losses.length - 1], y: [d.optimum_loss, d.optimum_loss], mode: "lines",
      name: "best possible (least squares)", line: { dash: "dash", color: t.best } },
    { x: [e], y: [d.losses[e]], mode: "markers", name: "now", marker: { size: 11, color: t.now } },
  ];
}

function fitLayout(d) {
  if (d.one_d) {
    const xs = d.x.map((r) => r[0]), ys = d.y.map((r) => r[0]);
    const pad = (a) => { const lo = Math.min(...a), hi = Math.max(...a), p = (hi - lo) * 0.15 + 1e-9; return [lo - p, hi + p]; };
    return { title: { text: "Fit: the data and the model's line" }, margin: MARGIN, font: { size: 15 },
      xaxis: { range: pad(xs), title: { text: d.x_names[0] } }, yaxis: { range: pad(ys), title: { text: d.y_names[0] } },
      legend: { orientation: "h", y: -0.32 } };
  }
  const flat = d.y.flat(), lo = Math.min(...flat), hi = Math.max(...flat), p = (hi - lo) * 0.3 + 1;
  return { title: { text: "Predicted vs target (on the line = perfect)" }, margin: MARGIN, font: { size: 15 },
    xaxis: { range: [lo - p, hi + p], title: { text: "target" } }, yaxis: { range: [lo - p, hi + p], title: { text: "predicted" } },
    legend: { orientation: "h", y: -0.32 } };
}

function fitTraces(d, e, t) {
  const w = d.w[e], b = d.b[e];
  if (d.one_d) {
    const xs = d.x.map((r) => r[0]);
    const lo = Math.min(...xs), hi = Math.max(...xs);
    const line = (a, c) => [a * lo + c, a * hi + c];
    return [
      { x: xs, y: d.y.map((r) => r[0]), mode: "markers", name: "data", marker: { color: t.data, size: 7 } },
      { x: [lo, hi], y: line(w[0][0], b[0]), mode: "lines", name: "model now", line: { width: 4, color: t.now } },
      { x: [lo, hi], y: line(d.optimum_w[0][0], d.optimum_b[0]), mode: "lines", name: "least squares",
        line: { dash: "dash", color: t.best } },
    ];
  }
  const preds = predict(d.x, w, b);
  const flat = d.y.flat(), lo = Math.min(...flat), hi = Math.max(...flat);
  const traces = d.y_names.map((name, k) => ({
    x: d.y.map((r) => r[k]), y: preds.map((r) => r[k]), mode: "markers", name, marker: { size: 11 },
  }));
  const best = predict(d.x, d.optimum_w, d.optimum_b);
  traces.push({ x: d.y.flat(), y: best.flat(), mode: "markers", name: "least squares",
    marker: { size: 13, symbol: "circle-open", color: t.best } });
  traces.push({ x: [lo, hi], y: [lo, hi], mode: "lines", name: "perfect", line: { dash: "dash", color: t.best } });
  return traces;
}

// w and b as a table of numbers on colours: blue below zero, red above, pale at zero.
// A table, not a Plotly heat map: a heat map is an image Plotly repaints whole (with its
// axes) on every change, far too slow for every frame; a table's cells are just set.
const COLD = [33, 102, 172], MID = [247, 247, 247], HOT = [178, 24, 43];

function cellColor(v, scale) {
  if (!finite(v)) return [0, 0, 0];
  const f = Math.max(-1, Math.min(1, v / scale)), end = f < 0 ? COLD : HOT;
  return MID.map((c, i) => Math.round(c + (end[i] - c) * Math.abs(f)));
}

function paramTable(root, d) {
  const table = document.createElement("table");
  const cell = (tag, text) => { const c = document.createElement(tag); c.textContent = text; return c; };
  const caption = cell("caption", "w (and b) now");
  const head = document.createElement("tr");
  head.append(cell("td", ""), ...d.x_names.concat(["bias b"]).map((name) => {
    const th = cell("th", name); th.scope = "col"; return th;
  }));
  const rows = d.y_names.map((name) => {
    const tr = document.createElement("tr"), th = cell("th", name);
    th.scope = "row";
    tr.append(th, ...d.x_names.concat([""]).map(() => cell("td", "")));
    return tr;
  });
  table.append(caption, head, ...rows);
  root.replaceChildren(table);
  const cells = rows.map((tr) => [...tr.querySelectorAll("td")]);
  return (e) => cells.forEach((row, k) => row.forEach((td, j) => {
    const v = j < d.x_names.length ? d.w[e][k][j] : d.b[e][k];
    const rgb = cellColor(v, d.param_scale), text = finite(v) ? Number(v).toPrecision(4) : fmt(v);
    if (td.textContent !== text) td.textContent = text;
    td.style.background = `rgb(${rgb})`;
    td.style.color = luminance(`rgb(${rgb})`) > 0.18 ? "#000" : "#fff"; // the higher contrast
  }));
}

const PATH_COLOR = "#ff5252";

// While playing, the path's markers are left out: it grows as a bare line (see live()).
function landTraces(d, e, playing) {
  const L = d.landscape;
  const a = d.w.slice(0, e + 1).map((w) => w[0][0]), b = d.b.slice(0, e + 1).map((v) => v[0]);
  return [
    { x: L.a, y: L.b, z: L.z, type: "contour", colorscale: "Viridis", showscale: false, ncontours: 25, name: "log10 loss" },
    { x: a, y: b, mode: playing ? "lines" : "lines+markers", name: "descent path",
      line: { color: PATH_COLOR, width: 3 }, marker: { size: 4 } },
    { x: [d.optimum_w[0][0]], y: [d.optimum_b[0]], mode: "markers", name: "optimum", marker: { symbol: "star", size: 16, color: "#fff" } },
  ];
}

function landLayout(d) {
  return { title: { text: "Loss landscape over (a, b)" }, margin: MARGIN, font: { size: 15 },
    xaxis: { title: { text: "slope a" }, range: [d.landscape.a[0], d.landscape.a.at(-1)] },
    yaxis: { title: { text: "intercept b" }, range: [d.landscape.b[0], d.landscape.b.at(-1)] }, showlegend: false };
}

function normTraces(d, e, t) {
  // Before the first gradient, one empty point: Plotly then makes the layer the live path needs.
  const ys = e > 0 ? d.grad_norm.slice(0, e) : [null];
  return [{ x: [...Array(ys.length).keys()], y: ys, mode: "lines", name: "‖gradient‖",
    line: { width: 3, color: t.norm } }];
}

function normLayout(d) {
  const vals = d.grad_norm.filter((v) => finite(v) && v > 0);
  const lo = vals.length ? Math.min(...vals) : 1e-3, hi = vals.length ? Math.max(...vals) : 1;
  return { title: { text: "Gradient norm ‖(w.grad, b.grad)‖ per epoch" }, margin: MARGIN, font: { size: 15 },
    xaxis: { title: { text: "epoch" }, range: [0, Math.max(d.losses.length - 1, 1)] },
    yaxis: { type: "log", range: [Math.log10(lo) - 0.3, Math.log10(hi) + 0.3] }, showlegend: false };
}

// Live frames. While playing, Plotly draws the charts once (at Play, at the epoch then);
// each frame after that only rewrites a few SVG attributes of what it drew: the curves
// grow by the epochs since the last frame (a path of our own under Plotly's markers, in its
// coordinates), the "now" marker and the model's line move. A frame then costs about
// the epochs it skips, not a Plotly update per chart (each of those runs Plotly's whole
// defaults-and-calc pass, which held 5,000-epoch runs under 10 frames/s on two busy cores).
const CLAMP = 1e5; // pixels: a diverging value's point stays a finite SVG coordinate
const pix = (v) => (Number.isFinite(v) ? Math.round(Math.max(-CLAMP, Math.min(CLAMP, v)) * 10) / 10 : null);

function axes(gd) { return [gd._fullLayout.xaxis, gd._fullLayout.yaxis]; }
function traceGroups(gd) { return [...gd.querySelectorAll(".scatterlayer > g.trace")]; }

// A line through points 0..to of (xAt(i), yAt(i)) on chart `gd`, drawn in a path of ours
// under Plotly's traces and grown a few points per frame; a non-finite point is a gap.
// A point within half a pixel of the last one kept is left out (but the line always
// reaches the newest point): 5,000 epochs on a 400-pixel axis stay a path of ~800 points,
// which keeps the browser's repaint of it cheap.
function grower(gd, xAt, yAt, color) {
  const layer = gd.querySelector(".scatterlayer");
  if (!layer) return () => {};
  const [xa, ya] = axes(gd);
  const el = document.createElementNS("http://www.w3.org/2000/svg", "path");
  el.setAttribute("class", "agp-live");
  el.setAttribute("style", `fill:none;stroke:${color};stroke-width:3px;stroke-linejoin:round`);
  layer.prepend(el); // under Plotly's markers
  let d = "", tail = "", n = 0, pen = false, kx = 0, ky = 0;
  return (to) => {
    if (to < n - 1) { d = ""; tail = ""; n = 0; pen = false; }
    for (; n <= to; n += 1) {
      const yv = yAt(n), x = pix(xa.c2p(xAt(n))), y = finite(yv) ? pix(ya.c2p(yv)) : null;
      if (x === null || y === null) { d += tail; tail = ""; pen = false; continue; }
      if (pen && Math.abs(x - kx) < 0.5 && Math.abs(y - ky) < 0.5) { tail = `L${x},${y}`; continue; }
      d += `${pen ? "L" : "M"}${x},${y}`;
      tail = ""; pen = true; kx = x; ky = y;
    }
    el.setAttribute("d", d + tail);
  };
}

// Moves a marker Plotly drew (a `path.point`) to (x, y) in data coordinates.
function mover(gd, point) {
  const [xa, ya] = axes(gd);
  return (x, y) => {
    const px = pix(xa.c2p(x)), py = finite(y) ? pix(ya.c2p(y)) : null;
    point.style.display = px === null || py === null ? "none" : "";
    if (px !== null && py !== null) point.setAttribute("transform", `translate(${px},${py})`);
  };
}

// The per-frame updates for the charts as Plotly last drew them: one function per
// moving part, each taking the epoch to show.
function live(charts, d, t) {
  const parts = [];
  const loss = charts.loss;
  parts.push(grower(loss, (i) => i, (i) => d.losses[i], t.loss));
  const now = traceGroups(loss)[2]?.querySelector("path.point");
  if (now) { const move = mover(loss, now); parts.push((e) => move(e, d.losses[e])); }
  const fit = charts.fit, groups = traceGroups(fit);
  if (d.one_d) {
    const line = groups[1]?.querySelector("path.js-line"), [xa, ya] = axes(fit);
    const xs = d.x.map((r) => r[0]), lo = Math.min(...xs), hi = Math.max(...xs);
    const at = (x, e) => `${pix(xa.c2p(x))},${pix(ya.c2p(d.w[e][0][0] * x + d.b[e][0]))}`;
    if (line) parts.push((e) => line.setAttribute("d", `M${at(lo, e)}L${at(hi, e)}`));
    parts.push(grower(charts.land, (i) => d.w[i][0][0], (i) => d.b[i][0], PATH_COLOR));
  } else {
    // One trace of points per output; Plotly leaves out points it cannot place, and
    // then the points are not the rows in order: that trace waits for the next full draw.
    const movers = d.y_names.map((_, k) => {
      const points = groups[k] ? [...groups[k].querySelectorAll("path.point")] : [];
      return points.length === d.x.length ? points.map((p) => mover(fit, p)) : null;
    });
    parts.push((e) => {
      const preds = predict(d.x, d.w[e], d.b[e]);
      movers.forEach((row, k) => row && row.forEach((move, i) => move(d.y[i][k], preds[i][k])));
    });
    const norm = grower(charts.land, (i) => i, (i) => (d.grad_norm[i] > 0 ? d.grad_norm[i] : null), t.norm);
    parts.push((e) => norm(e - 1)); // the norm curve stops one short, as in normTraces
  }
  return parts;
}

function setup(root, d) {
  const q = (sel) => root.querySelector(sel);
  const scale = Math.max(1e-9, ...d.w.flat(2).concat(d.b.flat()).filter(finite).map(Math.abs));
  const data = { ...d, param_scale: scale };
  const last = d.losses.length - 1;
  const state = { e: 0, playing: false, acc: 0, t: 0, raf: 0, runId: d.run_id, stepTimer: 0, live: [] };
  const charts = { loss: q(".agp-loss"), fit: q(".agp-fit"), params: q(".agp-params"), land: q(".agp-land") };

  const fillParams = paramTable(charts.params, data);
  let shownStop = null;

  function labels() {
    const e = state.e;
    q(".agp-epoch").textContent = `Epoch ${e} / ${last}`;
    q(".agp-lossval").textContent = `loss ${fmt(d.losses[e])}`;
    // The icon is hidden from assistive technology: the button's name is its word.
    const [icon, word] = state.playing ? ["❚❚", "Pause"] : ["▶", "Play"];
    const play = q(".agp-play");
    if (play.dataset.word !== word) {
      const mark = document.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = icon;
      play.replaceChildren(mark, ` ${word}`);
      play.dataset.word = word;
    }
    const stopped = d.stopped_at !== null && e >= last;
    if (shownStop !== stopped) { // rebuilt only when it changes: labels() runs every frame
      showMarkdownCode(q(".agp-msg"), stopped ? d.stop_message : "");
      q(".agp-msg").style.display = stopped ? "" : "none";
      shownStop = stopped;
    }
    root.dataset.epoch = String(e);
    root.dataset.playing = state.playing ? "1" : "0";
    root.dataset.draws = String(Number(root.dataset.draws || 0) + 1);
  }

  // Our live paths are dropped and, while playing, made again for the charts as now drawn.
  function relive() {
    root.querySelectorAll(".agp-live").forEach((el) => el.remove());
    state.live = state.playing ? live(charts, data, state.theme) : [];
  }

  // Full redraw: layouts and every trace (start, pause, step, reset, log toggle).
  function draw() {
    const P = window.Plotly, e = state.e, logY = q(".agp-log").checked;
    const t = (state.theme = chartTheme(root));
    P.react(charts.loss, lossTraces(data, e, t), themed(lossLayout(data, logY), t), CONFIG);
    P.react(charts.fit, fitTraces(data, e, t), themed(fitLayout(data), t), CONFIG);
    fillParams(e);
    if (d.one_d) P.react(charts.land, landTraces(data, e, state.playing), themed(landLayout(data), t), CONFIG);
    else P.react(charts.land, normTraces(data, e, t), themed(normLayout(data), t), CONFIG);
    root.dataset.theme = t.dark ? "dark" : "light";
    relive();
    labels();
  }

  // Playing: only the live parts and the table move.
  function drawFast() {
    const e = state.e;
    state.live.forEach((part) => part(e));
    fillParams(e);
    labels();
  }

  function report() { players.get(root).args.setStateValue("epoch", state.e); }

  function frame(t) {
    if (!state.playing) return;
    const speed = Number(q(".agp-speed").value);
    state.acc += ((t - (state.t || t)) / 1000) * speed;
    state.t = t;
    const whole = Math.floor(state.acc);
    if (whole > 0) {
      state.acc -= whole;
      state.e = Math.min(last, state.e + whole);
      drawFast();
    }
    if (state.e >= last) { pause(); return; }
    state.raf = requestAnimationFrame(frame);
  }

  function play() {
    if (state.e >= last) state.e = 0;
    state.playing = true; state.t = 0; state.acc = 0;
    light(0); draw();
    state.raf = requestAnimationFrame(frame);
  }

  function pause() {
    state.playing = false; cancelAnimationFrame(state.raf); draw(); report();
  }

  function light(n) {
    root.querySelectorAll(".agp-steps li").forEach((li, i) => {
      li.classList.toggle("on", i + 1 === n);
      if (i + 1 === n) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
  }

  function step() {
    if (state.playing) { pause(); return; }
    if (state.e >= last) return;
    clearTimeout(state.stepTimer);
    let n = 2; // step 1, setting up the model, happened before epoch 0
    const next = () => {
      light(n);
      if (n === 6) { state.e += 1; draw(); report(); state.stepTimer = setTimeout(() => light(0), STEP_MS * 3); return; }
      n += 1; state.stepTimer = setTimeout(next, STEP_MS);
    };
    next();
  }

  function reset() { state.playing = false; cancelAnimationFrame(state.raf); state.e = 0; light(0); draw(); report(); }

  q(".agp-play").onclick = () => (state.playing ? pause() : play());
  q(".agp-step").onclick = step;
  q(".agp-reset").onclick = reset;
  q(".agp-log").onchange = draw;
  // A theme switch changes the CSS variables, so .agp's colours transition (player.css):
  // redraw the charts in the new colours then, without waiting for a rerun.
  // Classroom mode's larger root font transitions .agp's font-size the same way.
  root.ontransitionend = (event) => {
    if (event.target !== root || !state.theme) return;
    const now = chartTheme(root);
    if (event.propertyName === "color" && now.bg !== state.theme.bg) draw();
    if (event.propertyName === "font-size" && now.fontSize !== state.theme.fontSize) draw();
  };
  // A chart's box changes without the window resizing (the grid going to one column, the
  // sidebar folding): plotly's `responsive` hears only the window, so watch the boxes.
  if (!root.__agpResize) {
    root.__agpResize = new ResizeObserver((entries) => {
      for (const { target } of entries) {
        if (!target.data) continue;
        // Plotly redraws a resized chart from its data: the live paths go with the old size.
        Promise.resolve(window.Plotly.Plots.resize(target)).then(() => {
          const player = players.get(root);
          if (player && player.state.playing) player.relive();
        });
      }
    });
    Object.values(charts).forEach((chart) => root.__agpResize.observe(chart));
  }
  state.stop = () => { state.playing = false; cancelAnimationFrame(state.raf); clearTimeout(state.stepTimer); };
  state.start = Math.min(Math.max(d.start_epoch || 0, 0), last);
  return { state, draw, relive };
}

export default function (args) {
  // The run arrives as JSON text beside its id (the server serialises each run once,
  // not on every rerun): parsed only when the run is new.
  const { data, parentElement } = args;
  const root = parentElement.querySelector(".agp");
  const old = players.get(root);
  if (old && old.state.runId === data.run_id) { old.args = args; return; }
  if (old) old.state.stop();
  root.querySelector(".agp-status").textContent = "Loading charts…";
  loadPlotly().then(() => {
    const player = setup(root, JSON.parse(data.json));
    player.args = args;
    player.state.e = player.state.start;
    players.set(root, player);
    root.querySelector(".agp-status").textContent = "";
    player.draw();
  }).catch((err) => { root.querySelector(".agp-status").textContent = String(err); });
}
