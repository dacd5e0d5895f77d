/** Errors thrown by `compileFilter`; the local API maps both to an `InvalidRequestException`. */

/** The expression is not well-formed; `position` is the 0-based character offset of the culprit. */
export class FilterSyntaxError extends Error {
  readonly code = 'FILTER_SYNTAX';
  readonly position: number;

  constructor(problem: string, position: number, hint?: string) {
    super(`${problem} at position ${position}${hint === undefined ? '' : `: ${hint}`}`);
    this.name = 'FilterSyntaxError';
    this.position = position;
  }
}

/**
 * The expression is valid X-Ray syntax but needs data the local backend does not keep:
 * `group.*` needs X-Ray groups, `rootcause.*` needs X-Ray's root-cause analysis.
 */
export class FilterUnsupportedError extends Error {
  readonly code = 'FILTER_UNSUPPORTED';
  readonly position: number;

  constructor(keyword: string, position: number) {
    super(`"${keyword}" (at position ${position}) is not supported by the local backend`);
    this.name = 'FilterUnsupportedError';
    this.position = position;
  }
}
