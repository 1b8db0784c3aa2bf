import { CronExpressionParser } from "cron-parser";

/**
 * The weekly hours a non-prod deployment's tenants are up under `scaling.off_hours` (KEDA's cron scaler holds
 * them up from each `scale_up` to the next `scale_down`), as Alertmanager time intervals: a weekday and a
 * wall-clock range in the schedule's time zone. Alertmanager applies `location` itself, so the ranges are
 * wall-clock times and stay right across daylight-saving changes.
 */

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

export interface WeeklyInterval {
  readonly weekday: (typeof WEEKDAYS)[number];
  /** `HH:MM`, inclusive. */
  readonly start: string;
  /** `HH:MM`, exclusive; `24:00` for the end of the day. */
  readonly end: string;
}

export interface OffHoursSchedule {
  readonly timezone: string;
  readonly scale_up: string;
  readonly scale_down: string;
}

const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
/** A Monday with no daylight-saving change in the week after it, in either hemisphere. */
const WEEK_START = Date.UTC(2026, 0, 5);

/** Minute of the week (Monday 00:00 = 0) of an instant, on the wall clock of `timezone`. */
function weekMinute(instant: number, format: Intl.DateTimeFormat): number {
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(String(parts.weekday));
  return day * MINUTES_PER_DAY + Number(parts.hour) * 60 + Number(parts.minute);
}

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/**
 * Refuses what is not a weekly schedule (a day-of-month or month other than `*`): Alertmanager's weekday
 * ranges could not follow it. Returns the descriptor field and why, or the intervals.
 */
export function weeklyOnHours(schedule: OffHoursSchedule): { intervals: WeeklyInterval[] } | { field: string; message: string } {
  for (const key of ["scale_up", "scale_down"] as const) {
    const [, , dayOfMonth, month] = schedule[key].trim().split(/\s+/);
    if (dayOfMonth !== "*" || month !== "*") {
      return {
        field: `scaling.off_hours.${key}`,
        message: `"${schedule[key]}" must repeat weekly (day-of-month and month "*"): tenant availability alerts are sent only in the up hours, as weekly Alertmanager time intervals`,
      };
    }
  }
  const format = new Intl.DateTimeFormat("en-US", { timeZone: schedule.timezone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const fires = (cron: string) => {
    const it = CronExpressionParser.parse(cron, { currentDate: new Date(WEEK_START - 1), endDate: new Date(WEEK_START + MINUTES_PER_WEEK * 60_000 - 1), tz: schedule.timezone });
    const out: number[] = [];
    while (it.hasNext()) out.push(weekMinute(it.next().getTime(), format));
    return out;
  };
  // A scale-down and a scale-up at the same minute: down first, so the tenant is up after it (as tools/cost/src/off-hours.ts counts).
  const events = [...fires(schedule.scale_down).map((t) => ({ t, up: false })), ...fires(schedule.scale_up).map((t) => ({ t, up: true }))].sort(
    (a, b) => a.t - b.t || Number(a.up) - Number(b.up),
  );
  if (events.length === 0) return { intervals: [] };
  // The week is a circle: at Monday 00:00 tenants are in the state the week's last event left them in.
  let upSince: number | undefined = events.at(-1)!.up ? 0 : undefined;
  const periods: [number, number][] = [];
  for (const event of events) {
    if (event.up && upSince === undefined) upSince = event.t;
    if (!event.up && upSince !== undefined) {
      if (event.t > upSince) periods.push([upSince, event.t]);
      upSince = undefined;
    }
  }
  if (upSince !== undefined && upSince < MINUTES_PER_WEEK) periods.push([upSince, MINUTES_PER_WEEK]);
  // Alertmanager's ranges live inside one day: split at midnight.
  const intervals: WeeklyInterval[] = [];
  for (const [from, to] of periods) {
    for (let day = Math.floor(from / MINUTES_PER_DAY); day * MINUTES_PER_DAY < to; day++) {
      const start = Math.max(from, day * MINUTES_PER_DAY) - day * MINUTES_PER_DAY;
      const end = Math.min(to, (day + 1) * MINUTES_PER_DAY) - day * MINUTES_PER_DAY;
      if (end > start) intervals.push({ weekday: WEEKDAYS[day]!, start: hhmm(start), end: hhmm(end) });
    }
  }
  return { intervals };
}
