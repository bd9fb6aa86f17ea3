//! Whom to track when the detector finds several people: the lifter, not a bystander walking
//! behind the bench. MediaPipe's pose graph keeps the detector's best box; with one person in
//! view Thrustline does the same, so it matches MediaPipe through camera cuts.

use crate::detector::Detection;

/// Share of the body axis (hip centre → full-body point) that is horizontal past which a person
/// is lying or supported (a bridge, a thrust on a bench); a standing or walking person's axis is
/// near vertical (under 0.3), a lifter's near horizontal (0.7–1).
pub const LYING_SHARE: f32 = 0.5;
/// How long the tracked lifter is remembered after they were last posed, seconds: a re-detection
/// within it looks for them where they were, and an upright stranger alone is not taken instead.
pub const LIFTER_MEMORY_S: f64 = 2.0;
/// A detection whose hip centre lies within this many body sizes of the lifter's last hip centre
/// is the lifter.
const SAME_PERSON_RADIUS: f32 = 0.5;

/// Whom to track when several people are in view.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Person {
    /// The person lying or supported (doing the bridge or thrust), then the detector's best
    /// score; not simply the biggest box.
    #[default]
    Auto,
    /// The leftmost person in the picture.
    Left,
    /// The rightmost person.
    Right,
    /// The person at this point (normalized to the frame), e.g. clicked in the live window.
    At(f32, f32),
}

impl std::str::FromStr for Person {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Person::Auto),
            "left" => Ok(Person::Left),
            "right" => Ok(Person::Right),
            other => Err(format!("unknown person '{other}' (expected auto, left or right)")),
        }
    }
}

/// Where the tracked lifter was last posed: hip centre and body size in pixels, and when.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lifter {
    pub hip_px: (f32, f32),
    pub size_px: f32,
    pub t_s: f64,
}

/// What [`choose`] decided.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Choice {
    /// Track this detection (`switched`: it is not the lifter tracked before, who is gone).
    Track { detection: Detection, switched: bool },
    /// Nobody to track: no one found, or only an upright stranger while the lifter is missed.
    Nobody,
}

/// Picks the person to track among `people` (best score first) in a `w`×`h` frame at `t_s`.
pub fn choose(
    people: &[Detection],
    rule: Person,
    lifter: Option<&Lifter>,
    w: u32,
    h: u32,
    t_s: f64,
) -> Choice {
    let px = |d: &Detection| (d.keypoints[0].0 * w as f32, d.keypoints[0].1 * h as f32);
    let recent = lifter.filter(|l| t_s - l.t_s <= LIFTER_MEMORY_S);
    // The lifter found again where they were.
    if let Some(l) = recent {
        let dist = |d: &Detection| {
            let (x, y) = px(d);
            (x - l.hip_px.0).hypot(y - l.hip_px.1)
        };
        let nearest = people.iter().min_by(|a, b| dist(a).total_cmp(&dist(b)));
        if let Some(d) = nearest.filter(|d| dist(d) <= SAME_PERSON_RADIUS * l.size_px) {
            return Choice::Track { detection: *d, switched: false };
        }
    }
    let lying = |d: &Detection| d.lying(w, h) >= LYING_SHARE;
    let pick = match rule {
        // One person: MediaPipe's choice, unless they stand while a lifter was just tracked.
        Person::Auto if people.len() == 1 => people.first().filter(|d| recent.is_none() || lying(d)),
        Person::Auto => people.iter().find(|d| lying(d)).or_else(|| people.first()),
        Person::Left => people.iter().min_by(|a, b| px(a).0.total_cmp(&px(b).0)),
        Person::Right => people.iter().max_by(|a, b| px(a).0.total_cmp(&px(b).0)),
        Person::At(x, y) => {
            let d2 = |d: &Detection| (d.keypoints[0].0 - x).powi(2) + (d.keypoints[0].1 - y).powi(2);
            people
                .iter()
                .filter(|d| d.contains(x, y))
                .min_by(|a, b| d2(a).total_cmp(&d2(b)))
                .or_else(|| people.iter().min_by(|a, b| d2(a).total_cmp(&d2(b))))
        }
    };
    match pick {
        Some(d) => Choice::Track { detection: *d, switched: recent.is_some() },
        None => Choice::Nobody,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A person with the hip centre at (x, y) and the body axis lying (horizontal) or upright.
    fn person(score: f32, x: f32, y: f32, lying: bool) -> Detection {
        let top = if lying { (x + 0.2, y) } else { (x, y - 0.3) };
        Detection {
            score,
            xmin: x - 0.15,
            ymin: y - 0.2,
            width: 0.3,
            height: 0.4,
            keypoints: [(x, y), top, (x, y), top],
        }
    }

    fn tracked(c: Choice) -> (f32, bool) {
        match c {
            Choice::Track { detection, switched } => (detection.keypoints[0].0, switched),
            Choice::Nobody => (f32::NAN, false),
        }
    }

    #[test]
    fn auto_takes_the_lying_lifter_over_a_better_scored_walker() {
        let people = [person(0.95, 0.3, 0.5, false), person(0.8, 0.7, 0.6, true)];
        assert_eq!(tracked(choose(&people, Person::Auto, None, 640, 480, 0.0)), (0.7, false));
        // Alone, a person is taken as MediaPipe would, standing or not.
        assert_eq!(tracked(choose(&people[..1], Person::Auto, None, 640, 480, 0.0)), (0.3, false));
    }

    #[test]
    fn left_right_and_a_point_pick_their_person() {
        let people = [person(0.9, 0.7, 0.5, true), person(0.8, 0.2, 0.5, true)];
        assert_eq!(tracked(choose(&people, Person::Left, None, 640, 480, 0.0)).0, 0.2);
        assert_eq!(tracked(choose(&people, Person::Right, None, 640, 480, 0.0)).0, 0.7);
        assert_eq!(tracked(choose(&people, Person::At(0.25, 0.45), None, 640, 480, 0.0)).0, 0.2);
    }

    #[test]
    fn the_lifter_is_kept_and_a_stranger_never_taken_silently() {
        let lifter = Lifter { hip_px: (0.7 * 640.0, 0.6 * 480.0), size_px: 200.0, t_s: 1.0 };
        let walker = person(0.95, 0.3, 0.5, false);
        let found_again = person(0.6, 0.71, 0.6, true);
        // Found again where they were, even under --person left.
        let both = [walker, found_again];
        assert_eq!(tracked(choose(&both, Person::Left, Some(&lifter), 640, 480, 1.5)), (0.71, false));
        // Missed by the detector while a walker passes: nobody, not the walker.
        assert_eq!(choose(&[walker], Person::Auto, Some(&lifter), 640, 480, 1.5), Choice::Nobody);
        // Long gone: the walker alone is taken as a new lifter (nobody is remembered to switch from).
        assert_eq!(tracked(choose(&[walker], Person::Auto, Some(&lifter), 640, 480, 4.0)), (0.3, false));
        // A new lying lifter elsewhere right after (a camera cut): taken, marked as a switch.
        let other = person(0.9, 0.2, 0.5, true);
        assert_eq!(tracked(choose(&[other], Person::Auto, Some(&lifter), 640, 480, 1.5)), (0.2, true));
    }
}
