/** Largest request body the local X-Ray API reads. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
