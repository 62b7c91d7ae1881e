// Shows a UTC moment in the browser's own time zone, beside the portal's UTC times
// (the restore tab's moment picker): "3 Dec 2026, 10:30:00 (Europe/Berlin)".
export function describe(isoUtc) {
    const moment = new Date(isoUtc);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const text = moment.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
    return zone ? `${text} (${zone})` : text;
}
