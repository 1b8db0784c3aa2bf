import path from "node:path";
import { loadDeploymentFile, type Deployment } from "@gpp/deployment";
import { resolveHelm } from "helm/tools";

/** The repository's default deployment (dev). */
export { loadDefaultDeployment } from "@gpp/deployment";

export const FIXTURES_DIR = path.resolve(import.meta.dirname, "fixtures");

/** The prod fixture that must satisfy every prod rule. */
export const loadProdDeployment = (): Deployment => loadDeploymentFile(path.join(FIXTURES_DIR, "prd1.yaml"));

/** Resolved once per test file; tests that render the chart skip with this reason when helm is missing. */
export const helm = resolveHelm();
if (!helm.found) console.warn(`[policy tests that render the tenant chart skipped] ${helm.reason}`);
export const helmPath = helm.found ? helm.path : undefined;
