import type { Health } from '../../../src/console/model/health.js';

export const HEALTH_LABELS: Record<Health, string> = { ok: 'OK', error: 'Error (4xx)', throttle: 'Throttle (429)', fault: 'Fault (5xx)' };

/**
 * A mark whose shape says what happened, so the plot reads without colour: OK a circle, error a
 * triangle, throttle a square, fault a diamond. Centred on (x, y), about 2r across.
 */
export function HealthShape({ health, x, y, r = 4, ...rest }: { health: Health; x: number; y: number; r?: number; class?: string }) {
  const cls = `shape shape-${health}${rest.class === undefined ? '' : ` ${rest.class}`}`;
  switch (health) {
    case 'error':
      return <path class={cls} d={`M${x} ${y - r * 1.2}L${x + r * 1.15} ${y + r * 0.85}H${x - r * 1.15}Z`} />;
    case 'throttle':
      return <rect class={cls} x={x - r * 0.9} y={y - r * 0.9} width={r * 1.8} height={r * 1.8} />;
    case 'fault':
      return <path class={cls} d={`M${x} ${y - r * 1.3}L${x + r * 1.3} ${y}L${x} ${y + r * 1.3}L${x - r * 1.3} ${y}Z`} />;
    default:
      return <circle class={cls} cx={x} cy={y} r={r} />;
  }
}

/** The legend entry: the shape in a small SVG, then the label. */
export function ShapeKey({ health, count }: { health: Health; count?: number }) {
  return (
    <span class="shape-key">
      <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
        <HealthShape health={health} x={6} y={6} r={4} />
      </svg>
      {HEALTH_LABELS[health]}
      {count !== undefined && <span class="muted num"> {count}</span>}
    </span>
  );
}
