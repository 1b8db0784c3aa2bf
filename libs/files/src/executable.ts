/**
 * Whether a file can be run: the one check the commands that look a program up share (helm's own lookup of
 * the helm binary, the bench's GNU time, the offline plan's terraform and
 * provider). In libs, not in helm, because the bench and the plan must not need helm for it.
 */
import { accessSync, constants, statSync } from "node:fs";

/** True when `file` is a regular file this process may execute: a folder on PATH with the same name is not a program. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
