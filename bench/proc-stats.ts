import { readFileSync, writeFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on Linux builds we run on). */
const CLOCK_TICKS = 100;

/** User + system CPU time of a process so far, in microseconds (10 ms resolution). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may contain spaces) start at field 3; utime/stime are 14/15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
}

/** A `/proc/<pid>/status` field in KiB (VmRSS, VmHWM; RssAnon + RssFile + RssShmem = VmRSS). */
export function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Resets the process's peak RSS (VmHWM) to its current RSS; false where the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `intervalMs` to catch the peak when VmHWM cannot be reset. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  peakKiB = 0;
  readonly samples: number[] = [];

  constructor(private readonly pid: number, private readonly intervalMs = 50) {}

  start(): void {
    this.peakKiB = 0;
    this.samples.length = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakKiB;
  }

  private sample(): void {
    try {
      const kib = statusKiB(this.pid, 'VmRSS');
      this.samples.push(kib);
      if (kib > this.peakKiB) this.peakKiB = kib;
    } catch {
      // the process exited; keep what we have
    }
  }
}
