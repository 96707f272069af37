import { describe, expect, test } from "bun:test";
import { DEFAULT_WORKING_HOURS, type BusinessHoursInbox, type WorkingHourSlot } from "../inboxes/business-hours.ts";
import { addBusinessSeconds } from "./business-time.ts";

const H = 3600;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function inbox(timezone = "UTC", changes: Partial<Record<number, Partial<WorkingHourSlot>>> = {}, enabled = true): BusinessHoursInbox {
  return {
    working_hours_enabled: enabled,
    timezone,
    working_hours: DEFAULT_WORKING_HOURS.map((d) => ({ ...d, ...(changes[d.day_of_week] ?? {}) })),
  };
}

describe("addBusinessSeconds", () => {
  test("without business hours it is plain clock time", () => {
    expect(iso(addBusinessSeconds(at("2026-03-06T16:00:00Z"), 5 * H, inbox("UTC", {}, false)))).toBe("2026-03-06T21:00:00.000Z");
  });

  test("inside the open span it is plain time", () => {
    // Tuesday 10:00 + 2h = 12:00 (Mon–Fri 9–17 UTC).
    expect(iso(addBusinessSeconds(at("2026-03-03T10:00:00Z"), 2 * H, inbox()))).toBe("2026-03-03T12:00:00.000Z");
  });

  test("the night is skipped: what is left after closing continues at the next opening", () => {
    // Tuesday 16:00 + 2h = 1h on Tuesday, 1h on Wednesday → Wednesday 10:00.
    expect(iso(addBusinessSeconds(at("2026-03-03T16:00:00Z"), 2 * H, inbox()))).toBe("2026-03-04T10:00:00.000Z");
  });

  test("a start before opening counts from the opening; a start at night from the next morning", () => {
    expect(iso(addBusinessSeconds(at("2026-03-03T06:00:00Z"), 30 * 60, inbox()))).toBe("2026-03-03T09:30:00.000Z");
    expect(iso(addBusinessSeconds(at("2026-03-03T22:00:00Z"), 30 * 60, inbox()))).toBe("2026-03-04T09:30:00.000Z");
  });

  test("the weekend is skipped", () => {
    // Friday 16:30 + 1h: 30 min on Friday, then Monday 9:30.
    expect(iso(addBusinessSeconds(at("2026-03-06T16:30:00Z"), H, inbox()))).toBe("2026-03-09T09:30:00.000Z");
    // Saturday noon + 1h → Monday 10:00.
    expect(iso(addBusinessSeconds(at("2026-03-07T12:00:00Z"), H, inbox()))).toBe("2026-03-09T10:00:00.000Z");
  });

  test("a day closed all day is skipped, an open-all-day day counts whole", () => {
    // Wednesday closed: Tuesday 16:00 + 2h → Thursday 10:00.
    expect(iso(addBusinessSeconds(at("2026-03-03T16:00:00Z"), 2 * H, inbox("UTC", { 3: { closed_all_day: true } })))).toBe("2026-03-05T10:00:00.000Z");
    // Saturday open all day: Friday 16:00 + 10h = 1h Friday + 9h from Saturday midnight → Saturday 09:00.
    expect(iso(addBusinessSeconds(at("2026-03-06T16:00:00Z"), 10 * H, inbox("UTC", { 6: { closed_all_day: false, open_all_day: true } })))).toBe(
      "2026-03-07T09:00:00.000Z",
    );
  });

  test("a long threshold spans several working days", () => {
    // 20 business hours from Monday 9:00 (8h a day): Mon 8, Tue 8, Wed 4 → Wednesday 13:00.
    expect(iso(addBusinessSeconds(at("2026-03-02T09:00:00Z"), 20 * H, inbox()))).toBe("2026-03-04T13:00:00.000Z");
  });

  test("the inbox's time zone decides the span", () => {
    // New York 9–17 is 14:00–22:00 UTC in March after DST (EDT, UTC-4 from 8 March 2026).
    expect(iso(addBusinessSeconds(at("2026-03-10T12:00:00Z"), H, inbox("America/New_York")))).toBe("2026-03-10T14:00:00.000Z");
    // Tokyo (UTC+9): Friday 16:30 local = 07:30 UTC; 1h → Monday 09:30 local = Monday 00:30 UTC.
    expect(iso(addBusinessSeconds(at("2026-03-06T07:30:00Z"), H, inbox("Asia/Tokyo")))).toBe("2026-03-09T00:30:00.000Z");
  });

  test("daylight saving: a spring-forward Sunday open all day has 23 hours", () => {
    // Berlin, 29 March 2026 (Sunday) clocks go 02:00 → 03:00. Open all day on Sunday only (others closed).
    const berlin = inbox("Europe/Berlin", {
      0: { closed_all_day: false, open_all_day: true },
      1: { closed_all_day: true },
      2: { closed_all_day: true },
      3: { closed_all_day: true },
      4: { closed_all_day: true },
      5: { closed_all_day: true },
    });
    // From Sunday 00:00 local (Saturday 23:00 UTC) the day has 23 real hours: 23h end at its midnight (22:00 UTC).
    expect(iso(addBusinessSeconds(at("2026-03-28T23:00:00Z"), 23 * H, berlin))).toBe("2026-03-29T22:00:00.000Z");
    // One more hour does not fit that Sunday: it continues the next Sunday at 01:00 local (CEST, UTC+2).
    expect(iso(addBusinessSeconds(at("2026-03-28T23:00:00Z"), 24 * H, berlin))).toBe("2026-04-04T23:00:00.000Z");
  });

  test("daylight saving: working hours keep their local times across the change", () => {
    // New York Friday 6 March 16:00 EST (21:00 UTC) + 2h: 1h Friday, 1h Monday 9 March from 9:00 EDT (13:00 UTC).
    expect(iso(addBusinessSeconds(at("2026-03-06T21:00:00Z"), 2 * H, inbox("America/New_York")))).toBe("2026-03-09T14:00:00.000Z");
  });

  test("a week closed every day counts plain time instead of never", () => {
    const closed = inbox("UTC", Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [d, { closed_all_day: true }])));
    expect(iso(addBusinessSeconds(at("2026-03-03T10:00:00Z"), H, closed))).toBe("2026-03-03T11:00:00.000Z");
  });
});
