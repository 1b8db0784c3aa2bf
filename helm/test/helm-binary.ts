import { resolveHelm } from "../src/tools";

/** Resolved once per test file; tests that need helm skip with this reason when it is missing. */
export const helm = resolveHelm();
if (!helm.found) console.warn(`[helm tests skipped] ${helm.reason}`);
export const helmPath = helm.found ? helm.path : "";
