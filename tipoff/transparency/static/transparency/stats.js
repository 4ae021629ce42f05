/* Draws each statistics table as a chart (vendored Chart.js), from the table itself.
 *
 * The table stays the page's content: the chart is an image of it for sighted
 * readers, labelled as such for screen readers, and a withheld count ("–") is a
 * gap in the chart, never a zero.
 */
(function () {
  "use strict";
  var PALETTE = ["#9b1b1f", "#d9822b", "#2b6cb0", "#6b7280", "#2f855a", "#805ad5"];

  function number(cell) {
    var raw = cell.getAttribute("data-value");
    return raw === null || raw === "" ? null : Number(raw);
  }

  function draw(table, holder) {
    var series = Array.prototype.slice.call(table.querySelectorAll("thead th[data-series]"));
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead tr > *"));
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var labels = rows.map(function (row) { return row.querySelector("th").textContent.trim(); });
    var datasets = series.map(function (th, i) {
      var column = headers.indexOf(th);
      return {
        label: th.textContent.trim(),
        data: rows.map(function (row) { return number(row.children[column]); }),
        backgroundColor: PALETTE[i % PALETTE.length],
      };
    });
    var horizontal = table.getAttribute("data-chart") === "hbar";
    var stacked = table.hasAttribute("data-stacked");
    var canvas = document.createElement("canvas");
    var caption = table.querySelector("caption").textContent.trim();
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", caption + " — " + holder.getAttribute("data-label"));
    holder.appendChild(canvas);
    if (horizontal) {
      holder.style.height = Math.max(12, 3 + rows.length * 2.2) + "rem";
    }
    holder.hidden = false;
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: stacked, beginAtZero: true }, y: { stacked: stacked, beginAtZero: true } },
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
      },
    });
    holder.setAttribute("data-drawn", "true");
  }

  function start() {
    if (!window.Chart) { return; }
    document.querySelectorAll("[data-chart-for]").forEach(function (holder) {
      var table = document.getElementById(holder.getAttribute("data-chart-for"));
      if (table && table.getAttribute("data-chart")) { draw(table, holder); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
