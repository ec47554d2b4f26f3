// Arrivals by local hour of day as bars, from the JSON the page embeds. The table beside the
// chart carries the same numbers for screen readers and for when this script cannot run.
(function () {
  var canvas = document.getElementById("arrivals-chart");
  var source = document.getElementById("arrivals-data");
  if (!canvas || !source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: data.series, data: data.counts, backgroundColor: "#1f5fbf" }]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { title: { display: true, text: data.x_title } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: data.y_title } }
      }
    }
  });
})();
