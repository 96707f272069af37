import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { working_hours } from "../../db/schema/csat.ts";
import type { Tx } from "../../db/tx.ts";
import { Validation } from "../errors.ts";

export type WorkingHourRow = typeof working_hours.$inferSelect;

/** One day of an inbox's week as Chatwoot renders and accepts it (`working_hours` of the inbox JSON and PATCH). */
export type WorkingHourSlot = {
  day_of_week: number;
  closed_all_day: boolean;
  open_all_day: boolean;
  open_hour: number | null;
  open_minutes: number | null;
  close_hour: number | null;
  close_minutes: number | null;
};

/** The inbox fields that decide whether it is open: working_hours_enabled, its time zone and its week. */
export type BusinessHoursInbox = { working_hours_enabled: boolean; timezone: string; working_hours: WorkingHourSlot[] };

/**
 * Chatwoot's default week (Inbox#create_default_working_hours): Monday–Friday 9:00–17:00, weekends closed.
 * Parley writes no rows until an administrator changes the schedule; an inbox without rows has this week.
 */
export const DEFAULT_WORKING_HOURS: readonly WorkingHourSlot[] = [0, 1, 2, 3, 4, 5, 6].map((day) =>
  day === 0 || day === 6
    ? { day_of_week: day, closed_all_day: true, open_all_day: false, open_hour: null, open_minutes: null, close_hour: null, close_minutes: null }
    : { day_of_week: day, closed_all_day: false, open_all_day: false, open_hour: 9, open_minutes: 0, close_hour: 17, close_minutes: 0 },
);

function toSlot(r: WorkingHourSlot): WorkingHourSlot {
  return {
    day_of_week: r.day_of_week,
    closed_all_day: r.closed_all_day,
    open_all_day: r.open_all_day,
    open_hour: r.open_hour,
    open_minutes: r.open_minutes,
    close_hour: r.close_hour,
    close_minutes: r.close_minutes,
  };
}

/** The full week of each inbox (stored days over the default week), Sunday first. */
export function workingHoursByInbox(db: Db, inboxIds: number[]): Map<number, WorkingHourSlot[]> {
  const out = new Map<number, WorkingHourSlot[]>();
  if (!inboxIds.length) return out;
  const rows = db.select().from(working_hours).where(inArray(working_hours.inbox_id, [...new Set(inboxIds)])).all();
  for (const id of inboxIds) out.set(id, DEFAULT_WORKING_HOURS.map((d) => ({ ...d })));
  for (const r of rows) out.get(r.inbox_id)![r.day_of_week] = toSlot(r);
  return out;
}

export function workingHoursOf(db: Db, inboxId: number): WorkingHourSlot[] {
  return workingHoursByInbox(db, [inboxId]).get(inboxId)!;
}

/** The inbox with its week, ready for isWithinBusinessHours. */
export function businessHoursOf(db: Db, inbox: { id: number; working_hours_enabled: boolean; timezone: string }): BusinessHoursInbox {
  return { working_hours_enabled: inbox.working_hours_enabled, timezone: inbox.timezone, working_hours: workingHoursOf(db, inbox.id) };
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The weekday (0 = Sunday) and the time of day in seconds of an instant, in a time zone. */
export function localTime(at: number | Date, timeZone: string): { day: number; seconds: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).formatToParts(at);
  } catch {
    parts = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).formatToParts(at);
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "0";
  return { day: WEEKDAYS[get("weekday")] ?? 0, seconds: (Number(get("hour")) % 24) * 3600 + Number(get("minute")) * 60 + Number(get("second")) };
}

/**
 * Whether the inbox is open at an instant (epoch ms or Date), in the inbox's time zone: always when business hours
 * are off; otherwise per that weekday's row (WorkingHour#open_at?: from the opening minute through the closing minute,
 * both included; open_all_day the whole day; closed_all_day never). Inbox#out_of_office? is its negation.
 */
export function isWithinBusinessHours(inbox: BusinessHoursInbox, at: number | Date): boolean {
  if (!inbox.working_hours_enabled) return true;
  const { day, seconds } = localTime(at, inbox.timezone);
  const slot = inbox.working_hours.find((d) => d.day_of_week === day) ?? DEFAULT_WORKING_HOURS[day]!;
  if (slot.closed_all_day) return false;
  if (slot.open_all_day) return true;
  if (slot.open_hour == null || slot.close_hour == null) return false;
  const open = slot.open_hour * 3600 + (slot.open_minutes ?? 0) * 60;
  const close = slot.close_hour * 3600 + (slot.close_minutes ?? 0) * 60;
  return seconds >= open && seconds <= close;
}

const FIELDS = ["day_of_week", "closed_all_day", "open_all_day", "open_hour", "open_minutes", "close_hour", "close_minutes"] as const;

function intIn(v: unknown, field: string, max: number): number | null {
  if (v == null || v === "") return null;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > max) throw Validation.field(`working_hours.${field}`, `must be a whole number from 0 to ${max}`);
  return n;
}

function boolOf(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  throw Validation.field(`working_hours.${field}`, "must be true or false");
}

/** Validates Chatwoot's `working_hours` param (an array of days) into full day slots, merged over the current week. */
export function parseWorkingHours(input: unknown, current: WorkingHourSlot[]): WorkingHourSlot[] {
  if (!Array.isArray(input)) throw Validation.field("working_hours", "must be an array");
  const week = current.map((d) => ({ ...d }));
  for (const item of input) {
    if (!item || typeof item !== "object" || Array.isArray(item)) throw Validation.field("working_hours", "must be a list of days");
    const o = item as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!(FIELDS as readonly string[]).includes(k)) delete o[k];
    const day = intIn(o.day_of_week, "day_of_week", 6);
    if (day == null) throw Validation.field("working_hours.day_of_week", "can't be blank");
    const slot = { ...week[day]! };
    const closed = boolOf(o.closed_all_day, "closed_all_day");
    const allDay = boolOf(o.open_all_day, "open_all_day");
    if (closed !== undefined) slot.closed_all_day = closed;
    if (allDay !== undefined) slot.open_all_day = allDay;
    for (const [k, max] of [["open_hour", 23], ["close_hour", 23], ["open_minutes", 59], ["close_minutes", 59]] as const) {
      if (k in o) slot[k] = intIn(o[k], k, max);
    }
    if (slot.open_all_day && slot.closed_all_day) throw Validation.field("working_hours", "open_all_day and closed_all_day cannot be true at the same time");
    if (slot.open_all_day) Object.assign(slot, { open_hour: 0, open_minutes: 0, close_hour: 23, close_minutes: 59 });
    if (!slot.closed_all_day) {
      if (slot.open_hour == null || slot.open_minutes == null || slot.close_hour == null || slot.close_minutes == null) {
        throw Validation.field("working_hours.open_hour", "opening and closing hour and minutes can't be blank on an open day");
      }
      if (slot.open_hour * 60 + slot.open_minutes >= slot.close_hour * 60 + slot.close_minutes) throw Validation.field("working_hours.close_hour", "Closing time cannot be before opening time");
    }
    week[day] = slot;
  }
  return week;
}

/** Inbox#update_working_hours: writes the inbox's full week (one row per day). */
export function saveWorkingHours(tx: Tx, accountId: number, inboxId: number, week: WorkingHourSlot[]): void {
  for (const slot of week) {
    const values = { ...toSlot(slot), account_id: accountId, inbox_id: inboxId, created_at: tx.now, updated_at: tx.now };
    tx.db
      .insert(working_hours)
      .values(values)
      .onConflictDoUpdate({ target: [working_hours.inbox_id, working_hours.day_of_week], set: { ...toSlot(slot), updated_at: tx.now } })
      .run();
  }
}
