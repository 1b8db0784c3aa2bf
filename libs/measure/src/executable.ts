/**
 * Whether a file can be run: the one check the commands that look a program up share (helm's own lookup of
 * the helm binary, the bench's GNU time). Here, not in helm, because the bench must not need helm for it.
 */
import { accessSync, constants } from "node:fs";

/** True when `file` exists and this process may execute it (for a folder: search it). */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
