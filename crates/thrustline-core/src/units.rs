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

/// Pound plates step by 2.5 lb: a load given in pounds is shown to the nearest of them.
const LB_STEP: f64 = 2.5;

/// The unit a lifter gave their load in, and sees it back in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LoadUnit {
    #[default]
    Kg,
    Lb,
}

impl LoadUnit {
    /// `kg` in this unit, as a lifter reads a bar: "60 kg", "62.5 kg", "135 lb" (pounds to the
    /// plates' 2.5 lb, so "135lb" stored as 61.23 kg reads back 135 lb).
    pub fn show(self, kg: f64) -> String {
        format!("{} {}", self.amount(kg), self.symbol())
    }

    /// A range `lo`–`hi` (kg) in this unit: "62.5-64 kg", "137.5-140 lb".
    pub fn show_range(self, lo: f64, hi: f64) -> String {
        format!("{}-{} {}", self.amount(lo), self.amount(hi), self.symbol())
    }

    /// The unit as written after a number, and stored: "kg", "lb".
    pub fn symbol(self) -> &'static str {
        match self {
            LoadUnit::Kg => "kg",
            LoadUnit::Lb => "lb",
        }
    }

    /// The unit a stored symbol names (anything but "lb" is kilograms, the default).
    pub fn from_symbol(s: &str) -> Self {
        if s == LoadUnit::Lb.symbol() {
            LoadUnit::Lb
        } else {
            LoadUnit::Kg
        }
    }

    /// `kg` as a lifter reads it in this unit: kilograms to the hundredth, pounds to the plate.
    fn amount(self, kg: f64) -> String {
        match self {
            LoadUnit::Kg => trimmed((kg * 100.0).round() / 100.0),
            LoadUnit::Lb => trimmed(self.from_kg(kg)),
        }
    }

    /// `amount` of this unit in kilograms.
    pub fn to_kg(self, amount: f64) -> f64 {
        match self {
            LoadUnit::Kg => amount,
            LoadUnit::Lb => amount * KG_PER_LB,
        }
    }

    /// `kg` in this unit (pounds to the plates' 2.5 lb).
    pub fn from_kg(self, kg: f64) -> f64 {
        match self {
            LoadUnit::Kg => kg,
            LoadUnit::Lb => ((kg / KG_PER_LB) / LB_STEP).round() * LB_STEP,
        }
    }
}

/// A number without trailing zeros: 60, 62.5, 61.23.
fn trimmed(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Kilograms, to the hundredth, from "60kg", "135lb", "135lbs" or "60" (a bare number is kg).
pub fn parse_load_kg(s: &str) -> Result<f64, String> {
    parse_load(s).map(|(kg, _)| kg)
}

/// As [`parse_load_kg`], with the unit the load was given in.
pub fn parse_load(s: &str) -> Result<(f64, LoadUnit), String> {
    let t = s.trim().to_ascii_lowercase();
    let (num, unit) = if let Some(n) = t.strip_suffix("kg") {
        (n, LoadUnit::Kg)
    } else if let Some(n) = t.strip_suffix("lbs").or_else(|| t.strip_suffix("lb")) {
        (n, LoadUnit::Lb)
    } else {
        (t.as_str(), LoadUnit::Kg)
    };
    let v: f64 = num.trim().parse().map_err(|_| format!("invalid load '{s}' (use e.g. 60kg or 135lb)"))?;
    if !(0.0..=MAX_LOAD_KG).contains(&v) {
        return Err(format!("invalid load '{s}' (between 0 and {MAX_LOAD_KG})"));
    }
    Ok(((unit.to_kg(v) * 100.0).round() / 100.0, unit))
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
        // Given in pounds, read back in pounds to the plate.
        for (given, shown) in
            [("135lb", "135 lb"), ("137.5 lbs", "137.5 lb"), ("60kg", "60 kg"), ("62.5", "62.5 kg")]
        {
            let (kg, unit) = parse_load(given).unwrap();
            assert_eq!(unit.show(kg), shown, "{given}");
        }
        assert_eq!(LoadUnit::Lb.from_kg(LoadUnit::Lb.to_kg(140.0)), 140.0);
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
