/* 收费看板: draws each [data-chart] element from its JSON endpoint (data-src) with ECharts.
 * ECharts (static/js/echarts.min.js) is Apache ECharts 6.1.0 from the npm registry, Apache License 2.0.
 * Every chart has its table beside it, rendered by the server, so the page reads and prints without this file. */
(function () {
  "use strict";

  var money = function (v) { return Number(v); };
  var palette = ["#1f6feb", "#d4380d", "#389e0d", "#faad14", "#722ed1", "#13c2c2", "#eb2f96", "#8c8c8c", "#a0d911"];

  var builders = {
    series: function (data) {
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 70, right: 20, top: 30, bottom: 30 },
        xAxis: { type: "category", data: data.days },
        yAxis: { type: "value" },
        series: [
          { name: "累计当期实收", type: "line", showSymbol: false, data: data.collected.map(money), areaStyle: { opacity: 0.1 } },
          { name: "目标线", type: "line", showSymbol: false, lineStyle: { type: "dashed" }, data: data.target_line.map(money) },
          { name: "累计当期应收", type: "line", showSymbol: false, lineStyle: { opacity: 0.5 }, data: data.due.map(money) }
        ],
        color: palette
      };
    },
    aging: function (data) {
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 80, right: 20, top: 20, bottom: 30 },
        xAxis: { type: "category", data: data.buckets.map(function (b) { return b.bucket; }) },
        yAxis: { type: "value" },
        series: [{ name: "欠费本金", type: "bar", data: data.buckets.map(function (b) { return money(b.principal); }),
          itemStyle: { color: function (p) { return p.dataIndex === 6 ? "#d4380d" : "#1f6feb"; } } }]
      };
    },
    buildings: function (data) {
      var rows = data.buildings.slice().sort(function (a, b) { return money(b.principal) - money(a.principal); }).slice(0, 30);
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 80, right: 20, top: 20, bottom: 60 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.building; }), axisLabel: { rotate: 45 } },
        yAxis: { type: "value" },
        series: [{ name: "欠费本金", type: "bar", data: rows.map(function (r) { return money(r.principal); }) }],
        color: palette
      };
    },
    league: function (data) {
      var rows = data.staff.slice(0, 30).reverse();
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 90, right: 20, top: 10, bottom: 30 },
        yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
        xAxis: { type: "value" },
        series: [{ name: "负责期间收款", type: "bar", data: rows.map(function (r) { return money(r.collected); }) }],
        color: palette
      };
    },
    departments: function (data) {
      var rows = data.departments.slice().reverse();
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 90, right: 20, top: 10, bottom: 30 },
        yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
        xAxis: { type: "value" },
        series: [{ name: "负责期间收款", type: "bar", data: rows.map(function (r) { return money(r.collected); }) }],
        color: ["#389e0d"]
      };
    },
    objections: function (data) {
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0, type: "scroll" },
        grid: { left: 50, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: data.weeks.map(function (w) { return w.week; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: data.categories.map(function (c, i) {
          return { name: c.label, type: "bar", stack: "all", data: data.weeks.map(function (w) { return w.counts[i]; }) };
        }),
        color: palette
      };
    }
  };

  function draw(element) {
    var build = builders[element.getAttribute("data-chart")];
    if (!build || !window.echarts) { return; }
    fetch(element.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        var chart = window.echarts.init(element, null, { renderer: "canvas" });
        chart.setOption(build(data));
        element.setAttribute("data-drawn", "true");
        window.addEventListener("resize", function () { chart.resize(); });
      })
      .catch(function () { element.setAttribute("data-drawn", "failed"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  });
})();
