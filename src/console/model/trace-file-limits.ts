/** Files larger than this are refused before reading: the browser would hold them twice (text and parsed). */
export const MAX_TRACE_FILE_BYTES = 64 * 1024 * 1024;
