import { useMemo, useState } from 'preact/hooks';
import type { Waterfall } from '../../../src/console/model/segment-tree.js';
import { formatDuration } from '../../../src/console/model/format.js';
import { sortStatistics, traceStatistics, type StatisticsColumn, type StatisticsGrouping, type StatisticsLine } from '../../../src/console/model/trace-statistics.js';
import { allNodes, rowTree } from '../../../src/console/model/waterfall-tree.js';

interface Props {
  waterfall: Waterfall;
  /** Row keys matching the search within the trace: the lines holding one are highlighted. */
  matches: Set<string>;
}

const COLUMNS: [StatisticsColumn, string][] = [
  ['service', 'Service'],
  ['operation', 'Operation'],
  ['count', 'Count'],
  ['total', 'Total'],
  ['average', 'Average'],
  ['min', 'Min'],
  ['max', 'Max'],
  ['self', 'Self time'],
];

const lineKey = (service: string, operation: string | undefined) => JSON.stringify([service, operation]);

/** Jaeger's trace statistics: per service or per service and operation; a header click sorts, again reverses. */
export function StatisticsTable({ waterfall, matches }: Props) {
  const [grouping, setGrouping] = useState<StatisticsGrouping>('operation');
  const [sort, setSort] = useState<{ column: StatisticsColumn; descending: boolean }>({ column: 'total', descending: true });
  const lines = useMemo(() => traceStatistics(waterfall, grouping), [waterfall, grouping]);
  const sorted = useMemo(() => sortStatistics(lines, sort.column, sort.descending), [lines, sort]);
  const matched = useMemo(() => {
    const keys = new Set<string>();
    if (matches.size === 0) return keys;
    for (const node of allNodes(rowTree(waterfall))) {
      if (!matches.has(node.row.key)) continue;
      const service = node.row.inferred ? node.row.name : node.service;
      keys.add(lineKey(service, grouping === 'operation' ? node.row.name : undefined));
    }
    return keys;
  }, [waterfall, matches, grouping]);
  const columns = COLUMNS.filter(([c]) => grouping === 'operation' || c !== 'operation');

  return (
    <div class="stats-view">
      <div class="stats-tools">
        <span class="segmented" role="group" aria-label="Group by">
          <button type="button" aria-pressed={grouping === 'service'} onClick={() => setGrouping('service')}>
            Per service
          </button>
          <button type="button" aria-pressed={grouping === 'operation'} onClick={() => setGrouping('operation')}>
            Per operation
          </button>
        </span>
        {matches.size > 0 && (
          <span class="muted small">
            {matched.size} of {lines.length} lines hold a matching row (marked ●)
          </span>
        )}
      </div>
      <div class="table-scroll">
        <table class="stats-table" aria-label={`Trace statistics per ${grouping}`}>
          <thead>
            <tr>
              {columns.map(([column, label]) => {
                const active = sort.column === column;
                const text = column === 'service' || column === 'operation';
                return (
                  <th key={column} class={text ? '' : 'num'} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : undefined}>
                    <button
                      type="button"
                      class="sort"
                      onClick={() => setSort(active ? { column, descending: !sort.descending } : { column, descending: !text })}
                    >
                      {label}
                      <span aria-hidden="true" class="sort-mark">
                        {active ? (sort.descending ? '▼' : '▲') : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.map((line) => (
              <StatisticsRow key={lineKey(line.service, line.operation)} line={line} grouping={grouping} match={matched.has(lineKey(line.service, line.operation))} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function StatisticsRow({ line, grouping, match }: { line: StatisticsLine; grouping: StatisticsGrouping; match: boolean }) {
  return (
    <tr class={`stats-line${match ? ' match' : ''}`} data-service={line.service} data-operation={line.operation}>
      <td>
        {match && (
          <span class="match-mark" title="Holds a row matching the search">
            ● <span class="visually-hidden">matches the search: </span>
          </span>
        )}
        {line.service}
      </td>
      {grouping === 'operation' && <td class="mono">{line.operation}</td>}
      <td class="num">{line.count}</td>
      <td class="num">{formatDuration(line.total)}</td>
      <td class="num">{formatDuration(line.average)}</td>
      <td class="num">{formatDuration(line.min)}</td>
      <td class="num">{formatDuration(line.max)}</td>
      <td class="num">{formatDuration(line.self)}</td>
    </tr>
  );
}
