//! How late what is owed is: days past the due date and the report's bucket, worked out
//! from the clock on each read (`overdue` is never stored).

use chrono::NaiveDate;

/// The days past `due` on `today` and the aging bucket, for what is still owed.
pub fn aging(due: Option<NaiveDate>, amount_due: i64, today: NaiveDate) -> (i64, &'static str) {
    let days = match due {
        Some(due) if amount_due > 0 => (today - due).num_days().max(0),
        _ => 0,
    };
    let bucket = match days {
        0 => "current",
        1..=30 => "1-30",
        31..=60 => "31-60",
        61..=90 => "61-90",
        _ => "90+",
    };
    (days, bucket)
}

#[cfg(test)]
mod tests {
    use super::aging;
    use chrono::{Duration, NaiveDate};

    #[test]
    fn each_bucket_starts_where_the_contract_says_and_nothing_owed_is_current() {
        let due = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let on = |days: i64| due + Duration::days(days);
        let cases = [
            (-5, 0, "current"),
            (0, 0, "current"),
            (1, 1, "1-30"),
            (30, 30, "1-30"),
            (31, 31, "31-60"),
            (60, 60, "31-60"),
            (61, 61, "61-90"),
            (90, 90, "61-90"),
            (91, 91, "90+"),
        ];
        for (days, late, bucket) in cases {
            assert_eq!(aging(Some(due), 100, on(days)), (late, bucket), "{days}");
        }
        assert_eq!(aging(Some(due), 0, on(200)), (0, "current"), "paid");
        assert_eq!(aging(None, 100, on(200)), (0, "current"), "a draft");
    }
}
