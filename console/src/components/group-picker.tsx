import type { Group } from '../../../src/console/model/xray-admin-types.js';

/** Scopes the list, the map and the health views to an X-Ray group (GetGroups); "All traces" is no group. */
export function GroupPicker({ groups, value, onChange }: { groups: Group[]; value: string | undefined; onChange: (name: string | undefined) => void }) {
  const named = groups.filter((g) => g.GroupName !== undefined && g.GroupName !== 'Default');
  if (named.length === 0 && value === undefined) return null;
  return (
    <label class="range">
      <span class="visually-hidden">Group</span>
      <select name="group" value={value ?? ''} title={named.find((g) => g.GroupName === value)?.FilterExpression ?? 'All traces'} onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)}>
        <option value="">All traces</option>
        {named.map((g) => (
          <option key={g.GroupName} value={g.GroupName}>
            Group: {g.GroupName}
          </option>
        ))}
        {value !== undefined && !named.some((g) => g.GroupName === value) && <option value={value}>Group: {value} (not found)</option>}
      </select>
    </label>
  );
}
