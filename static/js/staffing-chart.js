// Required vs scheduled agents for each hour of the week (Monday 00 first), from the JSON the
// page embeds. The grid under the chart carries the same numbers.
(function () {
  var canvas = document.getElementById("staffing-chart");
  var source = document.getElementById("staffing-data");
  if (!canvas || !source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.required_label, data: data.required, borderColor: "#b3261e",
          backgroundColor: "#b3261e", stepped: "middle", pointRadius: 0, borderWidth: 2 },
        { label: data.scheduled_label, data: data.scheduled, borderColor: "#1f5fbf",
          backgroundColor: "#1f5fbf", stepped: "middle", pointRadius: 0, borderWidth: 2,
          borderDash: [6, 3] }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { ticks: { autoSkip: true, maxTicksLimit: 14 } },
        y: { beginAtZero: true, title: { display: true, text: data.y_title } }
      }
    }
  });
})();
