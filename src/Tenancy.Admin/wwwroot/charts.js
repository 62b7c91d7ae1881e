// Draws the portal's charts with ApexCharts (wwwroot/lib/apexcharts, MIT, pinned to 4.7.0).
// Components/Charts/TimeChart.razor sends plain options built in C#; this module adds what JSON
// cannot carry: functions (click handler, UTC labels), the portal's theme colours, and whether
// to animate, light or dark. One chart per element.
import ApexCharts from "./lib/apexcharts/apexcharts.esm.js";

const charts = new WeakMap();
const drawn = new Set();

// Light or dark changed (theme.js): draw every chart again in the new colours.
document.addEventListener("portal-theme-changed", () => {
  for (const element of drawn) {
    const entry = charts.get(element);
    if (entry) {
      entry.chart.updateOptions(withPortalBehaviour(entry.options, entry.dotNetRef), true, false);
    }
  }
});

export function render(element, options, dotNetRef) {
  destroy(element);
  const chart = new ApexCharts(element, withPortalBehaviour(options, dotNetRef));
  charts.set(element, { chart, dotNetRef, options });
  drawn.add(element);
  return chart.render();
}

export function update(element, options) {
  const entry = charts.get(element);
  if (!entry) {
    return Promise.resolve();
  }
  entry.options = options;
  const full = withPortalBehaviour(options, entry.dotNetRef);
  return entry.chart.updateOptions(full, true, full.chart.animations.enabled);
}

export function destroy(element) {
  const entry = charts.get(element);
  if (entry) {
    charts.delete(element);
    drawn.delete(element);
    entry.chart.destroy();
  }
}

function withPortalBehaviour(options, dotNetRef) {
  const css = getComputedStyle(document.documentElement);
  const color = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const animate = options.chart?.animations?.enabled !== false && !reducedMotion;
  const limits = (options.annotations?.yaxis ?? []).map(a => a.y);
  const limitColor = color("--mud-palette-error", "#c62828");

  const dark = document.documentElement.dataset.theme === "dark";

  return {
    ...options,
    theme: { mode: dark ? "dark" : "light" },
    chart: {
      ...options.chart,
      background: "transparent",
      fontFamily: "inherit",
      foreColor: color("--mud-palette-text-secondary", "#616161"),
      toolbar: { show: false },
      zoom: { enabled: false },
      animations: { ...options.chart?.animations, enabled: animate },
      events: clickEvents(options.chart?.type, dotNetRef),
    },
    grid: { borderColor: color("--mud-palette-lines-default", "#e0e0e0") },
    annotations: {
      yaxis: (options.annotations?.yaxis ?? []).map(a => ({
        ...a,
        borderColor: limitColor,
        strokeDashArray: 6,
        label: { ...a.label, borderColor: limitColor, style: { color: color("--mud-palette-error-text", "#fff"), background: limitColor } },
      })),
    },
    yaxis: {
      ...options.yaxis,
      // ApexCharts scales the axis to the data only: a limit above every value would be off the chart.
      max: limits.length ? max => Math.max(max, ...limits) : undefined,
      labels: { formatter: value => formatNumber(value) },
    },
    // Times in UTC and, like the rest of the portal, to the minute (ApexCharts' default shows seconds).
    xaxis: {
      ...options.xaxis,
      labels: { ...options.xaxis?.labels, datetimeUTC: true, datetimeFormatter: { year: "yyyy", month: "MMM yyyy", day: "dd MMM", hour: "HH:mm", minute: "HH:mm" } },
    },
    tooltip: { x: { formatter: value => utcMinute(value) }, y: { formatter: value => formatNumber(value) } },
  };
}

// Bars report the bar under the pointer (dataPointSelection); lines report the nearest point
// (markerClick fires for a click anywhere on the plot when the tooltip is shared). Each chart
// type listens to one of them only, so one click is reported once.
function clickEvents(type, dotNetRef) {
  const report = (_event, _chart, { seriesIndex, dataPointIndex }) => {
    if (seriesIndex >= 0 && dataPointIndex >= 0) {
      dotNetRef.invokeMethodAsync("OnPointClicked", seriesIndex, dataPointIndex);
    }
  };
  return type === "bar" ? { dataPointSelection: report } : { markerClick: report };
}

// The portal writes times as "2026-11-20 09:00 UTC" (Components/TimeText.cs).
function utcMinute(milliseconds) {
  return new Date(milliseconds).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function formatNumber(value) {
  return value === null || value === undefined ? "no data" : value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}
