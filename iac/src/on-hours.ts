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
 * `warmUpMinutes` after each scale-up is left out of the up hours. Refuses what is not a weekly schedule (a day-of-month or month other than `*`): Alertmanager's weekday
 * ranges could not follow it. Returns the descriptor field and why, or the intervals.
 */
export function weeklyOnHours(schedule: OffHoursSchedule, warmUpMinutes = 0): { intervals: WeeklyInterval[] } | { field: string; message: string } {
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
  // A scale-down and a scale-up at the same minute: down first, so the tenant is up after it.
  const events = [...fires(schedule.scale_down).map((t) => ({ t, up: false })), ...fires(schedule.scale_up).map((t) => ({ t, up: true }))].sort(
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
