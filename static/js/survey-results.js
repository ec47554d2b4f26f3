// Survey results per group and week as lines, from the JSON the page embeds. The table below
// the chart carries the same figures for screen readers and when this script cannot run.
// Weeks without answers are null: Chart.js leaves a gap rather than drawing a guess.
(function () {
  var canvas = document.getElementById("survey-chart");
  var source = document.getElementById("survey-chart-data");
  if (!canvas || !source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  var colours = ["#1f5fbf", "#b3261e", "#1e7b46", "#9a6200", "#6a3fb5", "#00838f", "#5b6575", "#c2185b"];
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.weeks,
      datasets: data.series.map(function (s, i) {
        var c = colours[i % colours.length];
        return { label: s.label, data: s.data, borderColor: c, backgroundColor: c, spanGaps: false, tension: 0 };
      })
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: { title: { display: true, text: data.x_title } },
        y: { title: { display: true, text: data.label } }
      }
    }
  });
})();
