// mubiao — the milestone charts of the plan page. The figures and their words come from the page
// (json_script); this only draws them with the locally served ECharts.
(function () {
  "use strict";

  var COLOURS = { committed: "#1f3a5f", stretch: "#8fa9cc", met: "#2d6a36", unmet: "#d0433b" };

  // A tooltip formatter's result is HTML: every word and figure from the data goes in as text.
  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function draw(element, chart) {
    var labels = chart.labels;
    var series = [
      { name: labels.committed, type: "bar", data: chart.annual.committed, itemStyle: { color: COLOURS.committed } },
      { name: labels.stretch, type: "bar", data: chart.annual.stretch, itemStyle: { color: COLOURS.stretch } }
    ];
    if (chart.flow) {
      series.push(
        { name: labels.cumulative_committed, type: "line", data: chart.cumulative.committed,
          itemStyle: { color: COLOURS.committed }, lineStyle: { width: 2 } },
        { name: labels.cumulative_stretch, type: "line", data: chart.cumulative.stretch,
          itemStyle: { color: COLOURS.stretch }, lineStyle: { width: 2, type: "dashed" } }
      );
    }
    series.push({
      name: labels.milestone,
      type: "scatter",
      symbol: "diamond",
      symbolSize: 16,
      z: 10,
      itemStyle: { color: "#6b7684" },  // the legend's swatch; each point is green (met) or red (unmet)
      data: chart.milestones.map(function (m) {
        return { value: [m.year, m.value], milestone: m, itemStyle: { color: m.met ? COLOURS.met : COLOURS.unmet } };
      }),
      tooltip: {
        formatter: function (point) {
          var m = point.data.milestone;
          var level = m.level === "committed" ? labels.committed : labels.stretch;
          return [
            m.year + " " + level,
            labels.milestone + ": " + m.value + " " + chart.unit,
            labels.reached + ": " + m.reached + " " + chart.unit,
            m.met ? labels.met : labels.unmet
          ].map(escapeHtml).join("<br>");
        }
      }
    });
    var plot = window.echarts.init(element, null, { renderer: "canvas" });
    plot.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 64, bottom: 28 },
      legend: { top: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 11 } },
      toolbox: { right: 4, top: 24, feature: { saveAsImage: {
        title: (document.documentElement.lang || "").indexOf("en") === 0 ? "Save as image" : "保存为图片",
        name: "mubiao-milestones", pixelRatio: 2, backgroundColor: "#ffffff"
      } } },
      tooltip: { trigger: "item" },
      xAxis: { type: "category", data: chart.years },
      yAxis: { type: "value", name: chart.unit, nameTextStyle: { padding: [0, 24, 0, 0] } },
      series: series
    });
    window.addEventListener("resize", function () { plot.resize(); });
  }

  function start() {
    var source = document.getElementById("mubiao-charts");
    if (!source) return;
    if (!window.echarts) {
      var missing = document.querySelector(".chart-missing");
      if (missing) missing.hidden = false;
      return;
    }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll(".chart[data-chart-index]").forEach(function (element) {
      draw(element, charts[Number(element.dataset.chartIndex)]);
      element.dataset.drawn = "true";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
