/**
 * Entry point of the single executable (what bin/xrayd is for `node bin/xrayd`). import.meta.url
 * is undefined in the bundle: the code that would use it (the console directory, the worker's file)
 * takes its embedded variant in a SEA.
 */
import { main } from '../src/cli.js';

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`xrayd: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
