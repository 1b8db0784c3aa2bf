/**
 * Hours a month tenants run under the descriptor's off-hours schedule (`scaling.off_hours`): KEDA's cron
 * scaler holds them up from each `scale_up` to the next `scale_down`, and at zero otherwise.
 */
import type { Deployment } from "@gpp/deployment";
import { weeklyOnHours, type WeeklyInterval } from "iac/on-hours";
import { HOURS_PER_MONTH } from "./prices";

type OffHours = NonNullable<Deployment["scaling"]["off_hours"]>;

const HOURS_PER_WEEK = 168;

const minuteOfDay = (hhmm: string): number => {
  const [hours, minutes] = hhmm.split(":").map(Number);
  return (hours as number) * 60 + (minutes as number);
};
const intervalMinutes = (interval: WeeklyInterval): number => minuteOfDay(interval.end) - minuteOfDay(interval.start);

/**
 * Up-hours a month: the week's up hours as the availability alerts' routing reads them (iac/src/on-hours.ts,
 * the one reading of the schedule), scaled to HOURS_PER_MONTH. The iac stack refuses a schedule that is not
 * weekly before any cost is estimated.
 */
export function onScheduleHoursPerMonth(offHours: OffHours): number {
  const onHours = weeklyOnHours(offHours);
  if (!("intervals" in onHours)) throw new Error(`${onHours.field}: ${onHours.message}`);
  const upHoursPerWeek = onHours.intervals.reduce((sum, interval) => sum + intervalMinutes(interval), 0) / 60;
  return Math.round(((upHoursPerWeek * HOURS_PER_MONTH) / HOURS_PER_WEEK) * 100) / 100;
}
