/**
 * A file written whole or not at all: the data goes to a file of its own beside the target, which is then
 * renamed over it. rename is atomic within a folder, so a reader in another process (a test worker, a
 * concurrent command) sees the whole old file, the whole new one or none, never half of one. The one way
 * the caches, the helm binary, the reports and the smoke command's JUnit file are written.
 */
import { chmodSync, renameSync, rmSync, writeFileSync } from "node:fs";

export interface AtomicWriteOptions {
  /** Permission bits set on the file before it appears (e.g. 0o755 for a program), not reduced by the umask. */
  readonly mode?: number;
}

/**
 * Writes `data` to `file`, whose folder must exist. On failure the temporary file is removed and the error
 * rethrown; `file` is as it was.
 */
export function writeFileAtomically(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  // The process id and a random part: two writers of one file, in one process or in several, never share it.
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
  try {
    writeFileSync(partial, data);
    if (options.mode !== undefined) chmodSync(partial, options.mode);
    renameSync(partial, file);
  } finally {
    try {
      rmSync(partial, { force: true });
    } catch {
      // A name the file system refused fails here the same way: nothing was created to remove.
    }
  }
}
