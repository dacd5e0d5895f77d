/**
 * Where background components (store writes, compaction, the upload worker, credentials, the spool,
 * exporters...) say whether they currently work. /healthz shows every open problem with its reason
 * (status `degraded`) and /readyz answers 503 while any is open; a component clears its problem
 * itself when the cause goes away, so health returns to ok with no restart.
 *
 * Components hold their own `ComponentHealth` handle; nothing else reaches into them.
 */
export interface HealthProblem {
  component: string;
  reason: string;
  /** When this episode started (ISO). */
  since: string;
}

export class HealthRegistry {
  private readonly problems = new Map<string, HealthProblem>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A handle for one component. */
  component(name: string): ComponentHealth {
    const problems = this.problems;
    const now = this.now;
    return {
      fail(reason) {
        const open = problems.get(name);
        if (open) open.reason = reason; // same episode: keep its start
        else problems.set(name, { component: name, reason, since: new Date(now()).toISOString() });
      },
      recover() {
        problems.delete(name);
      },
      get failing() {
        return problems.has(name);
      },
    };
  }

  /** Open problems, oldest first. */
  list(): HealthProblem[] {
    return [...this.problems.values()].map((p) => ({ ...p }));
  }

  get degraded(): boolean {
    return this.problems.size > 0;
  }
}

export interface ComponentHealth {
  /** Opens (or updates the reason of) this component's problem. */
  fail(reason: string): void;
  /** Closes it; a no-op when nothing is open. */
  recover(): void;
  readonly failing: boolean;
}
