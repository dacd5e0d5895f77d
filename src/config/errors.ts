/** Thrown when configuration is invalid; carries every problem found, each naming its key and value. */
export class ConfigError extends Error {
  readonly code = 'XRAYD_CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}
