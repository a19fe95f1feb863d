/**
 * Hand-written SVG charts: no library, no eval, nothing for the CSP to allow. Colours are
 * presentation attributes, sizes come from the viewBox so the charts scale with their card.
 */

const PALETTE = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0891b2', '#ca8a04', '#dc2626', '#4b5563', '#0d9488', '#9333ea', '#65a30d'];

export function colorFor(key: string, keys: string[]): string {
  const i = keys.indexOf(key);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export interface StackDatum {
  x: string;
  parts: { key: string; value: number }[];
}

/** Stacked columns, one per day; a legend beneath names the keys. */
export function StackedBars(props: { data: StackDatum[]; keys: string[]; height?: number; label: string }) {
  const W = 1000;
  const H = props.height ?? 240;
  const pad = { l: 36, r: 8, t: 8, b: 22 };
  const max = niceMax(Math.max(0, ...props.data.map((d) => d.parts.reduce((a, p) => a + p.value, 0))));
  const bw = (W - pad.l - pad.r) / Math.max(1, props.data.length);
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const ticks = [0, max / 2, max];
  const every = Math.ceil(props.data.length / 8);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} stroke="#e5e7eb" />
            <text x={pad.l - 6} y={y(t) + 4} textAnchor="end" className="tick">
              {Math.round(t)}
            </text>
          </g>
        ))}
        {props.data.map((d, i) => {
          let acc = 0;
          return (
            <g key={d.x}>
              {d.parts.map((p) => {
                const y0 = y(acc);
                acc += p.value;
                const y1 = y(acc);
                return (
                  <rect key={p.key} x={pad.l + i * bw + 1} y={y1} width={Math.max(1, bw - 2)} height={Math.max(0, y0 - y1)} fill={colorFor(p.key, props.keys)}>
                    <title>{`${d.x} · ${p.key}: ${p.value}`}</title>
                  </rect>
                );
              })}
              {i % every === 0 && (
                <text x={pad.l + i * bw + bw / 2} y={H - 6} textAnchor="middle" className="tick">
                  {d.x.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <Legend keys={props.keys} />
    </figure>
  );
}

export function Legend(props: { keys: string[]; labels?: Record<string, string> }) {
  return (
    <figcaption className="legend">
      {props.keys.map((k) => (
        <span key={k}>
          <svg width="10" height="10" aria-hidden="true">
            <rect width="10" height="10" rx="2" fill={colorFor(k, props.keys)} />
          </svg>
          {props.labels?.[k] ?? k}
        </span>
      ))}
    </figcaption>
  );
}

/** Two series as lines over days (cases opened and closed). */
export function Lines(props: { data: { x: string; values: Record<string, number> }[]; keys: string[]; labels?: Record<string, string>; height?: number; label: string }) {
  const W = 560;
  const H = props.height ?? 200;
  const pad = { l: 36, r: 8, t: 8, b: 22 };
  const max = niceMax(Math.max(0, ...props.data.flatMap((d) => props.keys.map((k) => d.values[k] ?? 0))));
  const n = Math.max(1, props.data.length - 1);
  const x = (i: number) => pad.l + ((W - pad.l - pad.r) * i) / n;
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const every = Math.ceil(props.data.length / 8);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label}>
        {[0, max / 2, max].map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} stroke="#e5e7eb" />
            <text x={pad.l - 6} y={y(t) + 4} textAnchor="end" className="tick">
              {Math.round(t)}
            </text>
          </g>
        ))}
        {props.keys.map((k) => (
          <polyline
            key={k}
            fill="none"
            stroke={colorFor(k, props.keys)}
            strokeWidth="2"
            strokeLinejoin="round"
            points={props.data.map((d, i) => `${x(i)},${y(d.values[k] ?? 0)}`).join(' ')}
          />
        ))}
        {props.data.map((d, i) =>
          i % every === 0 ? (
            <text key={d.x} x={x(i)} y={H - 6} textAnchor="middle" className="tick">
              {d.x.slice(5)}
            </text>
          ) : null,
        )}
      </svg>
      <Legend keys={props.keys} labels={props.labels} />
    </figure>
  );
}

/** A ranked list drawn as horizontal bars with the figure at the end. */
export function HBars(props: { rows: { label: string; value: number; hint?: string }[]; unit?: string; label: string }) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  return (
    <ol className="hbars" aria-label={props.label}>
      {props.rows.map((r) => (
        <li key={r.label}>
          <span className="hbar-label" title={r.hint ?? r.label}>
            {r.label}
          </span>
          <svg viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
            <rect width={(100 * r.value) / max} height="8" rx="1.5" fill="#2563eb" />
          </svg>
          <span className="hbar-value">
            {r.value.toLocaleString('en')}
            {props.unit ?? ''}
          </span>
        </li>
      ))}
    </ol>
  );
}
