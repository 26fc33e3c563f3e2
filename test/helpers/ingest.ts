// Shared test helpers: fixture files.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under test/fixtures. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL('../fixtures/' + name, import.meta.url));
}

/** Text of a file under test/fixtures. */
export function fixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}
