//! The cut-off replay on a hand-made feed whose answers are worked out by hand.
//!
//! The fixture's snapshots hold 6,000 candidates, all in 601-1200. With no neighbours the
//! smooth density there is the parabola `60 t (1 - t)` per point, `t = (x - 600.5) / 600`, so
//! the candidates at or above score `s` number `A(s) = 6000 (1 - G(t))` with
//! `G(t) = 3t^2 - 2t^3` and `t = (s - 601) / 600`. The flat density is 10 per point.

use eesim::Family;
use eesim::feed::FeedReader;
use eesim::forecast::{ErrorStats, Replay};

use crate::feed_reader::fixture;

fn replay() -> Replay {
    let (history, report) = FeedReader::new()
        .strict(true)
        .read_path(fixture("replay.json"))
        .unwrap();
    assert_eq!(report.rounds_read(), 5);
    Replay::run(&history)
}

#[test]
fn nowcasts_match_the_hand_computation() {
    let replay = replay();
    let got: Vec<(String, u16, u16, u16, Option<u16>)> = replay
        .nowcasts()
        .iter()
        .map(|n| {
            (
                n.draw.to_string(),
                n.actual.get(),
                n.predicted.get(),
                n.flat.get(),
                n.previous.map(|p| p.get()),
            )
        })
        .collect();
    let want = [
        // Round 0 has an all-zero distribution: no nowcast.
        // 1: CEC never seen, share 1: A(s) >= 1500 down to 1005 (A(1005) = 1502.8,
        //    A(1006) = 1489.6). Flat: 150 scores, 1051.
        ("1", 901, 1005, 1051, None),
        // 2: CEC share from round 1: 1500 / A(901) = 1500 / 3000 = 0.5. Round 1 took 1,500 of
        //    the 3,000 at 901 and above, halving them; target 600 / 0.5 = 1200:
        //    A(941) / 2 = 1201.8, A(942) / 2 = 1194.4, so 941. Flat: 5 per point, 240 points,
        //    961. Previous CEC cut-off: 901.
        ("2", 945, 941, 961, Some(901)),
        // 3: all-program, share 1: A(1119) = 305.6, A(1120) = 298.5, so 1119. Flat: 1171.
        ("3", 1120, 1119, 1171, Some(1150)),
        // 4: PNP never seen (share 1), after round 3 removed 300 from the 298.5 at 1120 and
        //    above (all of them): A(1106) - 298.5 = 105.1, A(1107) - 298.5 = 97.1, so 1106.
        //    Flat: 810 at 1120+, 300 removed, 510 left at 6.30 per point; 100 reach 1185.
        ("4", 1100, 1106, 1185, None),
    ];
    let want: Vec<(String, u16, u16, u16, Option<u16>)> = want
        .iter()
        .map(|&(d, a, p, f, prev)| (d.to_string(), a, p, f, prev))
        .collect();
    assert_eq!(got, want);
    assert_eq!(replay.nowcasts()[3].family, Family::PNP);
}

#[test]
fn csv_has_the_documented_header_and_rows() {
    let mut out = Vec::new();
    replay().write_csv(&mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "draw,date,family,size,actual,predicted\n\
         1,2024-03-01,cec,1500,901,1005\n\
         2,2024-03-02,cec,600,945,941\n\
         3,2024-03-10,general,300,1120,1119\n\
         4,2024-03-12,pnp,100,1100,1106\n"
    );
}

#[test]
fn error_stats_by_hand() {
    let replay = replay();
    // Errors: +104, -4, -1, +6.
    let s = ErrorStats::of(replay.nowcasts().iter().map(|n| n.error())).unwrap();
    assert_eq!(s.count, 4);
    assert_eq!(s.mae, 115.0 / 4.0);
    assert_eq!(s.median, 5.0);
    assert_eq!(s.bias, 105.0 / 4.0);
    assert_eq!(s.within_5, 0.5);
    assert!(ErrorStats::of(Vec::new()).is_none());
}
