// In-page measurements for tests/e2e/a11y.py (read there, run with page.evaluate).
// Each function takes one argument from Python and returns plain JSON.
window.__a11y = {
  contrast: ([rootSelector, excluded]) => {
  const root = document.querySelector(rootSelector);
  if (!root) return { error: `nothing matches ${rootSelector}` };
  const parse = (c) => {
    if (!c || c === "none" || c === "transparent") return [0, 0, 0, 0];
    const ctx = parse.ctx || (parse.ctx = document.createElement("canvas").getContext("2d"));
    ctx.fillStyle = "#000000"; ctx.fillStyle = c;  // normalises any CSS colour
    const s = ctx.fillStyle;
    if (s.startsWith("#")) return [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16)).concat([1]);
    const m = s.match(/[\d.]+/g).map(Number);
    // color-mix() comes back as `color(srgb r g b [/ a])` with channels from 0 to 1.
    const scale = s.startsWith("color(") ? 255 : 1;
    return [m[0] * scale, m[1] * scale, m[2] * scale, m.length > 3 ? m[3] : 1];
  };
  const over = (top, under) => {  // top composited over an opaque `under`
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const l = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const opacity = (el) => { let o = 1; for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; };
  const SHAPES = new Set(["rect", "path", "polygon", "ellipse", "circle", "polyline"]);
  // The colour a layer paints, [r, g, b, a]; null when it cannot be read.
  const paint = (el) => {
    const cs = getComputedStyle(el);
    if (el instanceof SVGElement) {
      const tag = el.tagName.toLowerCase();
      if (tag === "image" || tag === "foreignobject") return null;
      if (tag === "svg") { const c = parse(cs.backgroundColor); return c; }
      if (!SHAPES.has(tag)) return [0, 0, 0, 0];
      const c = parse(cs.fill);
      c[3] *= Number(cs.fillOpacity) * opacity(el);
      return c;
    }
    if (el.tagName === "CANVAS" || el.tagName === "IMG" || el.tagName === "VIDEO") return null;
    if (cs.backgroundImage && cs.backgroundImage !== "none") return null;
    const c = parse(cs.backgroundColor);
    c[3] *= opacity(el);
    return c;
  };
  const pageBg = (() => {
    for (const el of [document.querySelector('[data-testid="stApp"]'), document.body, document.documentElement]) {
      const c = el && parse(getComputedStyle(el).backgroundColor);
      if (c && c[3] > 0.99) return c;
    }
    return [255, 255, 255, 1];
  })();
  const visible = (el) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true });

  // Every text to measure: text nodes, and the values shown in form fields.
  const items = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el || ["SCRIPT", "STYLE", "NOSCRIPT", "TEXTAREA", "OPTION", "TITLE"].includes(el.tagName)) continue;
    items.push({ el, node: n, text: n.textContent.trim() });
  }
  root.querySelectorAll("input, textarea, select").forEach((el) => {
    const text = el.tagName === "SELECT" ? (el.selectedOptions[0] || {}).text : el.value;
    if (["checkbox", "radio", "range", "hidden", "file", "color"].includes(el.type)) return;
    if (text && text.trim()) items.push({ el, node: null, text: text.trim() });
  });

  const force = document.createElement("style");
  force.textContent = "* { pointer-events: auto !important; }";
  document.head.appendChild(force);
  const out = { measured: [], excluded: [], unmeasured: [], invisible: [] };
  // A canvas paints its text as pixels: none of it is measured here, so say so.
  root.querySelectorAll("canvas").forEach((el) => {
    if (!visible(el) || el.width === 0) return;
    const record = { text: "(canvas)", tag: "canvas", testid: (el.closest("[data-testid]") || {}).dataset?.testid || "" };
    const rule = excluded.find((sel) => el.closest(sel));
    if (rule) out.excluded.push({ ...record, rule });
    else out.unmeasured.push({ ...record, under: "canvas" });
  });
  try {
    for (const item of items) {
      const { el } = item;
      if (!visible(el)) continue;
      let rect;
      if (item.node) { const r = document.createRange(); r.selectNodeContents(item.node); rect = r.getBoundingClientRect(); }
      else rect = el.getBoundingClientRect();
      if (rect.width < 2 || rect.height < 2) continue;  // clipped away or empty: not seen
      const cs = getComputedStyle(el);
      const isSvg = el instanceof SVGElement;
      const fg = parse(isSvg ? cs.fill : cs.color);
      fg[3] *= (isSvg ? Number(cs.fillOpacity) : 1) * opacity(el);
      if (fg[3] < 0.02) continue;  // transparent text is not seen
      const record = { text: item.text.slice(0, 60), tag: el.tagName.toLowerCase(),
        testid: (el.closest("[data-testid]") || {}).dataset?.testid || "" };
      const rule = excluded.find((sel) => el.closest(sel));
      if (rule) { out.excluded.push({ ...record, rule }); continue; }
      // Hit-test the middle of the text (scrolled into view first).
      let x = rect.left + rect.width / 2, y = rect.top + rect.height / 2;
      if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) {
        el.scrollIntoView({ block: "center", inline: "center" });
        if (item.node) { const r = document.createRange(); r.selectNodeContents(item.node); rect = r.getBoundingClientRect(); }
        else rect = el.getBoundingClientRect();
        x = rect.left + rect.width / 2; y = rect.top + rect.height / 2;
      }
      const stack = document.elementsFromPoint(x, y);
      if (stack[0] && !el.contains(stack[0]) && !stack[0].contains(el)) {
        record.covered_by = stack[0].tagName.toLowerCase() + (stack[0].dataset?.testid ? `[${stack[0].dataset.testid}]` : "");
      }
      // Layers under the text, top first: those the text is drawn over.
      const layers = [];
      for (const layer of stack) {
        if (layer === el || el.contains(layer)) { if (layer !== el) continue; }
        layers.push(layer);
      }
      // The text's own element paints its background under the text, so it counts.
      let colour = null, unreadable = null;
      const below = [];
      for (const layer of layers) {
        const c = paint(layer);
        if (c === null) { unreadable = layer; break; }
        if (c[3] > 0) below.push(c);
        if (c[3] >= 0.999) break;
      }
      if (unreadable) {
        const rule2 = excluded.find((sel) => unreadable.closest(sel));
        if (rule2) { out.excluded.push({ ...record, rule: rule2 }); continue; }
        out.unmeasured.push({ ...record, under: unreadable.tagName.toLowerCase() + "." + (unreadable.getAttribute("class") || "") });
        continue;
      }
      colour = pageBg;
      for (const c of below.reverse()) colour = over(c, colour);
      const text = over(fg, colour);
      const r = ratio(text, colour);
      if (r < 1.1) {  // painted in its background's colour: a placeholder, not text to read
        out.invisible.push({ ...record, color: `rgb(${text.slice(0, 3).map(Math.round)})` });
        continue;
      }
      const row = { ...record, ratio: Math.round(r * 100) / 100,
        color: `rgb(${text.slice(0, 3).map(Math.round)})`, background: `rgb(${colour.slice(0, 3).map(Math.round)})` };
      out.measured.push(row);
    }
  } finally {
    force.remove();
  }
  return out;
},

  overflow: (rootSelector) => {
  const doc = document.scrollingElement;
  const out = { scrollWidth: doc.scrollWidth, innerWidth: innerWidth, sticking_out: [] };
  const root = document.querySelector(rootSelector) || document.body;
  // An element inside a box that scrolls sideways (a table, a code block) may be wider
  // than the window: the reader scrolls that box. Elsewhere nothing may cross the edge.
  const scrollsSideways = (el) => {
    for (let e = el.parentElement; e && e !== root; e = e.parentElement) {
      const ox = getComputedStyle(e).overflowX;
      if (["auto", "scroll", "hidden", "clip"].includes(ox)) return true;
    }
    return false;
  };
  for (const el of root.querySelectorAll("*")) {
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > innerWidth + 1 || r.left < -1) && !scrollsSideways(el)) {
      out.sticking_out.push({ tag: el.tagName.toLowerCase(), testid: (el.closest("[data-testid]") || {}).dataset?.testid || "",
        text: (el.textContent || "").trim().slice(0, 40), left: Math.round(r.left), right: Math.round(r.right) });
    }
  }
  return out;
},

  truncated: (rootSelector) => {
  const root = document.querySelector(rootSelector) || document.body;
  const out = [];
  for (const el of root.querySelectorAll("*")) {
    if (!el.checkVisibility()) continue;
    const cs = getComputedStyle(el);
    const cut = cs.textOverflow === "ellipsis" || cs.overflowX === "hidden" || cs.overflow === "hidden";
    if (!cut || !el.textContent.trim()) continue;
    // The graph view is a pan-and-zoom surface: what lies past its edge is reached by
    // panning (and Fit), not cut off.
    if (el.closest(".gvw-viewport")) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      out.push({ text: el.textContent.trim().slice(0, 80), tag: el.tagName.toLowerCase(),
        testid: (el.closest("[data-testid]") || {}).dataset?.testid || "",
        shown: el.clientWidth, needs: el.scrollWidth });
    }
  }
  return out;
},
};
