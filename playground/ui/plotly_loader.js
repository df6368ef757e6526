// plotly.js for the pages' charts (the studio's player, the lab's loop chart): loaded
// once from this server, the promise shared by every component on the page. Python
// puts this file before each component's own script (playground/ui/player.py).

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__agpPlotly) {
    window.__agpPlotly = new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = new URL("app/static/plotly.min.js", document.baseURI).href;
      tag.onload = () => resolve(window.Plotly);
      tag.onerror = () => reject(new Error("plotly.js could not be loaded"));
      document.head.appendChild(tag);
    });
  }
  return window.__agpPlotly;
}
