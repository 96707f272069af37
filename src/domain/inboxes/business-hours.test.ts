import { describe, expect, test } from "bun:test";
import { Validation } from "../errors.ts";
import { DEFAULT_WORKING_HOURS, isWithinBusinessHours, localTime, parseWorkingHours, type WorkingHourSlot } from "./business-hours.ts";

const week = (edit: (d: WorkingHourSlot) => WorkingHourSlot = (d) => d) => DEFAULT_WORKING_HOURS.map((d) => edit({ ...d }));
const inbox = (timezone: string, working_hours = week(), enabled = true) => ({ working_hours_enabled: enabled, timezone, working_hours });

describe("isWithinBusinessHours", () => {
  test("business hours off: always open", () => {
    expect(isWithinBusinessHours(inbox("UTC", week(), false), Date.UTC(2030, 0, 5, 3, 0))).toBe(true); // a Saturday night
  });

  test("Mon–Fri 9–17 in UTC: open and closed edges, both ends included", () => {
    const i = inbox("UTC");
    // 2030-01-07 is a Monday.
    expect(isWithinBusinessHours(i, Date.UTC(2030, 0, 7, 8, 59, 59))).toBe(false);
    expect(isWithinBusinessHours(i, Date.UTC(2030, 0, 7, 9, 0))).toBe(true);
    expect(isWithinBusinessHours(i, Date.UTC(2030, 0, 7, 17, 0))).toBe(true);
    expect(isWithinBusinessHours(i, Date.UTC(2030, 0, 7, 17, 1))).toBe(false);
    expect(isWithinBusinessHours(i, Date.UTC(2030, 0, 6, 12, 0))).toBe(false); // Sunday closed all day
  });

  test("the inbox's time zone decides the hour and the weekday", () => {
    // 14:00 UTC Monday is 09:00 in New York (EST, UTC-5) and 23:00 in Tokyo (UTC+9).
    const at = Date.UTC(2030, 0, 7, 14, 0);
    expect(isWithinBusinessHours(inbox("America/New_York"), at)).toBe(true);
    expect(isWithinBusinessHours(inbox("Asia/Tokyo"), at)).toBe(false);
    expect(isWithinBusinessHours(inbox("America/New_York"), Date.UTC(2030, 0, 7, 13, 59))).toBe(false);
    // Daylight saving: in July New York is UTC-4, so 13:00 UTC is 09:00 there.
    expect(isWithinBusinessHours(inbox("America/New_York"), Date.UTC(2030, 6, 8, 13, 0))).toBe(true);
  });

  test("across midnight: Friday 23:30 UTC is already Saturday in Berlin and still Friday in Los Angeles", () => {
    // 2030-01-11 is a Friday. Open every weekday all day, weekends closed.
    const hours = week((d) => (d.closed_all_day ? d : { ...d, open_all_day: true, open_hour: 0, open_minutes: 0, close_hour: 23, close_minutes: 59 }));
    const at = Date.UTC(2030, 0, 11, 23, 30);
    expect(localTime(at, "Europe/Berlin").day).toBe(6);
    expect(isWithinBusinessHours(inbox("Europe/Berlin", hours), at)).toBe(false);
    expect(isWithinBusinessHours(inbox("America/Los_Angeles", hours), at)).toBe(true);
    // Sunday 23:30 UTC is Monday 08:30 in Tokyo: Monday's row applies.
    const late = Date.UTC(2030, 0, 6, 23, 30);
    expect(localTime(late, "Asia/Tokyo")).toEqual({ day: 1, seconds: 8 * 3600 + 30 * 60 });
    expect(isWithinBusinessHours(inbox("Asia/Tokyo", hours), late)).toBe(true);
    expect(isWithinBusinessHours(inbox("Asia/Tokyo"), late)).toBe(false); // default 9–17 week: not yet open
  });

  test("open_all_day and closed_all_day", () => {
    const hours = week((d) => (d.day_of_week === 1 ? { ...d, open_all_day: true } : d.day_of_week === 2 ? { ...d, closed_all_day: true } : d));
    expect(isWithinBusinessHours(inbox("UTC", hours), Date.UTC(2030, 0, 7, 23, 59, 59))).toBe(true);
    expect(isWithinBusinessHours(inbox("UTC", hours), Date.UTC(2030, 0, 8, 12, 0))).toBe(false);
  });
});

describe("parseWorkingHours", () => {
  test("merges the given days over the week and fills open_all_day hours", () => {
    const out = parseWorkingHours(
      [
        { day_of_week: 0, closed_all_day: false, open_hour: 10, open_minutes: 30, close_hour: 14, close_minutes: 0 },
        { day_of_week: 3, open_all_day: true },
      ],
      week(),
    );
    expect(out[0]).toEqual({ day_of_week: 0, closed_all_day: false, open_all_day: false, open_hour: 10, open_minutes: 30, close_hour: 14, close_minutes: 0 });
    expect(out[3]).toMatchObject({ open_all_day: true, open_hour: 0, close_hour: 23, close_minutes: 59 });
    expect(out[1]).toEqual(DEFAULT_WORKING_HOURS[1]!);
  });

  test("rejects closing before opening, bad hours and both all-day flags, naming the field", () => {
    const bad = (input: unknown, field: string) => {
      try {
        parseWorkingHours(input, week());
        throw new Error("accepted");
      } catch (e) {
        expect(e).toBeInstanceOf(Validation);
        expect((e as Validation).errors[0]!.field).toBe(field);
      }
    };
    bad([{ day_of_week: 1, open_hour: 18, close_hour: 9 }], "working_hours.close_hour");
    bad([{ day_of_week: 1, open_hour: 25 }], "working_hours.open_hour");
    bad([{ day_of_week: 7 }], "working_hours.day_of_week");
    bad([{ day_of_week: 1, open_all_day: true, closed_all_day: true }], "working_hours");
    bad("mondays", "working_hours");
  });
});
