import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder, from this package's place in it (libs/ci/src). */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
