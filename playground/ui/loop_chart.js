// The lab's training-loop chart: one series per iteration, played in the browser.
// Every frame is drawn here; nothing goes back to the server. Everything that comes
// from the student's program (names, numbers) is inserted as text (textContent).

const charts = new WeakMap();

// null: not bound yet. "inf", "-inf", "nan": as Python prints them (JSON has no NaN).
const fmt = (v) => (v === null || v === undefined ? "—" : typeof v === "string" ? v : six(v));
function six(v) { // six significant digits, trailing zeros of the fraction only dropped
  const [digits, exponent] = Number(v).toPrecision(6).split("e");
  const kept = digits.includes(".") ? digits.replace(/\.?0+$/, "") : digits;
  return exponent === undefined ? kept : `${kept}e${exponent}`;
}
const plotted = (v) => (typeof v === "number" ? v : null); // the line breaks at inf/nan
const CONFIG = { displayModeBar: false, responsive: true };

// Streamlit's theme, as the CSS variables it gives every v2 component.
function theme(root) {
  const css = getComputedStyle(root);
  const get = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: get("--st-text-color", css.color || "#31333f"),
    border: get("--st-border-color", "rgba(128,128,128,0.35)"),
    primary: get("--st-primary-color", "#ff4b4b"),
    font: get("--st-font", "sans-serif"),
  };
}

function tensorText(values, shape) {
  if (values === null) return "—";
  const cells = values.map(fmt);
  if (shape.length !== 2) return cells.join("  ");
  const width = Math.max(...cells.map((c) => c.length));
  const rows = [];
  for (let r = 0; r < shape[0]; r += 1) {
    rows.push(cells.slice(r * shape[1], (r + 1) * shape[1]).map((c) => c.padStart(width)).join("  "));
  }
  return rows.join("\n");
}

function setup(root, d) {
  const q = (sel) => root.querySelector(sel);
  const last = d.iterations.length - 1;
  const names = Object.keys(d.series);
  const state = { pos: last, playing: false, acc: 0, t: 0, raf: 0, runId: d.run_id, colours: "" };
  const chart = q(".aglc-chart");

  const select = q(".aglc-series");
  select.replaceChildren(...names.map((name) => {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    return option;
  }));
  select.value = d.loss;
  const scrub = q(".aglc-scrub");
  scrub.max = String(last);
  // About five seconds for a whole run, at one of the offered speeds.
  const speeds = [...q(".aglc-speed").options].map((o) => Number(o.value));
  q(".aglc-speed").value = String(speeds.find((s) => s * 5 >= last) || speeds.at(-1));

  function xRange() { // a margin so the marker at either end is drawn whole
    const lo = d.iterations[0] + 1, hi = Math.max(d.iterations[last] + 1, lo + 1), pad = (hi - lo) * 0.02;
    return [lo - pad, hi + pad];
  }

  function layout(colours) {
    const name = select.value;
    const log = q(".aglc-log").checked;
    return {
      title: { text: `${name} per iteration`, font: { size: 17 } },
      margin: { l: 70, r: 20, t: 44, b: 56 },
      showlegend: false,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { size: 15, color: colours.text, family: colours.font },
      xaxis: { title: { text: "iteration" }, gridcolor: colours.border, zerolinecolor: colours.border,
        range: xRange() },
      yaxis: { type: log ? "log" : "linear", gridcolor: colours.border, zerolinecolor: colours.border,
        title: { text: name }, autorange: true },
    };
  }

  function traces(colours) {
    // The x axis counts iterations from 1, as the slider's "k of N" does.
    const ys = d.series[select.value].map(plotted), xs = d.iterations.map((k) => k + 1);
    const p = state.pos;
    return [
      { x: xs, y: ys, mode: "lines", line: { width: 1.5, color: colours.text }, opacity: 0.3,
        hoverinfo: "skip" }, // the whole run, faint: where the played part is going
      { x: xs.slice(0, p + 1), y: ys.slice(0, p + 1), mode: "lines", name: select.value,
        line: { width: 3, color: colours.primary } },
      { x: [xs[p]], y: [ys[p]], mode: "markers", name: "shown",
        marker: { size: 12, color: colours.primary, line: { width: 2, color: colours.text } } },
    ];
  }

  function numbers() {
    const p = state.pos;
    q(".aglc-now").textContent = `${d.iterations[p] + 1} of ${d.total}`;
    q(".aglc-series-table caption").textContent = `Numbers at the end of iteration ${d.iterations[p] + 1}`;
    // Small tensors are sent at every `tensor_every`-th kept iteration (and the last).
    const every = d.tensor_every || 1;
    const at = p === last ? -1 : Math.floor(p / every);
    q(".aglc-series-table tbody").replaceChildren(...names.map((name) => {
      const row = document.createElement("tr");
      const key = document.createElement("th");
      const value = document.createElement("td");
      key.scope = "row";
      key.textContent = name;
      value.textContent = fmt(d.series[name][p]);
      row.dataset.name = name;
      row.classList.toggle("on", name === select.value);
      row.append(key, value);
      return row;
    }));
    q(".aglc-tensors").replaceChildren(...Object.keys(d.tensors).map((name) => {
      const block = document.createElement("div");
      const title = document.createElement("div");
      const values = document.createElement("pre");
      block.className = "aglc-tensor";
      block.dataset.name = name;
      title.className = "aglc-tname";
      const kept = d.tensors[name].at(at);
      const k = at < 0 ? p : at * every;
      const when = k === p ? "" : `, at iteration ${d.iterations[k] + 1}`;
      title.textContent = `${name}  (${d.shapes[name].join("×")}${when})`;
      values.textContent = tensorText(kept, d.shapes[name]);
      block.append(title, values);
      return block;
    }));
  }

  function labels() {
    q(".aglc-play").textContent = state.playing ? "❚❚ Pause" : "▶ Play";
    scrub.value = String(state.pos);
    root.dataset.position = String(state.pos);
    root.dataset.iteration = String(d.iterations[state.pos]);
    root.dataset.playing = state.playing ? "1" : "0";
    root.dataset.draws = String(Number(root.dataset.draws || 0) + 1);
  }

  function draw() {
    const colours = theme(root);
    state.colours = JSON.stringify(colours);
    window.Plotly.react(chart, traces(colours), layout(colours), CONFIG);
    numbers();
    labels();
  }

  function frame(t) {
    if (!state.playing) return;
    state.acc += ((t - (state.t || t)) / 1000) * Number(q(".aglc-speed").value);
    state.t = t;
    const whole = Math.floor(state.acc);
    if (whole > 0) {
      state.acc -= whole;
      state.pos = Math.min(last, state.pos + whole);
      draw();
    }
    if (state.pos >= last) { pause(); return; }
    state.raf = requestAnimationFrame(frame);
  }

  function play() {
    if (state.pos >= last) state.pos = 0;
    state.playing = true; state.t = 0; state.acc = 0;
    draw();
    state.raf = requestAnimationFrame(frame);
  }

  function pause() { state.playing = false; cancelAnimationFrame(state.raf); draw(); }

  function show(pos) {
    state.playing = false; cancelAnimationFrame(state.raf);
    state.pos = Math.min(Math.max(pos, 0), last);
    draw();
  }

  q(".aglc-play").onclick = () => (state.playing ? pause() : play());
  q(".aglc-step").onclick = () => show(state.playing ? state.pos : state.pos + 1);
  scrub.oninput = () => show(Number(scrub.value));
  select.onchange = draw;
  q(".aglc-log").onchange = draw;
  // Dark mode switched in the page: the CSS follows by itself, plotly's colours here.
  state.watch = setInterval(() => {
    if (!root.isConnected) { clearInterval(state.watch); return; }
    if (JSON.stringify(theme(root)) !== state.colours && !state.playing) draw();
  }, 500);
  // The chart follows its box (the grid stacks on narrow screens), not only the window.
  // Once the chart is gone (a program without a loop), the observer stops.
  const resized = new ResizeObserver(() => {
    if (!chart.isConnected || !root.isConnected) { state.stop(); return; }
    if (chart.data && chart.offsetParent !== null) window.Plotly.Plots.resize(chart);
  });
  resized.observe(chart);
  state.stop = () => {
    state.playing = false; cancelAnimationFrame(state.raf); clearInterval(state.watch); resized.disconnect();
  };
  return { state, draw, show, chart };
}

export default function (args) {
  // The record arrives as JSON text beside its id (serialised once per run on the
  // server, not on every rerun): parsed only when the run is new.
  const { parentElement } = args;
  const root = parentElement.querySelector(".aglc");
  const old = charts.get(root);
  if (old && old.state.runId === args.data.run_id) return;
  if (old) old.state.stop();
  root.querySelector(".aglc-status").textContent = "Loading the chart…";
  const data = JSON.parse(args.data.json);
  loadPlotly().then(() => {
    const view = setup(root, data);
    charts.set(root, view);
    root.querySelector(".aglc-status").textContent = "";
    view.draw();
    // Clicking a point of the chart shows that iteration.
    view.chart.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      if (!point) return;
      const pos = data.iterations.indexOf(point.x - 1);
      if (pos >= 0) view.show(pos);
    });
  }).catch((err) => { root.querySelector(".aglc-status").textContent = String(err); });
}
