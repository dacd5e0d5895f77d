/**
 * Entry point of the single executable (what bin/xrayd is for `node bin/xrayd`). import.meta.url
 * is undefined in the bundle: the code that would use it (the console directory) takes its embedded
 * variant in a SEA.
 */
import { setFlagsFromString } from 'node:v8';
import { main } from '../src/cli.js';

// as bin/xrayd does (see there): keeps V8's young generation at its 1 MB start
setFlagsFromString('--semi-space-growth-factor=1');

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`xrayd: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
