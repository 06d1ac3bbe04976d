//! Invitations: the deadline, and apply / decline / lapse, including the edge cases.

use eesim::ita::Resolution;
use eesim::{
    CandidateId, Cohort, CrsScore, DrawSpec, Eligibility, Invitation, Period, Pool, Program,
    Response, Target, Timestamp,
};

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn one(id: u64, score: u16, at: &str) -> Cohort {
    Cohort {
        score: CrsScore::new(score).unwrap(),
        submitted_at: t(at),
        id: CandidateId(id),
        eligibility: Eligibility::none().with_program(Program::Cec),
        count: 1,
    }
}

#[test]
fn invited_candidates_leave_the_pool_at_the_round() {
    let mut pool = Pool::new();
    pool.add(one(1, 500, "2025-01-01T00:00:00Z")).unwrap();
    let out = pool.draw(&DrawSpec::new(t("2025-06-01T12:00:00Z"), Target::All, 1));
    assert!(pool.is_empty());
    let ita = Invitation::issue(
        out.invitees[0],
        t("2025-06-01T12:00:00Z"),
        Period::SIXTY_DAYS,
    );
    assert_eq!(ita.deadline, t("2025-07-31T12:00:00Z"));
    assert_eq!(
        ita.respond(Response::Apply, t("2025-07-01T00:00:00Z"), &mut pool),
        Ok(Resolution::Applied)
    );
    assert!(pool.is_empty());
}

#[test]
fn a_decline_returns_the_profile_with_its_original_submission_time() {
    let mut pool = Pool::new();
    let c = one(1, 500, "2025-01-01T00:00:00Z");
    pool.add(c).unwrap();
    pool.add(one(2, 500, "2025-03-01T00:00:00Z")).unwrap();
    let out = pool.draw(&DrawSpec::new(t("2025-06-01T12:00:00Z"), Target::All, 1));
    assert_eq!(out.invitees, vec![c]);
    let ita = Invitation::issue(c, t("2025-06-01T12:00:00Z"), Period::SIXTY_DAYS);
    assert_eq!(
        ita.respond(Response::Decline, t("2025-06-05T00:00:00Z"), &mut pool),
        Ok(Resolution::ReturnedToPool)
    );
    // Back ahead of the later profile at the same score.
    let again = pool.draw(&DrawSpec::new(t("2025-06-10T12:00:00Z"), Target::All, 1));
    assert_eq!(again.invitees, vec![c]);
    assert_eq!(again.tie_break, Some(t("2025-01-01T00:00:00Z")));
}

#[test]
fn a_decline_after_the_profile_expired_removes_it() {
    let mut pool = Pool::new();
    let c = one(1, 500, "2025-01-01T00:00:00Z");
    // Invited a week before the profile's 12 months end; declines a day after they end.
    let ita = Invitation::issue(c, t("2025-12-25T00:00:00Z"), Period::SIXTY_DAYS);
    assert_eq!(
        ita.respond(Response::Decline, t("2026-01-02T00:00:00Z"), &mut pool),
        Ok(Resolution::ProfileExpired)
    );
    assert!(pool.is_empty());
    // At the very second of expiry the profile is already gone.
    assert_eq!(
        ita.respond(Response::Decline, t("2026-01-01T00:00:00Z"), &mut pool),
        Ok(Resolution::ProfileExpired)
    );
    // One second before, it returns (and will expire at the next sweep).
    assert_eq!(
        ita.respond(Response::Decline, t("2025-12-31T23:59:59Z"), &mut pool),
        Ok(Resolution::ReturnedToPool)
    );
    assert_eq!(pool.expire(t("2026-01-01T00:00:00Z")), 1);
}

#[test]
fn err_responses_outside_the_window() {
    let mut pool = Pool::new();
    let ita = Invitation::issue(
        one(1, 500, "2025-01-01T00:00:00Z"),
        t("2025-06-01T12:00:00Z"),
        Period::SIXTY_DAYS,
    );
    let e = ita
        .respond(Response::Apply, t("2025-07-31T12:00:00Z"), &mut pool)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "ITA response at 2025-07-31T12:00:00Z: expected a time from 2025-06-01T12:00:00Z to 2025-07-31T12:00:00Z"
    );
    assert!(
        ita.respond(Response::Decline, t("2025-06-01T11:59:59Z"), &mut pool)
            .is_err()
    );
    assert!(pool.is_empty());
    assert_eq!(ita.lapse(), Resolution::Lapsed);
}
