/** A short reminder of the X-Ray filter grammar, shown where the list would be when a filter is rejected. */
const GROUPS: { title: string; examples: string[] }[] = [
  { title: 'Outcome', examples: ['ok', 'error', 'fault', 'throttle', '!fault'] },
  { title: 'Timing', examples: ['responsetime > 1', 'duration >= 0.5'] },
  { title: 'HTTP', examples: ['http.status = 500', 'http.method = "POST"', 'http.url CONTAINS "/api"'] },
  { title: 'Services', examples: ['service("orders-api")', 'service("orders-api") { fault }', 'edge("web", "api")'] },
  { title: 'Annotations & users', examples: ['annotation.tier = "gold"', 'user = "alice"'] },
];

export function FilterHelp({ onPick }: { onPick: (filter: string) => void }) {
  return (
    <div class="filter-help">
      <p class="muted">
        Filters combine <code>keyword operator value</code> terms with <code>AND</code>, <code>OR</code>, <code>!</code> and
        parentheses; strings are double-quoted. Some to start from:
      </p>
      <dl>
        {GROUPS.map((g) => (
          <div key={g.title}>
            <dt>{g.title}</dt>
            <dd>
              {g.examples.map((q) => (
                <button key={q} type="button" class="chip" onClick={() => onPick(q)}>
                  {q}
                </button>
              ))}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
