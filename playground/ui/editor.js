// The code editor component: loads the CodeMirror bundle this app serves
// (static/editor.js, built from frontend/editor) and wires it to Streamlit.
// The server sends the code with a revision number; the editor replaces its text
// only when the revision changes (the server changed the code: a preset, a leaf box,
// a lesson link), so a rerun for any other reason never overwrites what is typed.
// The code goes to the server as the "run" state: Ctrl/Cmd+Enter, the Run button,
// and leaving the editor with changes.

const editors = new WeakMap();

function loadBundle() {
  if (!window.__agpEditor) {
    window.__agpEditor = import(new URL("app/static/editor.js", document.baseURI).href);
  }
  return window.__agpEditor;
}

// The allow-list's names, a file this app serves (its name carries its content's hash),
// fetched once per page instead of riding along with every rerun. Without it the
// editor still works, only without suggestions.
function loadCompletions(name) {
  if (!name) return Promise.resolve(null);
  window.__agpCompletions = window.__agpCompletions || {};
  if (!window.__agpCompletions[name]) {
    const url = new URL(`app/static/${name}`, document.baseURI).href;
    window.__agpCompletions[name] = fetch(url)
      .then((reply) => (reply.ok ? reply.json() : null))
      .catch(() => null);
  }
  return window.__agpCompletions[name];
}

// A state value, not a trigger: Streamlit sends every widget's latest state with each
// rerun, so a run whose request was overtaken by another (the Run button's click right
// after the blur) is not lost. The sequence number makes sending the same text again
// (after a preset, Ctrl+Z) a change, so it runs again.
const mountId = Math.random().toString(36).slice(2);
function send(entry, code) {
  entry.sent = code;
  entry.seq = (entry.seq || 0) + 1;
  entry.args.setStateValue("run", { code, seq: `${mountId}-${entry.seq}` });
}

function apply(entry, data) {
  const api = entry.api;
  if (data.rev !== entry.rev) {
    entry.rev = data.rev;
    api.setDoc(data.code);
  }
  entry.sent = data.code; // what the server has now
  if (data.label !== entry.label) { entry.label = data.label; api.setLabel(data.label); }
  const errorKey = JSON.stringify([data.code, data.error]);
  if (errorKey !== entry.errorKey) {
    entry.errorKey = errorKey;
    // The error belongs to the code the server ran; a text edited since keeps no marker.
    api.setError(api.getDoc() === data.code ? data.error : null);
  }
  api.updateTheme();
}

function mount(entry, host, data, mod, completions) {
  host.style.setProperty("--agp-ed-height", `${data.height}px`);
  const area = document.createElement("div");
  area.className = "agp-ed-area";
  host.appendChild(area);
  entry.api = mod.mountEditor(area, {
    doc: data.code,
    label: data.label,
    completions,
    onRun: (code) => send(entry, code),
    onBlur: (code) => { if (code !== entry.sent) send(entry, code); },
  });
  entry.rev = data.rev;
  entry.label = data.label;
  host.agpEditor = entry.api; // for the browser tests: the document as CodeMirror holds it
  const bar = document.createElement("div");
  bar.className = "agp-ed-bar";
  const hint = document.createElement("span");
  hint.className = "agp-ed-hint";
  hint.textContent = "Ctrl+Enter runs · Tab indents once you click or type · Esc then Tab leaves";
  if (data.run_button) {
    const run = document.createElement("button");
    run.type = "button";
    run.className = "agp-ed-run";
    run.textContent = "Run ▶";
    // mousedown would blur the editor first and send the code twice.
    run.addEventListener("mousedown", (event) => event.preventDefault());
    run.addEventListener("click", () => send(entry, entry.api.getDoc()));
    bar.appendChild(run);
  }
  bar.appendChild(hint);
  host.appendChild(bar);
  // The theme can switch without a rerun (Streamlit's settings, the system's dark
  // mode): look again each second while the editor is on the page.
  const poll = setInterval(() => {
    if (host.isConnected) entry.api.updateTheme();
    else clearInterval(poll);
  }, 1000);
}

export default function (args) {
  const { data, parentElement } = args;
  const host = parentElement.querySelector(".agp-ed");
  let entry = editors.get(host);
  if (!entry) {
    entry = { args, api: null, data };
    editors.set(host, entry);
    host.style.minHeight = `${data.height}px`; // its room while the bundle loads
    Promise.all([loadBundle(), loadCompletions(data.completions)]).then(([mod, names]) => {
      host.style.minHeight = "";
      mount(entry, host, entry.data, mod, names);
      apply(entry, entry.data);
    }).catch((err) => {
      host.textContent = `The code editor could not be loaded (${err}). Reload the page.`;
    });
  }
  entry.args = args;
  entry.data = data;
  if (entry.api) apply(entry, data);
}
