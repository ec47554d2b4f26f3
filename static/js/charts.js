// Draws every <canvas data-chart="ID"> from the JSON of the element ID (templates/charts/_chart.html,
// built by common/charts.py). A series with an interval gets two hidden datasets, its low and high
// bounds, filled between them as a band; the tooltip shows the value, the interval and n as the
// table beside the chart writes them. The words come from the canvas's data-word-* attributes,
// translated by the template. Nulls are gaps: Chart.js draws no line and no band through them.
(function () {
  if (!window.Chart) return;
  var palette = ["#1f5fbf", "#b3261e", "#1e7b46", "#9a6200", "#6a3fb5", "#00838f", "#5b6575", "#c2185b"];

  function translucent(hex) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + ",0.18)";
  }

  function datasetsOf(data) {
    var out = [];
    data.datasets.forEach(function (set, i) {
      var colour = palette[i % palette.length];
      if (set.low && set.high) {
        // "band" marks the bounds so the legend and the tooltip leave them out.
        out.push({ type: "line", label: set.label, band: "low", series: i, data: set.low, borderWidth: 0,
                   pointRadius: 0, pointHitRadius: 0, fill: false, spanGaps: false, tension: 0,
                   stepped: data.stepped ? "middle" : false });
        out.push({ type: "line", label: set.label, band: "high", series: i, data: set.high, borderWidth: 0,
                   pointRadius: 0, pointHitRadius: 0, fill: "-1", backgroundColor: translucent(colour),
                   spanGaps: false, tension: 0, stepped: data.stepped ? "middle" : false });
      }
      out.push({ label: set.label, series: i, data: set.values, borderColor: colour, backgroundColor: colour,
                 spanGaps: false, tension: 0, borderWidth: 2, stepped: data.stepped ? "middle" : false,
                 pointRadius: data.stepped ? 0 : 3, borderDash: i === 1 && data.stepped ? [6, 3] : undefined });
    });
    return out;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var words = { interval: canvas.dataset.wordInterval, n: canvas.dataset.wordN };
    var main = function (item) { return !item.dataset.band; };
    new window.Chart(canvas, {
      type: data.type,
      data: { labels: data.labels, datasets: datasetsOf(data) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: data.datasets.length > 1, labels: { filter: function (item, chart) {
            return !chart.datasets[item.datasetIndex].band;
          } } },
          tooltip: {
            filter: main,
            callbacks: {
              label: function (item) {
                var set = data.datasets[item.dataset.series];
                return set.label + ": " + set.texts[item.dataIndex];
              },
              afterLabel: function (item) {
                var set = data.datasets[item.dataset.series];
                var lines = [];
                if (set.intervals[item.dataIndex]) lines.push(words.interval + ": " + set.intervals[item.dataIndex]);
                if (set.n[item.dataIndex] !== null) lines.push(words.n + " = " + set.n[item.dataIndex]);
                return lines;
              }
            }
          }
        },
        scales: {
          x: { title: { display: !!data.x_title, text: data.x_title },
               ticks: { autoSkip: true, maxTicksLimit: 14 } },
          y: { min: data.y.min === null ? undefined : data.y.min, max: data.y.max === null ? undefined : data.y.max,
               beginAtZero: data.y.begin_at_zero, ticks: data.y.integer ? { precision: 0 } : {},
               title: { display: !!data.axis, text: data.axis } }
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
