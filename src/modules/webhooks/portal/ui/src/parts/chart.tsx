/** The endpoint's last 24 hours: successful and failed deliveries per hour, and p95 time. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Timeseries } from '../types';

const HEIGHT = 240;

export function DeliveriesChart({ series }: { series: Timeseries }) {
  const box = useRef<HTMLDivElement>(null);
  const total = series.buckets.reduce((sum, b) => sum + b.successful + b.failed, 0);
  const failed = series.buckets.reduce((sum, b) => sum + b.failed, 0);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    // Each bucket drawn at its middle, the axis spanning whole buckets, so no bar is cut off.
    const half = series.bucketSeconds / 2;
    const starts = series.buckets.map((b) => Date.parse(b.start) / 1000);
    const xRange: [number, number] = starts.length
      ? [starts[0], starts[starts.length - 1] + series.bucketSeconds]
      : [Date.now() / 1000 - 86400, Date.now() / 1000];
    // An empty hour draws no bar (rather than a flat line along the axis).
    const bar = (count: number) => (count === 0 ? null : count);
    const data: uPlot.AlignedData = [
      starts.map((start) => start + half),
      series.buckets.map((b) => bar(b.successful)),
      series.buckets.map((b) => bar(b.failed)),
      series.buckets.map((b) => b.p95ResponseTimeMs),
    ];
    const bars = (align: -1 | 1) => uPlot.paths.bars!({ size: [0.4, 40], align, gap: 1 });
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 280),
        height: HEIGHT,
        scales: {
          x: { time: true, range: () => xRange },
          count: { range: (_u, _min, max) => [0, Math.max(max ?? 0, 1)] },
        },
        axes: [
          {},
          { scale: 'count', label: 'Deliveries', size: 50 },
          { scale: 'ms', side: 1, label: 'p95 (ms)', grid: { show: false }, size: 60 },
        ],
        series: [
          {},
          {
            label: 'Successful',
            scale: 'count',
            stroke: '#1a7f37',
            fill: 'rgba(26, 127, 55, 0.6)',
            paths: bars(-1),
            points: { show: false },
          },
          {
            label: 'Failed',
            scale: 'count',
            stroke: '#cf222e',
            fill: 'rgba(207, 34, 46, 0.6)',
            paths: bars(1),
            points: { show: false },
          },
          { label: 'p95 response time', scale: 'ms', stroke: '#0550ae', width: 2, spanGaps: false },
        ],
        legend: { live: false },
        cursor: { show: false },
      },
      data,
      element,
    );
    // Follows the box's width (narrow screens, rotated phones), a frame later and only when it
    // changed, so resizing never feeds back into the observer.
    let frame = 0;
    let width = element.clientWidth;
    const resize = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (element.clientWidth === width) return;
        width = element.clientWidth;
        plot.setSize({ width: Math.max(width, 280), height: HEIGHT });
      });
    });
    resize.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
      plot.destroy();
    };
  }, [series]);

  return (
    <figure class="chart">
      <div
        ref={box}
        role="img"
        aria-label="Deliveries in the last 24 hours"
        aria-describedby="chart-summary"
      />
      <figcaption id="chart-summary">
        {total === 0
          ? 'No deliveries in the last 24 hours.'
          : `${total} deliveries in the last 24 hours, ${failed} failed (bars per hour; the line is the p95 response time).`}
      </figcaption>
    </figure>
  );
}
