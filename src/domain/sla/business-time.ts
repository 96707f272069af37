import { DEFAULT_WORKING_HOURS, type BusinessHoursInbox, type WorkingHourSlot } from "../inboxes/business-hours.ts";

const DAY = 86_400;
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    const options = { weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" } as const;
    try {
      f = new Intl.DateTimeFormat("en-US", { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Weekday (0 = Sunday) and second of the day of an instant in a time zone (formatters cached per zone). */
function local(at: number, timeZone: string): { day: number; seconds: number } {
  let day = 0;
  let h = 0;
  let m = 0;
  let s = 0;
  for (const p of formatter(timeZone).formatToParts(at)) {
    if (p.type === "weekday") day = WEEKDAYS[p.value] ?? 0;
    else if (p.type === "hour") h = Number(p.value) % 24;
    else if (p.type === "minute") m = Number(p.value);
    else if (p.type === "second") s = Number(p.value);
  }
  return { day, seconds: h * 3600 + m * 60 + s };
}

/** The open span of a weekday in local seconds [open, close), or null when closed all day. */
function openSpan(slot: WorkingHourSlot): [number, number] | null {
  if (slot.closed_all_day) return null;
  if (slot.open_all_day) return [0, DAY];
  if (slot.open_hour == null || slot.close_hour == null) return null;
  const open = slot.open_hour * 3600 + (slot.open_minutes ?? 0) * 60;
  const close = slot.close_hour * 3600 + (slot.close_minutes ?? 0) * 60;
  return close > open ? [open, close] : null;
}

/**
 * The instant at local second `target` of the local day that contains `t` (target may be DAY: the next midnight).
 * Guesses with the offset at `t`, then corrects for a daylight-saving change in between; inside a skipped hour
 * it settles on the instant right after the gap.
 */
function instantAtLocal(t: number, now: { day: number; seconds: number }, target: number, timeZone: string): number {
  let guess = t + (target - now.seconds) * 1000;
  for (let i = 0; i < 3; i++) {
    const lt = local(guess, timeZone);
    const dayDelta = lt.day === now.day ? 0 : lt.day === (now.day + 1) % 7 ? DAY : -DAY;
    const diff = target - (lt.seconds + dayDelta);
    if (diff === 0) break;
    guess += diff * 1000;
  }
  return guess;
}

/**
 * `start` (epoch ms) plus `seconds` of the inbox's working time: with business hours off, plain clock time; on,
 * only the time inside each weekday's open span in the inbox's time zone counts (nights, weekends and days
 * closed all day are skipped; a day's span runs from its opening to its closing minute). Daylight-saving
 * changes are followed: an open-all-day day of 23 or 25 hours counts as long as it really is. A week with no
 * open day at all counts plain clock time, so a misconfigured inbox never stops its SLAs.
 */
export function addBusinessSeconds(start: number, seconds: number, inbox: BusinessHoursInbox): number {
  const ms = Math.max(0, seconds) * 1000;
  if (!inbox.working_hours_enabled) return start + ms;
  const week = [0, 1, 2, 3, 4, 5, 6].map((d) => openSpan(inbox.working_hours.find((w) => w.day_of_week === d) ?? DEFAULT_WORKING_HOURS[d]!));
  if (week.every((s) => s === null)) return start + ms;
  const tz = inbox.timezone;
  let t = start;
  let left = ms;
  // Each turn ends at an opening, a closing or a midnight; a few per day, bounded for safety.
  for (let turn = 0; turn < 20_000; turn++) {
    const now = local(t, tz);
    const span = week[now.day];
    if (!span || now.seconds >= span[1]) {
      const next = instantAtLocal(t, now, DAY, tz);
      t = next > t ? next : t + 1000;
      continue;
    }
    if (now.seconds < span[0]) {
      const open = instantAtLocal(t, now, span[0], tz);
      t = open > t ? open : t + 1000;
      continue;
    }
    const close = instantAtLocal(t, now, span[1], tz);
    const available = Math.max(0, close - t);
    if (available >= left) return t + left;
    left -= available;
    t = close > t ? close : t + 1000;
  }
  return t + left;
}

/** Whether business hours make a difference for an SLA of this policy in this inbox. */
export function countsBusinessHours(policy: { only_during_business_hours: boolean }, inbox: BusinessHoursInbox): boolean {
  return policy.only_during_business_hours && inbox.working_hours_enabled;
}
