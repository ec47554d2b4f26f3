// A KPI's weekly trend as a line, from the JSON the page embeds. The table beside the chart
// carries the same numbers for screen readers and for when this script cannot run. Weeks
// without a reliable value are null: Chart.js leaves a gap rather than drawing a guess.
(function () {
  var canvas = document.getElementById("trend-chart");
  var source = document.getElementById("trend-data");
  if (!canvas || !source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [{ label: data.label, data: data.values, borderColor: "#1f5fbf",
                   backgroundColor: "#1f5fbf", spanGaps: false, tension: 0 }]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { title: { display: true, text: data.x_title } },
        y: { title: { display: true, text: data.axis } }
      }
    }
  });
})();
