// Weekly mean effort as lines (one per team, or the agent's own), from the JSON the page
// embeds. The table beside the chart has the same numbers for screen readers and for when
// this script cannot run. Weeks withheld for anonymity are null: a gap, never a guess.
(function () {
  var canvas = document.getElementById("effort-chart");
  var source = document.getElementById("effort-data");
  if (!canvas || !source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  var colours = ["#1f5fbf", "#b5470b", "#2e7d32", "#6a1b9a", "#00838f", "#8d6e00"];
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set, i) {
        var colour = colours[i % colours.length];
        return { label: set.label, data: set.values, borderColor: colour, backgroundColor: colour,
                 spanGaps: false, tension: 0 };
      })
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: data.datasets.length > 1 } },
      scales: {
        x: { title: { display: true, text: data.x_title } },
        y: { min: 1, max: 7, title: { display: true, text: data.axis } }
      }
    }
  });
})();
