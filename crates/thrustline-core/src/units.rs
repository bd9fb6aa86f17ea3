//! The units people type: loads in kilograms or pounds, heights in metres or centimetres.
//! Errors are one line naming the value and what would be accepted.

/// Pounds to kilograms (exact, by definition of the international pound).
const KG_PER_LB: f64 = 0.453_592_37;
/// Heavier than any hip thrust on record (about 600 kg) with room to spare.
const MAX_LOAD_KG: f64 = 1000.0;
/// Adult heights the velocity scale is meant for, metres.
const HEIGHT_RANGE_M: std::ops::RangeInclusive<f32> = 1.0..=2.5;
/// A bare height under this is metres, from it up centimetres ("1.75" and "175").
const BARE_HEIGHT_METRES_BELOW: f32 = 3.0;

/// Kilograms, to the hundredth, from "60kg", "135lb", "135lbs" or "60" (a bare number is kg).
pub fn parse_load_kg(s: &str) -> Result<f64, String> {
    let t = s.trim().to_ascii_lowercase();
    let (num, factor) = if let Some(n) = t.strip_suffix("kg") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix("lbs").or_else(|| t.strip_suffix("lb")) {
        (n, KG_PER_LB)
    } else {
        (t.as_str(), 1.0)
    };
    let v: f64 = num.trim().parse().map_err(|_| format!("invalid load '{s}' (use e.g. 60kg or 135lb)"))?;
    if !(0.0..=MAX_LOAD_KG).contains(&v) {
        return Err(format!("invalid load '{s}' (between 0 and {MAX_LOAD_KG})"));
    }
    Ok((v * factor * 100.0).round() / 100.0)
}

/// Metres from "1.75m", "175cm" or a bare "1.75" / "175".
pub fn parse_height_m(s: &str) -> Result<f32, String> {
    let t = s.trim().to_ascii_lowercase();
    let (num, factor) = if let Some(n) = t.strip_suffix("cm") {
        (n, Some(0.01))
    } else if let Some(n) = t.strip_suffix('m') {
        (n, Some(1.0))
    } else {
        (t.as_str(), None)
    };
    let v: f32 =
        num.trim().parse().map_err(|_| format!("'{s}' is not a height (use e.g. 1.75m or 175cm)"))?;
    let m = match factor {
        Some(f) => v * f,
        None if v < BARE_HEIGHT_METRES_BELOW => v,
        None => v * 0.01,
    };
    if HEIGHT_RANGE_M.contains(&m) {
        Ok(m)
    } else {
        Err(format!("'{s}' is out of range (1.0 to 2.5 m)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads() {
        assert_eq!(parse_load_kg("60kg"), Ok(60.0));
        assert_eq!(parse_load_kg(" 60 "), Ok(60.0));
        assert_eq!(parse_load_kg("135lb"), Ok(61.23));
        assert_eq!(parse_load_kg("100LBS"), Ok(45.36));
        assert!(parse_load_kg("-5").is_err());
        assert!(parse_load_kg("heavy").is_err());
        assert!(parse_load_kg("2000kg").is_err());
    }

    #[test]
    fn heights() {
        assert_eq!(parse_height_m("1.75m"), Ok(1.75));
        assert_eq!(parse_height_m("175cm"), Ok(1.75));
        assert_eq!(parse_height_m("1.75"), Ok(1.75));
        assert_eq!(parse_height_m("175"), Ok(1.75));
        assert!(parse_height_m("5m").is_err());
        assert!(parse_height_m("tall").is_err());
        assert!(parse_height_m("0.5").is_err());
    }
}
