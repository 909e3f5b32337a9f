/// <reference lib="dom" />
/**
 * Draws a report section's chart with Chart.js (MIT), in the report pages' chunk (never in the
 * console's first load). The page hands over plain labels and series, already in the reader's
 * language, with suppressed cells as null (a gap or a missing bar, never a number).
 *
 * Colour is never the only signal: line series differ by dash and point shape, stacked and grouped
 * bars by fill pattern, and the legend shows both. Chart.js draws on a canvas and sets sizes through
 * the CSSOM, which the console's CSP (no inline script or style) allows.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartDataset,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

export interface ChartSeries {
  label: string;
  /** null: suppressed or not applicable, drawn as a gap. */
  values: (number | null)[];
}

export interface ChartSpec {
  kind: 'line' | 'bar' | 'stacked';
  /** Category labels along the axis (days already formatted, paths, names). */
  labels: string[];
  series: ChartSeries[];
  /** The language of the labels, for number formatting on the axis. */
  locale: string;
  /** Every series counts something (whole numbers on the value axis). */
  integers: boolean;
  /** Per label: some value there is suppressed; the chart writes `suppressedMark` at its foot instead of drawing nothing. */
  suppressedAt: boolean[];
  suppressedMark: string;
}

/** Dark enough for 3:1 against white (WCAG 1.4.11), and told apart by pattern or dash as well. */
const COLOURS = ['#0b57d0', '#b3261e', '#146c2e', '#7a4b00', '#6a1b9a', '#00607a'];
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2]];
const POINTS = ['circle', 'triangle', 'rect', 'rectRot', 'crossRot', 'star'] as const;

/** A small tile filled with the colour and a pattern of white lines or dots, repeated over a bar. */
function pattern(index: number): CanvasPattern | string {
  const colour = COLOURS[index % COLOURS.length]!;
  const tile = document.createElement('canvas');
  tile.width = 10;
  tile.height = 10;
  const ctx = tile.getContext('2d');
  if (!ctx) return colour;
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 10, 10);
  ctx.strokeStyle = '#ffffff';
  ctx.fillStyle = '#ffffff';
  ctx.lineWidth = 2;
  switch (index % 4) {
    case 0: // solid
      break;
    case 1: // diagonal lines
      ctx.beginPath();
      ctx.moveTo(0, 10);
      ctx.lineTo(10, 0);
      ctx.moveTo(-5, 5);
      ctx.lineTo(5, -5);
      ctx.moveTo(5, 15);
      ctx.lineTo(15, 5);
      ctx.stroke();
      break;
    case 2: // dots
      ctx.beginPath();
      ctx.arc(5, 5, 2, 0, 2 * Math.PI);
      ctx.fill();
      break;
    default: // horizontal lines
      ctx.fillRect(0, 4, 10, 2);
  }
  return ctx.createPattern(tile, 'repeat') ?? colour;
}

function datasets(spec: ChartSpec): ChartDataset<'line' | 'bar', (number | null)[]>[] {
  return spec.series.map((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    if (spec.kind === 'line') {
      return {
        type: 'line',
        label: s.label,
        data: s.values,
        borderColor: colour,
        backgroundColor: colour,
        borderDash: DASHES[i % DASHES.length],
        pointStyle: POINTS[i % POINTS.length],
        pointRadius: 4,
        // A suppressed day is a gap in the line, not a dip to zero.
        spanGaps: false,
      };
    }
    return { type: 'bar', label: s.label, data: s.values, backgroundColor: pattern(i), borderColor: colour, borderWidth: 1 };
  });
}

/** Writes the mark ("< 5") where suppressed values would stand, so a gap reads as "too few to show", not as zero or missing data. */
function suppressedMarks(spec: ChartSpec, horizontal: boolean): Plugin<'line' | 'bar'> {
  return {
    id: 'suppressedMarks',
    afterDatasetsDraw(chart) {
      const index = horizontal ? chart.scales.y : chart.scales.x;
      const value = horizontal ? chart.scales.x : chart.scales.y;
      if (!index || !value) return;
      const { ctx } = chart;
      ctx.save();
      ctx.fillStyle = String(Chart.defaults.color);
      ctx.font = `${Chart.defaults.font.size ?? 12}px ${Chart.defaults.font.family}`;
      ctx.textAlign = horizontal ? 'left' : 'center';
      ctx.textBaseline = horizontal ? 'middle' : 'bottom';
      const base = value.getPixelForValue(0);
      spec.suppressedAt.forEach((suppressed, i) => {
        if (!suppressed) return;
        const at = index.getPixelForValue(i);
        if (horizontal) ctx.fillText(spec.suppressedMark, base + 4, at);
        else ctx.fillText(spec.suppressedMark, at, base - 4);
      });
      ctx.restore();
    },
  };
}

/** Draws the chart on the canvas; returns a function that removes it (the page calls it on unmount). */
export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): () => void {
  const style = getComputedStyle(canvas);
  // The console's font stack (Thai first), so Thai labels render as in the rest of the page.
  Chart.defaults.font.family = style.fontFamily;
  Chart.defaults.color = style.color;
  const horizontal = spec.kind === 'bar';
  const numbers = new Intl.NumberFormat(spec.locale);
  const valueTicks = { precision: spec.integers ? 0 : 2, callback: (v: number | string) => numbers.format(Number(v)) };
  const config: ChartConfiguration<'line' | 'bar', (number | null)[], string> = {
    type: spec.kind === 'line' ? 'line' : 'bar',
    data: { labels: spec.labels, datasets: datasets(spec) },
    plugins: [suppressedMarks(spec, horizontal)],
    options: {
      // Long labels (paths, names) read better down the side than slanted along the bottom.
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: 'bottom', labels: { usePointStyle: spec.kind === 'line' } } },
      scales: {
        // Counts are whole numbers: no 0.5 steps on the value axis.
        x: { stacked: spec.kind === 'stacked', beginAtZero: true, ...(horizontal ? { ticks: valueTicks } : {}) },
        y: { stacked: spec.kind === 'stacked', beginAtZero: true, ...(horizontal ? {} : { ticks: valueTicks }) },
      },
    },
  };
  const chart = new Chart(canvas, config);
  return () => chart.destroy();
}

// Printing lays the page out at the paper's width: charts follow it instead of keeping the screen's.
if (typeof window !== 'undefined') {
  window.addEventListener('beforeprint', () => {
    for (const chart of Object.values(Chart.instances)) chart.resize();
  });
  window.addEventListener('afterprint', () => {
    for (const chart of Object.values(Chart.instances)) chart.resize();
  });
}
