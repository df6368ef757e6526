// The graph view's libraries, bundled into static/graph.js: Graphviz compiled to
// WebAssembly (@viz-js/viz) lays out the DOT in the browser, so the server spends no CPU
// on layout and needs no `dot` binary; @panzoom/panzoom gives drag, pinch and wheel.
import Panzoom from "@panzoom/panzoom";
import { graphvizVersion, instance } from "@viz-js/viz";

let viz;

/** The Graphviz instance, compiled once per page (the wasm is inlined in this file). */
export function graphviz() {
  viz ??= instance();
  return viz;
}

export { Panzoom, graphvizVersion };
