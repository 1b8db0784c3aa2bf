import { withChartDefaults, type ChartValues, type Values } from "../src/chart-values";
import type { TenantQuota } from "../src/tenant";
import { tenantQuota as quotaOfChartValues } from "../src/tenant-sizing";

/** The quota of a release with these values, merged with the chart's defaults as resolveTenant does. */
export const tenantQuota = (releaseValues: Values): TenantQuota => quotaOfChartValues(withChartDefaults(releaseValues) as ChartValues);
