import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `shared/corpus/` lies beside the repository (in CI too: a copy of shared/ next to the clone). */
export const CORPUS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus');

/** The text of one corpus segment document, byte for byte. */
export function readCorpusSegment(name: string): string {
  return readFileSync(path.join(CORPUS_DIR, 'segments', name), 'utf8');
}
