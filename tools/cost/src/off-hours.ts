/**
 * Hours a month tenants run under the descriptor's off-hours schedule (`scaling.off_hours`): KEDA's cron
 * scaler holds them up from each `scale_up` to the next `scale_down`, and at zero otherwise.
 */
import type { Deployment } from "@gpp/deployment";
import { CronExpressionParser } from "cron-parser";
import { HOURS_PER_MONTH } from "./prices";

type OffHours = NonNullable<Deployment["scaling"]["off_hours"]>;

/** Four whole weeks from a Monday: every weekly schedule repeats exactly inside it. */
const WINDOW_START = "2026-01-05T00:00:00Z";
const WINDOW_WEEKS = 4;
const HOURS_PER_WEEK = 168;

/**
 * Up-hours a month: the hours between each scale-up and the scale-down that follows it, over four
 * weeks, scaled to HOURS_PER_MONTH. A scale-up with no scale-down before the next scale-up keeps
 * tenants up until that next one's scale-down (KEDA's cron window is start to end).
 */
export function onScheduleHoursPerMonth(offHours: OffHours): number {
  const start = new Date(WINDOW_START);
  const end = new Date(start.getTime() + WINDOW_WEEKS * HOURS_PER_WEEK * 3600_000);
  const times = (cron: string) => {
    const it = CronExpressionParser.parse(cron, { currentDate: start, endDate: end, tz: offHours.timezone });
    const out: number[] = [];
    while (it.hasNext()) out.push(it.next().getTime());
    return out;
  };
  const ups = times(offHours.scale_up);
  const downs = times(offHours.scale_down);
  // Walk both lists in time order: up from the first scale-up to the next scale-down.
  let upMs = 0;
  const events = [...ups.map((t) => ({ t, up: true })), ...downs.map((t) => ({ t, up: false }))].sort((a, b) => a.t - b.t || Number(a.up) - Number(b.up));
  // A window that opens inside an up period (its first event a scale-down) is up from its start.
  let upSince: number | undefined = events[0]?.up === false ? start.getTime() : undefined;
  for (const event of events) {
    if (event.up && upSince === undefined) upSince = event.t;
    if (!event.up && upSince !== undefined) {
      upMs += event.t - upSince;
      upSince = undefined;
    }
  }
  if (upSince !== undefined) upMs += end.getTime() - upSince;
  const upHoursPerWeek = upMs / 3600_000 / WINDOW_WEEKS;
  return Math.round(((upHoursPerWeek * HOURS_PER_MONTH) / HOURS_PER_WEEK) * 100) / 100;
}
