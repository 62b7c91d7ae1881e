// Draws the portal's charts with ApexCharts (wwwroot/lib/apexcharts, MIT, pinned to 4.7.0).
// Components/Charts (TimeChart, DonutChart, through ChartBase) send plain options and series
// built in C#; this module adds what JSON cannot carry: functions (click handlers, formatters of
// bytes, counts and times), the portal's theme colours, and whether to animate. It keeps each
// chart's size in step with its box (a ResizeObserver of its own, not ApexCharts' window and
// parent listeners) and runs the calls for one element one after another, so an update that
// arrives while the first drawing is still under way waits for it. Light or dark follows the
// portal's theme (theme.js announces a change; every chart is drawn again). One chart per element.
import ApexCharts from "./lib/apexcharts/apexcharts.esm.js";

const charts = new WeakMap();
const drawn = new Set();

// Light or dark changed (theme.js): draw every chart again in the new colours.
document.addEventListener("portal-theme-changed", () => {
  for (const element of drawn) {
    const entry = charts.get(element);
    if (entry) {
      update(element, entry.options, entry.series);
    }
  }
});

// ApexCharts' own palette, for series the portal gives no colour of its theme.
const DEFAULT_COLORS = ["#008FFB", "#00E396", "#FEB019", "#FF4560", "#775DD0"];

export function render(element, options, series, dotNetRef) {
  destroy(element);
  const animate = wantsAnimation(options);
  const chart = new ApexCharts(element, build(options, series, dotNetRef, animate));
  const entry = { chart, dotNetRef, animate, options, series, observer: null, frame: 0, width: 0, queue: null };
  charts.set(element, entry);
  drawn.add(element);
  entry.queue = chart.render().then(() => observeSize(element, entry));
  return entry.queue;
}

// Only the data changed: the same chart, new points.
export function updateSeries(element, series) {
  return enqueue(element, entry => {
    entry.series = series;
    return entry.chart.updateSeries(series, entry.animate);
  });
}

export function update(element, options, series) {
  return enqueue(element, entry => {
    entry.options = options;
    entry.series = series;
    entry.animate = wantsAnimation(options);
    return entry.chart.updateOptions(build(options, series, entry.dotNetRef, entry.animate), true, entry.animate);
  });
}

export function destroy(element) {
  const entry = charts.get(element);
  if (!entry) {
    return;
  }
  charts.delete(element);
  drawn.delete(element);
  entry.observer?.disconnect();
  cancelAnimationFrame(entry.frame);
  // After whatever is under way, so ApexCharts never draws into a chart it has torn down.
  entry.queue.catch(() => {}).then(() => entry.chart.destroy());
}

function enqueue(element, work) {
  const entry = charts.get(element);
  if (!entry) {
    return Promise.resolve();
  }
  entry.queue = entry.queue.catch(() => {}).then(() => (charts.get(element) === entry ? work(entry) : undefined));
  return entry.queue;
}

// Redraws at the new width when the box's width changes (the window, a panel opening beside it);
// at most once a frame, and not for height changes (the chart's own drawing changes the height).
function observeSize(element, entry) {
  if (charts.get(element) !== entry || typeof ResizeObserver === "undefined") {
    return;
  }
  entry.width = element.clientWidth;
  entry.observer = new ResizeObserver(() => {
    const width = element.clientWidth;
    if (width === entry.width || width === 0) {
      return;
    }
    entry.width = width;
    cancelAnimationFrame(entry.frame);
    // ApexCharts' own redraw for a new size (what its window and parent listeners call; pinned
    // 4.7.0): it measures the box again. updateOptions does not: it keeps the drawn size.
    entry.frame = requestAnimationFrame(() => enqueue(element, e => e.chart._windowResize()));
  });
  entry.observer.observe(element);
}

function wantsAnimation(options) {
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  return options.chart?.animations?.enabled !== false && !reducedMotion;
}

function build(options, series, dotNetRef, animate) {
  const { portal, ...apex } = options;
  const css = getComputedStyle(document.documentElement);
  const color = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  // Neutral is the theme's grey, a plain colour: ApexCharts applies a series' opacity to plain
  // colours only (the secondary text colour is rgba, which would keep its own alpha).
  const tone = name => color(`--mud-palette-${name === "neutral" ? "gray-default" : name}`, "#9e9e9e");
  const colors = portal.tones.some(t => t) ? portal.tones.map((t, i) => (t ? tone(t) : DEFAULT_COLORS[i % DEFAULT_COLORS.length])) : undefined;
  const dark = document.documentElement.dataset.theme === "dark";
  const chart = {
    ...apex.chart,
    background: "transparent",
    fontFamily: "inherit",
    foreColor: color("--mud-palette-text-secondary", "#616161"),
    toolbar: { show: false },
    zoom: { enabled: false },
    animations: { ...apex.chart?.animations, enabled: animate },
    // The ResizeObserver above redraws; ApexCharts' own listeners would redraw a second time.
    redrawOnParentResize: false,
    redrawOnWindowResize: false,
  };
  const built = portal.kind === "donut"
    ? donut(apex, series, portal, chart, colors, dotNetRef)
    : time(apex, series, portal, chart, colors, dotNetRef, tone, color("--mud-palette-lines-default", "#e0e0e0"), color("--mud-palette-error-text", "#fff"));
  return { ...built, theme: { mode: dark ? "dark" : "light" } };
}

function time(apex, series, portal, chart, colors, dotNetRef, tone, gridColor, labelText) {
  const bytes = portal.unit === "bytes";
  const value = bytes ? formatBytes : formatCount;
  const axisValue = bytes ? formatBytes : formatCountShort;
  const limits = apex.annotations.yaxis.map(a => a.y);
  const axes = (Array.isArray(apex.yaxis) ? apex.yaxis : [apex.yaxis]).map((axis, i) => ({
    ...axis,
    // ApexCharts scales the axis to the data only: a limit above every value would be off the chart.
    max: i === 0 && limits.length ? max => Math.max(max, Math.max(...limits) * 1.08) : undefined,
    forceNiceScale: true,
    labels: { formatter: axisValue },
  }));
  const markerColor = tone("neutral");
  const times = series.flatMap(s => s.data.map(point => point[0]));
  const first = Math.min(...times, apex.xaxis?.max ?? Infinity);
  const last = Math.max(...times, apex.xaxis?.max ?? -Infinity);
  return {
    ...apex,
    series,
    colors,
    chart: { ...chart, events: clickEvents(chart.type, dotNetRef) },
    grid: { borderColor: gridColor },
    yaxis: Array.isArray(apex.yaxis) ? axes : axes[0],
    annotations: {
      // Labels alternate left and right, so two lines close together (80 % and 100 %) stay readable.
      yaxis: apex.annotations.yaxis.map(({ tone: name, ...a }, i) => {
        const lineColor = tone(name ?? "error");
        const left = i % 2 === 0;
        return {
          ...a,
          borderColor: lineColor,
          strokeDashArray: name === "error" ? 0 : 6,
          label: {
            ...a.label,
            position: left ? "left" : "right",
            textAnchor: left ? "start" : "end",
            offsetX: left ? 4 : -4,
            borderColor: lineColor,
            style: { color: labelText, background: lineColor },
          },
        };
      }),
      // Quota changes: a dotted line at the moment, labelled who changed what; labels of changes
      // close together are staggered so they do not cover each other.
      // A label in the right half of the chart ends at its line, so it is not cut off at the edge.
      xaxis: apex.annotations.xaxis.map((a, i) => ({
        ...a,
        borderColor: markerColor,
        strokeDashArray: 2,
        label: {
          ...a.label,
          orientation: "horizontal",
          textAnchor: a.x > (first + last) / 2 ? "end" : "start",
          offsetY: (i % 3) * 22,
          borderColor: markerColor,
          style: { color: "#fff", background: markerColor },
        },
      })),
    },
    // Times in UTC and, like the rest of the portal, to the minute (ApexCharts' default shows seconds).
    xaxis: {
      ...apex.xaxis,
      labels: { ...apex.xaxis?.labels, datetimeUTC: true, datetimeFormatter: { year: "yyyy", month: "MMM yyyy", day: "dd MMM", hour: "HH:mm", minute: "HH:mm" } },
    },
    tooltip: {
      x: { formatter: utcAndLocal },
      y: { formatter: (v, context) => (v === null || v === undefined ? portal.nullTexts[context?.seriesIndex] ?? "no data" : value(v)) },
    },
  };
}

function donut(apex, series, portal, chart, colors, dotNetRef) {
  const textOf = v => {
    const i = series.indexOf(Number(v));
    return i >= 0 ? portal.valueTexts[i] : formatCount(Number(v));
  };
  return {
    ...apex,
    series,
    colors,
    chart: {
      ...chart,
      events: {
        dataPointSelection: (_event, _chart, { dataPointIndex }) => {
          if (portal.clickable[dataPointIndex]) {
            dotNetRef.invokeMethodAsync("OnSliceClicked", dataPointIndex).catch(() => {});
          }
        },
      },
    },
    stroke: { width: 1 },
    states: { active: { filter: { type: "none" } } },
    tooltip: { y: { formatter: (_v, { seriesIndex }) => portal.valueTexts[seriesIndex] } },
    plotOptions: {
      pie: {
        expandOnClick: false,
        donut: {
          size: "62%",
          labels: {
            show: Boolean(portal.totalText),
            value: { formatter: textOf },
            total: { show: true, showAlways: true, label: portal.totalLabel ?? "Total", formatter: () => portal.totalText },
          },
        },
      },
    },
  };
}

// Bars report the bar under the pointer (dataPointSelection); lines report the nearest point
// (markerClick fires for a click anywhere on the plot when the tooltip is shared). Each chart
// type listens to one of them only, so one click is reported once.
function clickEvents(type, dotNetRef) {
  const report = (_event, _chart, { seriesIndex, dataPointIndex }) => {
    if (seriesIndex >= 0 && dataPointIndex >= 0) {
      dotNetRef.invokeMethodAsync("OnPointClicked", seriesIndex, dataPointIndex).catch(() => {});
    }
  };
  return type === "bar" ? { dataPointSelection: report } : { markerClick: report };
}

// The portal writes times as "2026-11-20 09:00 UTC" (Components/TimeText.cs); a tooltip adds the
// reader's own time.
function utcMinute(milliseconds) {
  return new Date(milliseconds).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function utcAndLocal(milliseconds) {
  const local = new Date(milliseconds).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  return `${utcMinute(milliseconds)} · ${local} your time`;
}

// As Tenancy.Core's QuotaFormat: decimal units (1 GB = 1,000,000,000 bytes), at most one decimal, never rounded up.
const BYTE_UNITS = [[1e15, "PB"], [1e12, "TB"], [1e9, "GB"], [1e6, "MB"], [1e3, "KB"]];
const COUNT_UNITS = [[1e12, "T"], [1e9, "B"], [1e6, "M"]];

function scaled(value, units, below) {
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) {
      return (Math.trunc((value / size) * 10) / 10).toLocaleString("en-US", { maximumFractionDigits: 1 }) + " " + suffix;
    }
  }
  return below(value);
}

function formatBytes(value) {
  return scaled(value, BYTE_UNITS, v => Math.round(v).toLocaleString("en-US") + " B");
}

function formatCount(value) {
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

function formatCountShort(value) {
  return scaled(value, COUNT_UNITS, formatCount);
}
