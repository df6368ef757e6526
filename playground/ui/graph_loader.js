// Graphviz (wasm) and Panzoom for the graph view, loaded once per page from this server
// (static/graph.js): the promise is shared by every graph view on the page and by the
// preloader, which app.py mounts first thing so the bundle loads while the server is
// still running the page (playground/ui/graph_view.py). Python puts this file before
// each of those components' own script.

const LIB_URL = "app/static/graph.js";

function library() {
  if (!window.__agpGraphLib) {
    window.__agpGraphLib = import(new URL(LIB_URL, document.baseURI).href)
      .then(async (lib) => ({ viz: await lib.graphviz(), Panzoom: lib.Panzoom }))
      .catch((err) => {
        window.__agpGraphLib = null; // let the next graph try again
        throw err;
      });
  }
  return window.__agpGraphLib;
}
