// The playground's code editor: CodeMirror 6 with Python, line numbers, the run's
// error as a lint diagnostic, Ctrl/Cmd+Enter to run, Tab to indent once the learner is
// editing (a click or a key in the text; focus that arrived by Tab moves on with the
// next Tab, so tabbing through the page never edits the program; Escape then Tab
// leaves too: keyboard users are never trapped), and
// completion from the sandbox's allow-list only (the server sends it as data).
// playground/ui/editor.js imports this module and wires it to Streamlit.

import { EditorState, Compartment } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentMore, indentLess, isolateHistory } from "@codemirror/commands";
import {
  LanguageSupport, syntaxHighlighting, indentOnInput, bracketMatching, indentUnit,
} from "@codemirror/language";
import { pythonLanguage, localCompletionSource } from "@codemirror/lang-python";
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { setDiagnostics, lintGutter, lintKeymap } from "@codemirror/lint";
import { classHighlighter } from "@lezer/highlight";

// `a.b.c.` before the cursor, then the word being typed.
const MEMBER = /((?:[A-Za-z_]\w*\.)+)(\w*)$/;
const WORD = /[A-Za-z_]\w*$/;

// `import torch.nn as nn`, `from torch import nn`, `from torch.nn import functional as F`.
function programAliases(text, aliases) {
  const found = { ...aliases };
  for (const m of text.matchAll(/^\s*import\s+([\w.]+)\s+as\s+(\w+)/gm)) found[m[2]] = m[1];
  for (const m of text.matchAll(/^\s*import\s+([\w.]+)\s*$/gm)) found[m[1].split(".")[0]] = m[1].split(".")[0];
  for (const m of text.matchAll(/^\s*from\s+([\w.]+)\s+import\s+(.+)$/gm)) {
    for (const part of m[2].replace(/[()]/g, "").split(",")) {
      const [name, alias] = part.trim().split(/\s+as\s+/);
      if (name) found[(alias || name).trim()] = `${m[1]}.${name.trim()}`;
    }
  }
  return found;
}

function options(list) {
  return list.map(([label, type]) => ({ label, type }));
}

// Members of `receiver` (e.g. "torch.nn"): a module's table when it names one
// (through the program's aliases), else a tensor's methods and attributes.
function memberOptions(data, receiver, text) {
  const aliases = programAliases(text, data.aliases);
  const parts = receiver.split(".");
  const head = aliases[parts[0]] ?? parts[0];
  const path = [head, ...parts.slice(1)].join(".");
  if (data.modules[path]) return options(data.modules[path]);
  if (data.modules[head] || aliases[parts[0]]) return null; // an unknown module member
  return options(data.tensor);
}

function completionSource(getData) {
  return (context) => {
    const data = getData();
    if (!data) return null;
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    if (/#/.test(before.replace(/(["'])(?:\\.|(?!\1).)*\1/g, ""))) return null; // in a comment
    const member = MEMBER.exec(before);
    if (member) {
      const list = memberOptions(data, member[1].slice(0, -1), context.state.doc.toString());
      if (!list) return null;
      return { from: context.pos - member[2].length, options: list, validFor: /^\w*$/ };
    }
    const word = WORD.exec(before);
    if (!word && !context.explicit) return null;
    const typed = word ? word[0] : "";
    return { from: context.pos - typed.length, options: options(data.globals), validFor: /^\w*$/ };
  };
}

// 1-based line, 0-based column (the sandbox's ErrorInfo) -> the span to underline:
// the word at the column, or one character (the line's last one past its end).
function errorRange(doc, lineNo, col) {
  const line = doc.line(Math.min(Math.max(lineNo, 1), doc.lines));
  // The sandbox counts characters (code points, as Python does); CodeMirror's offsets
  // are UTF-16 units, two for an emoji.
  const units = [...line.text].slice(0, Math.max(col ?? 0, 0)).join("").length;
  const start = Math.min(units, line.length);
  const word = /^[\p{L}\p{N}_]+/u.exec(line.text.slice(start));
  let from = line.from + start;
  let to = from + (word ? word[0].length : 1);
  if (to > line.to) { from = Math.max(line.from, line.to - 1); to = line.to; }
  return { from, to };
}

// "#0e1117", "#fff" or "rgb(14, 17, 23)" -> [r, g, b]; null if neither.
function parseColor(text) {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join("") : hex[1];
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  }
  const rgb = text.match(/\d+(\.\d+)?/g);
  return /^rgba?\(/.test(text) && rgb ? rgb.slice(0, 3).map(Number) : null;
}

// Dark when Streamlit's background colour is dark (the theme's, light or dark).
function isDark(element) {
  const bg = getComputedStyle(element).getPropertyValue("--st-background-color").trim();
  const [r, g, b] = parseColor(bg) ?? [255, 255, 255];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
}

const theme = EditorView.theme({
  "&": { fontSize: "16px" },
  ".cm-content": { fontFamily: "var(--agp-ed-font)", padding: "6px 0" },
  ".cm-gutters": { fontFamily: "var(--agp-ed-font)" },
  ".cm-scroller": { overflow: "auto", lineHeight: "1.5" },
});

/**
 * Mount an editor in `parent`.
 * opts: { doc, label, completions, onRun(code), onBlur(code), minLines }
 * Returns { view, setDoc(text), getDoc(), setError(error|null), updateTheme() }.
 */
export function mountEditor(parent, opts) {
  let data = opts.completions;
  const wrapper = parent;
  const contentAttrs = new Compartment();
  // Whether Tab edits: not while focus only passes through (it arrived by Tab, or after
  // Escape), so Tab and Shift+Tab move on; a click or any other key in the text means
  // the learner is editing, and Tab indents from then until the editor loses focus.
  let editing = false;
  const tabKeys = keymap.of([{
    key: "Tab",
    run: (view) => editing && indentMore(view),
    shift: (view) => editing && indentLess(view),
  }]);
  const runKeys = keymap.of([
    // Ctrl+Enter and Cmd+Enter on every system (a Mac user may press either).
    { key: "Ctrl-Enter", run: (view) => { opts.onRun(view.state.doc.toString()); return true; } },
    { key: "Meta-Enter", run: (view) => { opts.onRun(view.state.doc.toString()); return true; } },
  ]);
  const state = EditorState.create({
    doc: opts.doc,
    extensions: [
      runKeys,
      lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(),
      drawSelection(), indentOnInput(), bracketMatching(), closeBrackets(),
      highlightActiveLine(), indentUnit.of("    "), EditorState.tabSize.of(4),
      new LanguageSupport(pythonLanguage), syntaxHighlighting(classHighlighter),
      autocompletion({ override: [completionSource(() => data), localCompletionSource],
        icons: true, activateOnTyping: true }),
      lintGutter(),
      keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap,
        ...completionKeymap, ...lintKeymap]), tabKeys,
      contentAttrs.of(EditorView.contentAttributes.of({ "aria-label": opts.label })),
      EditorView.editorAttributes.of({ class: "agp-cm" }), EditorView.lineWrapping,
      EditorView.domEventHandlers({
        blur: (_event, view) => {
          editing = false;
          opts.onBlur(view.state.doc.toString());
          return false;
        },
      }),
      // Observers see every event, also the keys a keymap handles (Enter, arrows).
      EditorView.domEventObservers({
        mousedown: () => { editing = true; },
        touchstart: () => { editing = true; },
        keydown: (event) => {
          if (event.key === "Escape") editing = false;
          else if (!["Tab", "Shift", "Control", "Alt", "Meta"].includes(event.key)) editing = true;
        },
      }),
      theme,
    ],
  });
  const view = new EditorView({ state, parent: wrapper });

  function updateTheme() {
    const dark = isDark(wrapper);
    if (dark !== wrapper.classList.contains("agp-ed-dark")) wrapper.classList.toggle("agp-ed-dark", dark);
  }
  updateTheme();

  return {
    view,
    getDoc: () => view.state.doc.toString(),
    setDoc(text) {
      if (text === view.state.doc.toString()) return;
      // Its own undo step: typed just before (within CodeMirror's 500 ms grouping), the
      // learner's text would be undone together with the server's replacement.
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text },
                      annotations: isolateHistory.of("full") });
    },
    setLabel(label) {
      view.dispatch({ effects: contentAttrs.reconfigure(
        EditorView.contentAttributes.of({ "aria-label": label })) });
    },
    setCompletions(next) { data = next; },
    setError(error) {
      const diagnostics = [];
      if (error && error.line) {
        const { from, to } = errorRange(view.state.doc, error.line, error.col);
        diagnostics.push({ from, to, severity: "error", message: error.message, source: "Run" });
      }
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    updateTheme,
  };
}
