import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's copy of the corpus (see its SOURCES.md); compiled tests run from dist/test/helpers. */
export const CORPUS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/corpus');

/** The text of one corpus segment document, byte for byte. */
export function readCorpusSegment(name: string): string {
  return readFileSync(path.join(CORPUS_DIR, 'segments', name), 'utf8');
}
