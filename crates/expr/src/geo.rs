//! `distance()` and `area()` on ODK's geo values.
//!
//! A geopoint is `latitude longitude [altitude [accuracy]]` in degrees; a
//! geotrace or geoshape is geopoints separated by `;`. Both functions work
//! on a sphere with ODK's Earth radius, 6,378,100 m (the equatorial radius,
//! as JavaRosa and Enketo use), and ignore altitude, so Yim gives the same
//! figures as ODK Collect and Enketo.

/// The Earth's radius in metres that ODK's `distance()` and `area()` use.
pub(crate) const EARTH_RADIUS: f64 = 6_378_100.0;

/// One point in radians, or `None` when the text is not a geopoint (a
/// latitude from -90 to 90 and a longitude from -180 to 180).
fn point(text: &str) -> Option<(f64, f64)> {
    let mut parts = text.split_whitespace();
    let lat: f64 = parts.next()?.parse().ok()?;
    let lon: f64 = parts.next()?.parse().ok()?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return None;
    }
    Some((lat.to_radians(), lon.to_radians()))
}

/// The points of a geotrace or geoshape; `None` when any is not a geopoint.
/// A trailing `;` is allowed.
pub(crate) fn points<'a>(texts: impl Iterator<Item = &'a str>) -> Option<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for text in texts {
        for part in text.split(';') {
            if part.trim().is_empty() {
                continue;
            }
            out.push(point(part)?);
        }
    }
    Some(out)
}

/// The length in metres of the path through `points`, along great circles.
pub(crate) fn distance(points: &[(f64, f64)]) -> f64 {
    points
        .windows(2)
        .map(|w| {
            let ((lat1, lon1), (lat2, lon2)) = (w[0], w[1]);
            // The spherical law of cosines; the clamp keeps rounding from
            // pushing identical points just past 1, where acos is NaN.
            let c = lat1.sin() * lat2.sin() + lat1.cos() * lat2.cos() * (lon2 - lon1).cos();
            c.clamp(-1.0, 1.0).acos() * EARTH_RADIUS
        })
        .sum()
}

/// The area in square metres inside the polygon through `points`, on the
/// sphere: the sum over the edges of (λ₂ − λ₁)(2 + sin φ₁ + sin φ₂), times
/// R²/2, as ODK computes it. Whether the shape repeats its first point at
/// the end makes no difference.
pub(crate) fn area(points: &[(f64, f64)]) -> f64 {
    if points.len() < 3 {
        return 0.0;
    }
    let n = points.len();
    let mut sum = 0.0;
    for i in 0..n {
        let (lat1, lon1) = points[i];
        let (lat2, lon2) = points[(i + 1) % n];
        sum += (lon2 - lon1) * (2.0 + lat1.sin() + lat2.sin());
    }
    (sum * EARTH_RADIUS * EARTH_RADIUS / 2.0).abs()
}
