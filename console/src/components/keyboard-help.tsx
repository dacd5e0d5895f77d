import { useEffect, useState } from 'preact/hooks';

const KEYS: [string, string][] = [
  ['/', 'Focus the filter box'],
  ['↑ ↓  or  j k', 'Move through traces and waterfall rows'],
  ['Enter', 'Open the trace / select the row, node or edge'],
  ['← →', 'Fold and unfold a waterfall row'],
  ['Esc', 'Back to the list (or clear the map selection)'],
  ['Tab', 'Reach map nodes, edge labels, chart bars and the scatter plot'],
  ['← →  (scatter plot)', 'Walk the points; Enter opens one'],
  ['Shift + ← →', 'Mark a time range (scatter) or widen a bar selection (histogram); Enter applies'],
  ['?', 'Show or hide this help'],
];

/** The shortcuts, one `?` away; its Escape closes it before any view acts on it. */
export function KeyboardHelp() {
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement | null)?.closest('input, textarea, select') != null) return;
      if (e.key === '?') {
        e.preventDefault();
        setOpen((v) => !v);
      } else if (e.key === 'Escape' && open) {
        e.preventDefault();
        setOpen(false);
      }
    };
    // Capture phase, so a view's own Escape handler sees defaultPrevented and stays put.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open]);

  return (
    <div class="keyboard-help">
      <button
        type="button"
        class="button ghost small"
        aria-expanded={open}
        aria-controls="keyboard-help"
        title="Keyboard shortcuts (?)"
        onClick={() => setOpen((v) => !v)}
      >
        ?
      </button>
      {open && (
        <div id="keyboard-help" class="keyboard-panel" role="dialog" aria-label="Keyboard shortcuts">
          <dl>
            {KEYS.map(([keys, what]) => (
              <div key={keys}>
                <dt>
                  <kbd>{keys}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </div>
  );
}
