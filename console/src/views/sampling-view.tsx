import { useCallback, useState } from 'preact/hooks';
import type { SamplingRule, SamplingRuleRecord, SamplingStatisticSummary } from '../../../src/console/model/xray-admin-types.js';
import { createSamplingRule, deleteSamplingRule, getSamplingRules, getSamplingStatisticSummaries, updateSamplingRule } from '../api/xray-client.js';
import { ErrorNote } from '../components/marks.js';
import { usePoll } from '../hooks/use-poll.js';
import { formatCount } from '../../../src/console/model/format.js';

interface Props {
  live: boolean;
  pollMs: number;
}

interface Listing {
  rules: SamplingRuleRecord[];
  stats: Map<string, { requests: number; sampled: number; borrowed: number }>;
}

const FIELDS: { key: keyof SamplingRule; label: string; number?: boolean; hint?: string }[] = [
  { key: 'RuleName', label: 'Name' },
  { key: 'Priority', label: 'Priority', number: true, hint: '1–9999, lower wins' },
  { key: 'ReservoirSize', label: 'Reservoir', number: true, hint: 'requests/s always sampled' },
  { key: 'FixedRate', label: 'Rate', number: true, hint: '0–1 beyond the reservoir' },
  { key: 'ServiceName', label: 'Service name' },
  { key: 'ServiceType', label: 'Service type' },
  { key: 'Host', label: 'Host' },
  { key: 'HTTPMethod', label: 'HTTP method' },
  { key: 'URLPath', label: 'URL path' },
  { key: 'ResourceARN', label: 'Resource ARN' },
];

const BLANK: Record<string, string> = { RuleName: '', Priority: '1000', ReservoirSize: '1', FixedRate: '0.05', ServiceName: '*', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', ResourceARN: '*' };

/**
 * The sampling rules the daemon's SDK clients follow (GetSamplingRules), with each rule's recent
 * requests, sampled and borrowed counts (GetSamplingStatisticSummaries). Create, edit and delete go
 * through the API, and its validation messages are shown as it words them.
 */
export function SamplingView({ live, pollMs }: Props) {
  const load = useCallback(async (signal: AbortSignal): Promise<Listing> => {
    const [rules, summaries] = await Promise.all([getSamplingRules(signal), getSamplingStatisticSummaries(signal)]);
    return { rules, stats: statsByRule(summaries) };
  }, []);
  const poll = usePoll(load, 'sampling', { live, intervalMs: pollMs, active: true });
  const [form, setForm] = useState<{ editing: string | undefined; values: Record<string, string> } | undefined>(undefined);
  const [problem, setProblem] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (form === undefined) return;
    setBusy(true);
    const rule = Object.fromEntries(FIELDS.map((f) => [f.key, f.number === true ? toNumber(form.values[f.key]) : form.values[f.key]])) as unknown as SamplingRule;
    try {
      if (form.editing === undefined) await createSamplingRule({ ...rule, Version: 1 });
      else await updateSamplingRule({ ...rule, RuleName: form.editing });
      setForm(undefined);
      setProblem(undefined);
      poll.refresh();
    } catch (err) {
      setProblem(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (name: string) => {
    if (!window.confirm(`Delete the sampling rule "${name}"?`)) return;
    try {
      await deleteSamplingRule(name);
      setProblem(undefined);
      poll.refresh();
    } catch (err) {
      setProblem(err as Error);
    }
  };

  const rules = [...(poll.data?.rules ?? [])].sort((a, b) => (a.SamplingRule?.Priority ?? 0) - (b.SamplingRule?.Priority ?? 0));
  return (
    <section class="sampling-view" aria-label="Sampling rules">
      <div class="view-head">
        <h1>Sampling rules</h1>
        <span class="muted small">What the X-Ray SDKs pointed at this daemon sample; counts are the last reported window.</span>
        <span class="spacer" />
        <button type="button" class="button primary" onClick={() => { setForm({ editing: undefined, values: { ...BLANK } }); setProblem(undefined); }}>
          New rule
        </button>
      </div>
      {poll.error !== undefined && <ErrorNote error={poll.error} />}
      {form !== undefined && (
        <form
          class="rule-form"
          aria-label={form.editing === undefined ? 'New sampling rule' : `Edit ${form.editing}`}
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          {FIELDS.map((f) => (
            <label key={f.key} class="rule-field">
              <span>{f.label}</span>
              <input
                name={f.key}
                value={form.values[f.key] ?? ''}
                inputMode={f.number === true ? 'decimal' : undefined}
                disabled={f.key === 'RuleName' && form.editing !== undefined}
                onInput={(e) => setForm({ ...form, values: { ...form.values, [f.key]: e.currentTarget.value } })}
              />
              {f.hint !== undefined && <small class="muted">{f.hint}</small>}
            </label>
          ))}
          <div class="rule-actions">
            <button type="submit" class="button primary" disabled={busy}>
              {form.editing === undefined ? 'Create rule' : 'Save changes'}
            </button>
            <button type="button" class="button ghost" onClick={() => { setForm(undefined); setProblem(undefined); }}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {problem !== undefined && <ErrorNote error={problem} />}
      <div class="table-scroll">
        <table class="sampling-table" aria-label="Sampling rules by priority">
          <thead>
            <tr>
              <th>Name</th>
              <th class="num">Priority</th>
              <th class="num">Reservoir</th>
              <th class="num">Rate</th>
              <th>Matches</th>
              <th class="num">Requests</th>
              <th class="num">Sampled</th>
              <th class="num">Borrowed</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.map((record) => {
              const rule = record.SamplingRule;
              if (rule === undefined) return null;
              const name = rule.RuleName ?? '';
              const stats = poll.data?.stats.get(name);
              return (
                <tr key={name} class="rule-row" data-rule={name}>
                  <td>
                    <strong>{name}</strong>
                  </td>
                  <td class="num">{rule.Priority}</td>
                  <td class="num">{rule.ReservoirSize}/s</td>
                  <td class="num">{(rule.FixedRate * 100).toFixed(rule.FixedRate * 100 < 1 ? 2 : 0)} %</td>
                  <td class="mono small">{describeMatch(rule)}</td>
                  <td class="num">{formatCount(stats?.requests ?? 0)}</td>
                  <td class="num">{formatCount(stats?.sampled ?? 0)}</td>
                  <td class="num">{formatCount(stats?.borrowed ?? 0)}</td>
                  <td class="rule-buttons">
                    <button
                      type="button"
                      class="button small"
                      aria-label={`Edit ${name}`}
                      onClick={() => {
                        setForm({ editing: name, values: Object.fromEntries(FIELDS.map((f) => [f.key, String(rule[f.key] ?? '')])) });
                        setProblem(undefined);
                      }}
                    >
                      Edit
                    </button>
                    {name !== 'Default' && (
                      <button type="button" class="button small ghost" aria-label={`Delete ${name}`} onClick={() => void remove(name)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Empty stays empty (the API names the missing field); anything else becomes a number, or NaN the API rejects. */
function toNumber(text: string | undefined): number | null {
  const trimmed = (text ?? '').trim();
  return trimmed === '' ? null : Number(trimmed);
}

function describeMatch(rule: SamplingRule): string {
  const parts = [
    rule.ServiceName !== '*' ? `service ${rule.ServiceName}` : '',
    rule.ServiceType !== '*' ? `type ${rule.ServiceType}` : '',
    rule.Host !== '*' ? `host ${rule.Host}` : '',
    rule.HTTPMethod !== '*' || rule.URLPath !== '*' ? `${rule.HTTPMethod === '*' ? '' : `${rule.HTTPMethod} `}${rule.URLPath}` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? 'everything' : parts.join(' · ');
}

/** The summaries are per rule and reporting window: the latest window per rule is "recent". */
function statsByRule(summaries: SamplingStatisticSummary[]): Listing['stats'] {
  const latest = new Map<string, SamplingStatisticSummary>();
  for (const s of summaries) {
    const name = s.RuleName ?? '';
    const current = latest.get(name);
    if (current === undefined || (s.Timestamp ?? 0) >= (current.Timestamp ?? 0)) latest.set(name, s);
  }
  return new Map([...latest].map(([name, s]) => [name, { requests: s.RequestCount ?? 0, sampled: s.SampledCount ?? 0, borrowed: s.BorrowCount ?? 0 }]));
}
