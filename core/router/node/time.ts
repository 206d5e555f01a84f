// IOS's ways of printing the router's clock: log timestamps (`*Nov 28 10:21:07.123`), `show
// clock` (`*10:21:07.123 CET Sat Nov 28 2026`) and uptimes (`1 hour, 5 minutes`). The
// leading `*` is IOS's mark for a clock no NTP or calendar has set, which is true of a lab.
import type { RouterConfig } from "../config/model/router";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export interface TimeZone {
  readonly name: string;
  readonly offsetMinutes: number;
}

export const UTC: TimeZone = { name: "UTC", offsetMinutes: 0 };

/** The zone of `clock timezone NAME H [M]`, or UTC. */
export function timeZoneOf(config: RouterConfig): TimeZone {
  const z = config.clockTimezone;
  if (!z) return UTC;
  const hours = z.hoursOffset;
  return { name: z.name, offsetMinutes: hours * 60 + Math.sign(hours || 1) * (z.minutesOffset ?? 0) };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

function local(ms: number, zone: TimeZone): Date {
  return new Date(ms + zone.offsetMinutes * 60_000);
}

/** `*Nov 28 10:21:07.123` — `service timestamps log datetime msec`. */
export function logTimestamp(ms: number, zone: TimeZone): string {
  const d = local(ms, zone);
  return `*${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** `*10:21:07.123 CET Sat Nov 28 2026` — `show clock`. */
export function showClock(ms: number, zone: TimeZone): string {
  const d = local(ms, zone);
  return `*${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} ${zone.name} ${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

/** `10:21:07 CET Sat Nov 28 2026` — the "Last configuration change" line. */
export function configChangeTime(ms: number, zone: TimeZone): string {
  return showClock(ms, zone).slice(1).replace(/\.\d{3}/, "");
}

/** `1 hour, 5 minutes` — `show version`'s uptime. */
export function uptimeText(ms: number): string {
  const minutesTotal = Math.floor(ms / 60_000);
  const weeks = Math.floor(minutesTotal / (7 * 24 * 60));
  const days = Math.floor(minutesTotal / (24 * 60)) % 7;
  const hours = Math.floor(minutesTotal / 60) % 24;
  const minutes = minutesTotal % 60;
  const part = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? "" : "s"}`;
  const parts: string[] = [];
  if (weeks) parts.push(part(weeks, "week"));
  if (days) parts.push(part(days, "day"));
  if (hours) parts.push(part(hours, "hour"));
  parts.push(part(minutes, "minute"));
  return parts.join(", ");
}
