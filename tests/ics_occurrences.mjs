// Print the local start times of every event occurrence in an .ics file between two dates,
// read with ical.js: a second parser, independent of the Python one that wrote the file.
// Usage: node tests/ics_occurrences.mjs FILE FROM TO   (dates as YYYY-MM-DD)
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [file, from, to] = process.argv.slice(2);
const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const start = ICAL.Time.fromDateString(from);
const end = ICAL.Time.fromDateString(to);
const found = [];
for (const vevent of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const alarm = vevent.getFirstSubcomponent("valarm");
  const iterator = event.iterator();
  for (let next = iterator.next(); next && next.compare(end) < 0; next = iterator.next()) {
    if (next.compare(start) < 0) continue;
    found.push({
      local: next.toString(),
      utc: next.convertToZone(ICAL.Timezone.utcTimezone).toString(),
      alarm: alarm ? alarm.getFirstPropertyValue("action") : null,
    });
  }
}
process.stdout.write(JSON.stringify(found));
