// mubiao — the charts of the progress pages. The figures, colours and words come from the page
// (json_script "mubiao-dashboard"); this only draws them with the locally served ECharts.
(function () {
  "use strict";

  var COLOURS = { actual: "#2d8a3e", committed: "#1f3a5f", stretch: "#8fa9cc", grid: "#e3e8ef" };
  var PALETTE = ["#1f3a5f", "#2d8a3e", "#d39200", "#d0433b", "#1c5aa6", "#7a4fa0",
                 "#0f8a8a", "#a0522d", "#5f6b7a", "#c2185b", "#558b2f", "#ef6c00"];

  // ECharts' own toolbox: a chart can be saved as a picture for a slide or a bulletin.
  function saveAsImage(name) {
    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    return { right: 4, top: 0, feature: { saveAsImage: {
      title: english ? "Save as image" : "保存为图片", name: name, pixelRatio: 2, backgroundColor: "#ffffff"
    } } };
  }

  function unitAxis(chart) {
    return { type: "value", name: chart.unit, nameTextStyle: { padding: [0, 24, 0, 0] },
             splitLine: { lineStyle: { color: COLOURS.grid } } };
  }

  // The city's actual (line) against its committed target (dashed) per year, small and without axes' clutter.
  function sparkline(chart) {
    return {
      animation: false,
      grid: { left: 4, right: 4, top: 8, bottom: 18 },
      tooltip: { trigger: "axis", confine: true },
      xAxis: { type: "category", data: chart.years, boundaryGap: false,
               axisLine: { lineStyle: { color: "#b9c5d4" } }, axisTick: { show: false },
               axisLabel: { fontSize: 10, color: "#5f6b7a" } },
      yAxis: { type: "value", show: false, min: 0 },
      series: [
        { name: chart.labels.committed, type: "line", data: chart.committed, symbol: "none",
          lineStyle: { color: COLOURS.committed, width: 1.5, type: "dashed" }, itemStyle: { color: COLOURS.committed } },
        { name: chart.labels.actual, type: "line", data: chart.actual, symbol: "circle", symbolSize: 7, connectNulls: false,
          lineStyle: { color: COLOURS.actual, width: 2.5 }, itemStyle: { color: COLOURS.actual } }
      ]
    };
  }

  // Each unit's actual (coloured by its traffic light) beside its committed and stretch targets.
  function units(chart) {
    return {
      animation: false,
      grid: { left: 48, right: 16, top: 40, bottom: 28 },
      legend: { top: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 11 } },
      toolbox: saveAsImage("mubiao-units"),
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: chart.units, axisLabel: { interval: 0, fontSize: 11 } },
      yAxis: unitAxis(chart),
      series: [
        { name: chart.labels.committed, type: "bar", data: chart.committed, itemStyle: { color: COLOURS.committed } },
        { name: chart.labels.stretch, type: "bar", data: chart.stretch, itemStyle: { color: COLOURS.stretch } },
        { name: chart.labels.actual, type: "bar", itemStyle: { color: COLOURS.actual },
          data: chart.actual.map(function (point) {
            return { value: point.value, itemStyle: { color: point.light } };
          }) }
      ]
    };
  }

  // One line per unit: its actual value year by year.
  function trend(chart) {
    return {
      animation: false,
      color: PALETTE,
      grid: { left: 48, right: 16, top: 56, bottom: 28 },
      legend: { top: 0, type: "scroll", itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 11 } },
      toolbox: saveAsImage("mubiao-trend"),
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: chart.years },
      yAxis: unitAxis(chart),
      series: chart.series.map(function (series) {
        return { name: series.name, type: "line", data: series.values, symbol: "circle", symbolSize: 8,
                 connectNulls: false };
      })
    };
  }

  var KINDS = { sparkline: sparkline, units: units, trend: trend };

  function start() {
    var source = document.getElementById("mubiao-dashboard");
    if (!source) return;
    if (!window.echarts) {
      var missing = document.querySelector(".chart-missing");
      if (missing) missing.hidden = false;
      return;
    }
    var charts = JSON.parse(source.textContent);
    var plots = [];
    document.querySelectorAll(".chart[data-dashboard-chart]").forEach(function (element) {
      var chart = charts[Number(element.dataset.dashboardChart)];
      if (!chart || !KINDS[chart.kind]) return;
      var plot = window.echarts.init(element, null, { renderer: "canvas" });
      plot.setOption(KINDS[chart.kind](chart));
      plots.push(plot);
      element.dataset.drawn = "true";
    });
    window.addEventListener("resize", function () {
      plots.forEach(function (plot) { plot.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
