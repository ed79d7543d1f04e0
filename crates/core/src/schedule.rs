//! The share buffer's schedule: weekly time slots in the user's time zone,
//! and which queued item takes which slot.
//!
//! Slots are derived, not stored: queued items, in queue order, take the
//! slots after the preferences' cursor (the last slot handled), each no
//! earlier than when it was queued. Reordering is a change of positions;
//! two devices queuing at once never take the same slot; and when the
//! browser was closed across several slots, everything due is found in one
//! pass and announced once.
//!
//! Time zones come through [`Zone`] (the browser's own in the extension;
//! rule-based zones in tests), so DST change days are handled without a
//! time-zone database: a slot that does not exist that day (spring forward)
//! moves to just after the gap, and one that exists twice (fall back) is
//! taken at its first occurrence.

use crate::share::SharePrefs;

pub const MINUTE: i64 = 60_000;
pub const DAY: i64 = 86_400_000;

/// A time zone: the offset of local time from UTC at an instant.
pub trait Zone {
    /// Minutes to add to UTC to get local time at `utc_ms`.
    fn offset_minutes(&self, utc_ms: i64) -> i32;
}

/// A zone without DST.
pub struct Fixed(pub i32);

impl Zone for Fixed {
    fn offset_minutes(&self, _: i64) -> i32 {
        self.0
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Weekday of a day number, Monday = 0.
pub fn weekday(days: i64) -> usize {
    (days + 3).rem_euclid(7) as usize
}

/// The UTC instant of a local wall-clock time (milliseconds of local time
/// since the epoch): the first occurrence if it happens twice, just after
/// the gap if it does not happen.
pub fn local_to_utc(zone: &dyn Zone, local_ms: i64) -> i64 {
    let before = i64::from(zone.offset_minutes(local_ms - DAY)) * MINUTE;
    let after = i64::from(zone.offset_minutes(local_ms + DAY)) * MINUTE;
    let valid: Vec<i64> = [before, after]
        .into_iter()
        .map(|o| local_ms - o)
        .filter(|&u| i64::from(zone.offset_minutes(u)) * MINUTE == local_ms - u)
        .collect();
    valid.into_iter().min().unwrap_or(local_ms - before)
}

/// The local day number of an instant.
pub fn local_day(zone: &dyn Zone, utc_ms: i64) -> i64 {
    (utc_ms + i64::from(zone.offset_minutes(utc_ms)) * MINUTE).div_euclid(DAY)
}

/// The first slot strictly after `after`, within two weeks; `None` when the
/// schedule has no slots at all.
pub fn next_slot(prefs: &SharePrefs, zone: &dyn Zone, after: i64) -> Option<i64> {
    let first = local_day(zone, after) - 1;
    (first..first + 15).find_map(|day| {
        prefs.slots[weekday(day)]
            .iter()
            .map(|&m| local_to_utc(zone, day * DAY + i64::from(m) * MINUTE))
            .filter(|&t| t > after)
            .min()
    })
}

/// The next `n` slots after `after`.
pub fn upcoming(prefs: &SharePrefs, zone: &dyn Zone, after: i64, n: usize) -> Vec<i64> {
    let mut out = Vec::with_capacity(n);
    let mut t = after;
    while out.len() < n {
        match next_slot(prefs, zone, t) {
            Some(s) => {
                out.push(s);
                t = s;
            }
            None => break,
        }
    }
    out
}

/// A queued item as the planner sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued<'a> {
    pub key: &'a str,
    pub position: f64,
    pub added: i64,
}

/// The slot of each queued item, in queue order (ties by key). Nothing is
/// planned while paused.
pub fn plan<'a>(prefs: &SharePrefs, zone: &dyn Zone, queue: &[Queued<'a>]) -> Vec<(&'a str, i64)> {
    if prefs.paused {
        return Vec::new();
    }
    let mut order: Vec<&Queued> = queue.iter().collect();
    order.sort_by(|a, b| a.position.total_cmp(&b.position).then(a.key.cmp(b.key)));
    let mut prev = prefs.cursor;
    let mut out = Vec::with_capacity(order.len());
    for q in order {
        // An item queued after the cursor waits for a slot after it was
        // queued: a new item never lands in a slot already past.
        let Some(slot) = next_slot(prefs, zone, prev.max(q.added)) else { break };
        out.push((q.key, slot));
        prev = slot;
    }
    out
}

/// The slot an item queued now would get (after everything queued); `None`
/// while paused or with no slots.
pub fn next_free(prefs: &SharePrefs, zone: &dyn Zone, queue: &[Queued<'_>], now: i64) -> Option<i64> {
    let last = queue.iter().map(|q| q.position).fold(0.0, f64::max) + 1.0;
    let mut with_new = queue.to_vec();
    with_new.push(Queued { key: "", position: last, added: now });
    plan(prefs, zone, &with_new).into_iter().find(|&(k, _)| k.is_empty()).map(|(_, slot)| slot)
}

/// What the background does at `now`: the items due (announced together,
/// in one notification), the new cursor, and when to look again.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick<'a> {
    pub due: Vec<(&'a str, i64)>,
    pub cursor: i64,
    pub next: Option<i64>,
}

pub fn tick<'a>(prefs: &SharePrefs, zone: &dyn Zone, queue: &[Queued<'a>], now: i64) -> Tick<'a> {
    let planned = plan(prefs, zone, queue);
    let (due, later): (Vec<_>, Vec<_>) = planned.into_iter().partition(|&(_, slot)| slot <= now);
    let cursor = due.iter().map(|&(_, s)| s).max().unwrap_or(prefs.cursor);
    Tick { due, cursor, next: later.first().map(|&(_, s)| s) }
}

/// Queued items per local day for the next `days` days, for the popup.
pub fn per_day(planned: &[(&str, i64)], zone: &dyn Zone, today: i64, days: usize) -> Vec<usize> {
    let mut counts = vec![0; days];
    for &(_, slot) in planned {
        let d = local_day(zone, slot) - today;
        if (0..days as i64).contains(&d) {
            counts[d as usize] += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_item_takes_the_slot_after_the_queue() {
        let prefs = SharePrefs::default(); // 09:00, 13:00, 17:30 every day
        let monday = days_from_civil(2026, 11, 30) * DAY; // a Monday, 00:00 UTC
        let now = monday + 8 * 3_600_000;
        assert_eq!(next_free(&prefs, &Fixed(0), &[], now), Some(monday + 9 * 3_600_000));
        let queue = [Queued { key: "a", position: 1.0, added: now }, Queued { key: "b", position: 2.0, added: now }];
        assert_eq!(next_free(&prefs, &Fixed(0), &queue, now), Some(monday + (17 * 60 + 30) * 60_000));
        let paused = SharePrefs { paused: true, ..prefs };
        assert_eq!(next_free(&paused, &Fixed(0), &queue, now), None);
    }

    /// Central European rules: +1, +2 from the last Sunday of March 01:00 UTC
    /// to the last Sunday of October 01:00 UTC.
    struct Berlin;
    /// US Eastern rules: −5, −4 from the second Sunday of March 07:00 UTC to
    /// the first Sunday of November 06:00 UTC.
    struct NewYork;

    fn last_sunday(y: i64, m: u32) -> i64 {
        let next = if m == 12 { days_from_civil(y + 1, 1, 1) } else { days_from_civil(y, m + 1, 1) };
        let last = next - 1;
        last - ((weekday(last) as i64 + 1) % 7)
    }

    fn nth_sunday(y: i64, m: u32, n: i64) -> i64 {
        let first = days_from_civil(y, m, 1);
        let first_sunday = first + (6 - weekday(first) as i64);
        first_sunday + 7 * (n - 1)
    }

    impl Zone for Berlin {
        fn offset_minutes(&self, t: i64) -> i32 {
            let y = civil_from_days(t.div_euclid(DAY)).0;
            let start = last_sunday(y, 3) * DAY + 60 * MINUTE;
            let end = last_sunday(y, 10) * DAY + 60 * MINUTE;
            if (start..end).contains(&t) {
                120
            } else {
                60
            }
        }
    }

    impl Zone for NewYork {
        fn offset_minutes(&self, t: i64) -> i32 {
            let y = civil_from_days(t.div_euclid(DAY)).0;
            let start = nth_sunday(y, 3, 2) * DAY + 7 * 60 * MINUTE;
            let end = nth_sunday(y, 11, 1) * DAY + 6 * 60 * MINUTE;
            if (start..end).contains(&t) {
                -240
            } else {
                -300
            }
        }
    }

    fn utc(y: i64, m: u32, d: u32, h: i64, min: i64) -> i64 {
        days_from_civil(y, m, d) * DAY + h * 60 * MINUTE + min * MINUTE
    }

    fn prefs(slots: &[u16]) -> SharePrefs {
        SharePrefs { slots: std::array::from_fn(|_| slots.to_vec()), ..SharePrefs::default() }
    }

    #[test]
    fn civil_dates_round_trip() {
        for z in [-800_000, -1, 0, 1, 18_000, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(weekday(0), 3, "1970-01-01 was a Thursday");
        assert_eq!(weekday(days_from_civil(2026, 11, 30)), 0, "2026-11-30 is a Monday");
        assert_eq!(last_sunday(2026, 3), days_from_civil(2026, 3, 29));
        assert_eq!(nth_sunday(2026, 3, 2), days_from_civil(2026, 3, 8));
    }

    #[test]
    fn slots_are_local_times() {
        let p = prefs(&[9 * 60]);
        // 2026-06-01 is summer in Berlin: 09:00 local is 07:00 UTC.
        assert_eq!(next_slot(&p, &Berlin, utc(2026, 6, 1, 0, 0)), Some(utc(2026, 6, 1, 7, 0)));
        // In winter, 08:00 UTC.
        assert_eq!(next_slot(&p, &Berlin, utc(2026, 12, 1, 0, 0)), Some(utc(2026, 12, 1, 8, 0)));
        // New York, 09:00 EST is 14:00 UTC; asked at 14:00 exactly → next day.
        assert_eq!(next_slot(&p, &NewYork, utc(2026, 1, 5, 14, 0)), Some(utc(2026, 1, 6, 14, 0)));
        // A zone east of UTC whose local day is ahead.
        assert_eq!(next_slot(&p, &Fixed(14 * 60), utc(2026, 1, 5, 20, 0)), Some(utc(2026, 1, 6, 19, 0)));
    }

    #[test]
    fn dst_change_days() {
        // Berlin, 2026-03-29: 02:00–03:00 local does not exist. A 02:30
        // slot happens just after the gap (01:30 UTC = 03:30 CEST).
        let p = prefs(&[2 * 60 + 30]);
        assert_eq!(next_slot(&p, &Berlin, utc(2026, 3, 28, 23, 0)), Some(utc(2026, 3, 29, 1, 30)));
        // 2026-10-25: 02:30 local happens twice; the first (00:30 UTC) is taken, once.
        let first = next_slot(&p, &Berlin, utc(2026, 10, 24, 23, 0)).unwrap();
        assert_eq!(first, utc(2026, 10, 25, 0, 30));
        let again = next_slot(&p, &Berlin, first).unwrap();
        assert_eq!(again, utc(2026, 10, 26, 1, 30), "not a second time that day");
        // New York spring forward (2026-03-08, 02:00 → 03:00).
        assert_eq!(next_slot(&p, &NewYork, utc(2026, 3, 8, 5, 0)), Some(utc(2026, 3, 8, 7, 30)));
        // A slot away from the change keeps its wall-clock time both days.
        let p = prefs(&[9 * 60]);
        assert_eq!(next_slot(&p, &NewYork, utc(2026, 3, 7, 0, 0)), Some(utc(2026, 3, 7, 14, 0)));
        assert_eq!(next_slot(&p, &NewYork, utc(2026, 3, 8, 0, 0)), Some(utc(2026, 3, 8, 13, 0)));
    }

    #[test]
    fn weekday_slots_and_empty_schedules() {
        let mut p = prefs(&[]);
        p.slots[4] = vec![12 * 60]; // Fridays only
        let monday = utc(2026, 11, 30, 0, 0);
        assert_eq!(next_slot(&p, &Fixed(0), monday), Some(utc(2026, 12, 4, 12, 0)));
        assert_eq!(next_slot(&prefs(&[]), &Fixed(0), monday), None);
        assert_eq!(upcoming(&p, &Fixed(0), monday, 2), vec![utc(2026, 12, 4, 12, 0), utc(2026, 12, 11, 12, 0)]);
    }

    fn q(key: &str, position: f64, added: i64) -> Queued<'_> {
        Queued { key, position, added }
    }

    #[test]
    fn items_take_the_next_free_slots_in_queue_order() {
        let mut p = prefs(&[9 * 60, 13 * 60, 17 * 60 + 30]);
        let now = utc(2026, 11, 30, 10, 0);
        p.cursor = now;
        let queue = [q("b", 2.0, now), q("a", 1.0, now), q("c", 3.0, now), q("d", 4.0, now)];
        let planned = plan(&p, &Fixed(0), &queue);
        assert_eq!(
            planned,
            vec![
                ("a", utc(2026, 11, 30, 13, 0)),
                ("b", utc(2026, 11, 30, 17, 30)),
                ("c", utc(2026, 12, 1, 9, 0)),
                ("d", utc(2026, 12, 1, 13, 0)),
            ]
        );
        assert_eq!(per_day(&planned, &Fixed(0), days_from_civil(2026, 11, 30), 3), vec![2, 2, 0]);
        // Full slots: a day with one slot takes one item a day.
        let mut one = prefs(&[9 * 60]);
        one.cursor = now;
        let planned = plan(&one, &Fixed(0), &queue);
        assert_eq!(
            planned.iter().map(|x| x.1).collect::<Vec<_>>(),
            (1..=4).map(|d| utc(2026, 11, 30, 9, 0) + d * DAY).collect::<Vec<_>>()
        );
    }

    #[test]
    fn paused_queues_announce_nothing() {
        let mut p = prefs(&[9 * 60]);
        p.paused = true;
        let queue = [q("a", 1.0, 0)];
        let t = tick(&p, &Fixed(0), &queue, utc(2030, 1, 1, 0, 0));
        assert!(t.due.is_empty() && t.next.is_none());
    }

    #[test]
    fn missed_slots_are_due_once_together() {
        let mut p = prefs(&[9 * 60, 13 * 60, 17 * 60 + 30]);
        let start = utc(2026, 11, 30, 8, 0);
        p.cursor = start;
        let queue =
            [q("a", 1.0, start), q("b", 2.0, start), q("c", 3.0, start), q("d", 4.0, start), q("e", 5.0, start)];
        // Browser closed until Tuesday 10:00: a, b, c and d's slots passed.
        let now = utc(2026, 12, 1, 10, 0);
        let t = tick(&p, &Fixed(0), &queue, now);
        assert_eq!(t.due.iter().map(|d| d.0).collect::<Vec<_>>(), vec!["a", "b", "c", "d"]);
        assert_eq!(t.cursor, utc(2026, 12, 1, 9, 0));
        assert_eq!(t.next, Some(utc(2026, 12, 1, 13, 0)));
        // Announced items leave the queue; the next tick at the same time
        // finds nothing due: no second notification.
        p.cursor = t.cursor;
        let rest = [q("e", 5.0, start)];
        let again = tick(&p, &Fixed(0), &rest, now);
        assert!(again.due.is_empty());
        assert_eq!(again.next, Some(utc(2026, 12, 1, 13, 0)));
    }

    #[test]
    fn a_new_item_never_lands_in_a_past_slot() {
        let mut p = prefs(&[9 * 60]);
        p.cursor = utc(2026, 1, 1, 0, 0); // long ago, the queue emptied since
        let added = utc(2026, 11, 30, 12, 0);
        let t = tick(&p, &Fixed(0), &[q("a", 1.0, added)], added);
        assert!(t.due.is_empty());
        assert_eq!(t.next, Some(utc(2026, 12, 1, 9, 0)));
    }
}
