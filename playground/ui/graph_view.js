// Graph view: Graphviz (compiled to wasm, static/graph.js) lays the DOT out here, and
// zoom, pan, fit, full screen and the layout direction all happen in the browser, so
// none of them costs the server a rerun. Everything from the user's program arrives
// inside the DOT's labels and reaches the page only as SVG <text> built by Graphviz and
// parsed by DOMParser (never innerHTML); messages use textContent. `library()` comes
// from graph_loader.js, which Python puts before this script.

const PX_PER_PT = 4 / 3; // Graphviz sizes are points; the SVG is drawn 1 pt = 4/3 px
// Labels are 14 pt (18.7 px at scale 1): the view starts no smaller than this scale, so
// node text is at least 14 px tall (0.8 * 18.7 = 14.9 px) however big the graph is.
const MIN_START = 0.8;
const MAX_START = 1.25; // a small graph grows to fill its viewport, up to this
const MAX_FIT = 3; // Fit (and full screen's first view) grows a small graph up to this
const MIN_SCALE = 0.05;
const MAX_SCALE = 8;
const STEP = 1.25; // one press of + or -
const PAN_STEP = 60; // px per arrow key
const PAD = 12;
const RANKDIR_KEY = "agp-graph-rankdir";
// Until the learner picks a direction, a graph this small is laid out both ways and
// shown the way that fits its viewport at the larger scale (a narrow column takes
// top-to-bottom); a bigger one stays left to right (one layout, not two).
const AUTO_MAX_NODES = 80;
const views = new WeakMap();

function storedRankdir() {
  try {
    const stored = localStorage.getItem(RANKDIR_KEY);
    return stored === "TB" || stored === "LR" ? stored : null;
  } catch {
    return null;
  }
}

function storeRankdir(rankdir) {
  try {
    localStorage.setItem(RANKDIR_KEY, rankdir);
  } catch {
    // private mode: the choice lasts as long as this view
  }
}

const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);

// A step-through line not revealed yet is written in its node's own fill colour (so the
// node keeps its size); mark it so the themed CSS can hide it whatever the fill becomes.
function markUnrevealed(svg) {
  for (const node of svg.querySelectorAll("g.node")) {
    const shape = node.querySelector("path, polygon, ellipse");
    const fill = (shape && shape.getAttribute("fill")) || "none";
    const background = (fill === "none" ? "#ffffff" : fill).toLowerCase();
    for (const text of node.querySelectorAll("text[fill]")) {
      if (text.getAttribute("fill").toLowerCase() === background) {
        text.classList.add("gvw-unrevealed");
      }
    }
  }
}

function layout(viz, dot, rankdir) {
  const source = dot.replace(/\brankdir=("?)(LR|TB|RL|BT)\1/, `rankdir=${rankdir}`);
  const svg = viz.renderSVGElement(source);
  const w = parseFloat(svg.getAttribute("width")) * PX_PER_PT;
  const h = parseFloat(svg.getAttribute("height")) * PX_PER_PT;
  svg.setAttribute("width", `${w}px`);
  svg.setAttribute("height", `${h}px`);
  markUnrevealed(svg);
  const titles = svg.querySelectorAll("g.node > title");
  const nodes = Array.from(titles, (t) => t.textContent).join("\n");
  return { svg, w, h, rankdir, nodes, count: titles.length };
}

function createView(root) {
  const q = (selector) => root.querySelector(selector);
  const viewport = q(".gvw-viewport");
  const stage = q(".gvw-stage");
  const status = q(".gvw-status");
  const fullButton = q(".gvw-full");
  // choice: the direction the learner picked (null: automatic); used: the one shown.
  const v = { dot: "", choice: storedRankdir(), used: null, nodes: null, w: 1, h: 1, pz: null, touched: false, token: 0 };

  const isFull = () => document.fullscreenElement === root || root.classList.contains("gvw-fallback-full");

  function maxHeight() {
    return Math.round(clamp(window.innerHeight * 0.8, 320, 900));
  }

  // Panzoom draws `scale(s) translate(x, y)` about the stage's centre c, so a stage
  // point p shows at c + s * (p + x - c) in the viewport: this is the x putting p at q.
  const panFor = (p, q, s, size) => (q - size / 2) / s - p + size / 2;

  function setView(s, x, y) {
    v.pz.zoom(s, { animate: false, force: true });
    v.pz.pan(x, y, { animate: false, force: true });
    report();
  }

  function report() {
    root.dataset.scale = v.pz.getScale().toFixed(4);
  }

  // Put the stage point (px, py) at the viewport point (qx, qy) at scale s.
  function place(s, [px, qx], [py, qy]) {
    setView(s, panFor(px, qx, s, v.w), panFor(py, qy, s, v.h));
  }

  // The view a graph opens with: readable (never below MIN_START), as large as fits.
  // Full screen is for projecting, so its first view keeps that floor too (a big graph
  // is panned, from its start, rather than shrunk; Fit still shows all of it) and lets
  // a small graph grow as far as Fit would.
  function startView() {
    const full = isFull();
    const width = viewport.clientWidth;
    const room = full ? viewport.clientHeight : maxHeight();
    const fit = Math.min((width - 2 * PAD) / v.w, (room - 2 * PAD) / v.h);
    const s = clamp(fit, MIN_START, full ? MAX_FIT : MAX_START);
    if (!full) viewport.style.height = `${Math.round(Math.min(v.h * s + 2 * PAD, maxHeight()))}px`;
    const height = viewport.clientHeight;
    const x = v.w * s + 2 * PAD <= width ? [v.w / 2, width / 2] : [0, PAD];
    const y = v.h * s + 2 * PAD <= height ? [v.h / 2, height / 2] : [0, PAD];
    place(s, x, y);
    v.touched = false;
    root.dataset.view = full ? "full-start" : "start"; // which view was placed last (tests wait on it)
  }

  function fit() {
    const width = viewport.clientWidth, height = viewport.clientHeight;
    const s = clamp(Math.min((width - 2 * PAD) / v.w, (height - 2 * PAD) / v.h), MIN_SCALE, MAX_FIT);
    place(s, [v.w / 2, width / 2], [v.h / 2, height / 2]);
    v.touched = true;
    root.dataset.view = "fit";
  }

  function zoomBy(factor) {
    const s = v.pz.getScale(), { x, y } = v.pz.getPan();
    const s2 = clamp(s * factor, MIN_SCALE, MAX_SCALE);
    const qx = viewport.clientWidth / 2, qy = viewport.clientHeight / 2;
    // The stage point now at the viewport's centre stays there.
    const px = (qx - v.w / 2) / s - x + v.w / 2, py = (qy - v.h / 2) / s - y + v.h / 2;
    place(s2, [px, qx], [py, qy]);
    v.touched = true;
  }

  function panBy(dx, dy) {
    const s = v.pz.getScale(), { x, y } = v.pz.getPan();
    setView(s, x + dx / s, y + dy / s);
    v.touched = true;
  }

  function showFullState() {
    const full = isFull();
    fullButton.textContent = full ? "Exit full screen" : "Full screen";
    root.classList.toggle("gvw-is-full", full);
    if (!v.pz) return;
    requestAnimationFrame(startView);
  }

  async function toggleFull() {
    if (document.fullscreenElement === root) {
      await document.exitFullscreen().catch(() => {});
      return;
    }
    if (root.classList.contains("gvw-fallback-full")) {
      root.classList.remove("gvw-fallback-full");
      showFullState();
      return;
    }
    try {
      await root.requestFullscreen();
    } catch {
      // No Fullscreen API for elements (iPhone Safari): fill the window instead.
      root.classList.add("gvw-fallback-full");
      showFullState();
    }
  }

  const fitScale = (out) => Math.min((viewport.clientWidth - 2 * PAD) / out.w, (maxHeight() - 2 * PAD) / out.h);

  function chooseLayout(viz) {
    const rankdir = v.choice || v.used || "LR";
    const out = layout(viz, v.dot, rankdir);
    if (v.choice || out.nodes === v.nodes || out.count > AUTO_MAX_NODES) return out;
    const other = layout(viz, v.dot, rankdir === "LR" ? "TB" : "LR");
    const [lr, tb] = rankdir === "LR" ? [out, other] : [other, out];
    return fitScale(tb) > fitScale(lr) * 1.1 ? tb : lr;
  }

  function setRankdir(rankdir) {
    v.choice = rankdir;
    storeRankdir(rankdir);
    draw();
  }

  function showRankdir() {
    for (const button of root.querySelectorAll(".gvw-layout button")) {
      button.setAttribute("aria-pressed", String(button.dataset.rankdir === (v.choice || v.used)));
    }
  }

  async function draw() {
    const token = ++v.token;
    if (!v.pz) status.textContent = "Laying out the graph…";
    let lib;
    try {
      lib = await library();
    } catch (err) {
      status.textContent = `The graph view could not load its library: ${err.message}`;
      return;
    }
    if (token !== v.token) return; // a newer graph arrived meanwhile
    let out;
    try {
      out = chooseLayout(lib.viz);
    } catch (err) {
      status.textContent = `Graphviz could not lay out this graph: ${err.message}`;
      return;
    }
    status.textContent = "";
    stage.style.width = `${out.w}px`;
    stage.style.height = `${out.h}px`;
    stage.replaceChildren(out.svg);
    const same = out.nodes === v.nodes && out.rankdir === v.used;
    Object.assign(v, { w: out.w, h: out.h, nodes: out.nodes, used: out.rankdir });
    showRankdir();
    if (!v.pz) {
      stage.style.visibility = "hidden"; // until placed: no flash at Panzoom's (0, 0)
      v.pz = lib.Panzoom(stage, { canvas: true, minScale: MIN_SCALE, maxScale: MAX_SCALE, step: 0.25, cursor: "grab" });
      stage.addEventListener("panzoomchange", report);
      stage.addEventListener("panzoomstart", () => (v.touched = true));
      viewport.addEventListener("wheel", (event) => {
        v.touched = true;
        v.pz.zoomWithWheel(event);
      }, { passive: false });
      // Panzoom moves to its start position in a timeout of its own: place after it.
      await new Promise((resolve) => setTimeout(resolve));
      if (token !== v.token) return;
      stage.style.visibility = "";
    }
    // Stepping through backward() redraws the same nodes: keep the learner's view.
    if (!same) startView();
    root.dataset.renders = String(Number(root.dataset.renders || 0) + 1);
  }

  q(".gvw-in").onclick = () => zoomBy(STEP);
  q(".gvw-out").onclick = () => zoomBy(1 / STEP);
  q(".gvw-fit").onclick = fit;
  fullButton.onclick = toggleFull;
  for (const button of root.querySelectorAll(".gvw-layout button")) {
    button.onclick = () => setRankdir(button.dataset.rankdir);
  }
  document.addEventListener("fullscreenchange", function onChange() {
    if (!root.isConnected) {
      document.removeEventListener("fullscreenchange", onChange); // a view Streamlit removed
      return;
    }
    showFullState();
  });
  root.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isFull()) {
      event.preventDefault();
      toggleFull();
    }
  });
  viewport.addEventListener("keydown", (event) => {
    if (!v.pz || event.ctrlKey || event.metaKey || event.altKey) return;
    const keys = {
      "+": () => zoomBy(STEP), "=": () => zoomBy(STEP), "-": () => zoomBy(1 / STEP),
      "0": fit, ArrowLeft: () => panBy(PAN_STEP, 0), ArrowRight: () => panBy(-PAN_STEP, 0),
      ArrowUp: () => panBy(0, PAN_STEP), ArrowDown: () => panBy(0, -PAN_STEP),
    };
    if (keys[event.key]) {
      event.preventDefault();
      keys[event.key]();
    }
  });
  // A resized column re-fits a view the learner has not moved yet.
  new ResizeObserver(() => {
    if (v.pz && !v.touched && !isFull()) startView();
  }).observe(viewport);

  v.show = (dot) => {
    if (dot === v.dot && v.pz) return;
    v.dot = dot;
    draw();
  };
  for (const button of root.querySelectorAll(".gvw-steps button")) {
    button.onclick = () => v.args && v.args.setTriggerValue("step", Number(button.dataset.step));
  }
  return v;
}

export default function (args) {
  const { data, parentElement } = args;
  const root = parentElement.querySelector(".gvw");
  let view = views.get(root);
  if (!view) {
    view = createView(root);
    views.set(root, view);
  }
  view.args = args;
  root.classList.toggle("gvw-stepping", Boolean(data && data.steps));
  root.querySelector(".gvw-caption").textContent = String((data && data.caption) || "");
  view.show(String((data && data.dot) || ""));
}
