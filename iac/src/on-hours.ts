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

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/**
 * The minutes of the week (Monday 00:00 = 0) a weekly cron fires at, on its own wall clock. Read from the
 * expression's expanded fields, not by walking a week of instants in the time zone: KEDA fires at wall-clock
 * times in `timezone` and Alertmanager applies `location` itself, so the zone never enters the arithmetic
 * (and the walk cost about 10 ms an expression, the largest part of `pnpm synth`'s iac stack after cdktf).
 */
function weeklyFires(cron: string): number[] {
  const { minute, hour, dayOfWeek } = CronExpressionParser.parse(cron).fields;
  // cron-parser numbers Sunday 0 (and accepts 7 for it); the week here starts on Monday.
  const days = new Set(dayOfWeek.values.map((day) => (Number(day) + 6) % 7));
  return [...days].flatMap((day) => hour.values.flatMap((h) => minute.values.map((m) => day * MINUTES_PER_DAY + h * 60 + m)));
}

/**
 * `warmUpMinutes` after each scale-up is left out of the up hours. Refuses what is not a weekly schedule (a
 * day-of-month or month other than `*`, or a day-of-week such as `1#2` or `5L` that names a week of the
 * month): Alertmanager's weekday ranges could not follow it. Returns the descriptor field and why, or the
 * intervals.
 */
export function weeklyOnHours(schedule: OffHoursSchedule, warmUpMinutes = 0): { intervals: WeeklyInterval[] } | { field: string; message: string } {
  for (const key of ["scale_up", "scale_down"] as const) {
    const [, , dayOfMonth, month, dayOfWeek = ""] = schedule[key].trim().split(/\s+/);
    if (dayOfMonth !== "*" || month !== "*" || /[#L]/i.test(dayOfWeek)) {
      return {
        field: `scaling.off_hours.${key}`,
        message: `"${schedule[key]}" must repeat weekly (day-of-month and month "*", no "#" or "L" in day-of-week): tenant availability alerts are sent only in the up hours, as weekly Alertmanager time intervals`,
      };
    }
  }
  // A scale-down and a scale-up at the same minute: down first, so the tenant is up after it.
  const events = [...weeklyFires(schedule.scale_down).map((t) => ({ t, up: false })), ...weeklyFires(schedule.scale_up).map((t) => ({ t, up: true }))].sort(
    (a, b) => a.t - b.t || Number(a.up) - Number(b.up),
  );
  if (!events.some((e) => e.up)) return { intervals: [] };
  const lastDown = events.map((e) => e.up).lastIndexOf(false);
  // Never scaled down: up all week.
  let periods: [number, number][] = lastDown < 0 ? [[0, MINUTES_PER_WEEK]] : [];
  if (lastDown >= 0) {
    // Walk the circle once from just after the week's last scale-down (tenants are down there), so a
    // period that runs over Monday 00:00 stays one period and keeps its real start.
    const walk = [...events.slice(lastDown + 1), ...events.slice(0, lastDown + 1).map((e) => ({ ...e, t: e.t + MINUTES_PER_WEEK }))];
    let upSince: number | undefined;
    for (const event of walk) {
      if (event.up && upSince === undefined) upSince = event.t;
      if (!event.up && upSince !== undefined) {
        periods.push([upSince, event.t]);
        upSince = undefined;
      }
    }
    // Notifications start `warmUpMinutes` after a scale-up: the pods' start and the rate window's 503s are not an outage.
    periods = periods.map(([from, to]): [number, number] => [from + warmUpMinutes, to]).filter(([from, to]) => to > from);
  }
  // Back onto one week: a period over Monday 00:00 becomes its end of the week and its start of the next.
  periods = periods.flatMap(([from, to]): [number, number][] => {
    const shift = from >= MINUTES_PER_WEEK ? MINUTES_PER_WEEK : 0;
    const [a, b] = [from - shift, to - shift];
    return b <= MINUTES_PER_WEEK ? [[a, b]] : [[a, MINUTES_PER_WEEK], [0, b - MINUTES_PER_WEEK]];
  });
  periods.sort((x, y) => x[0] - y[0]);
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
