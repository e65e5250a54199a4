"""Did it help? Figures before and during a plan, checked against hand-worked diaries."""

from __future__ import annotations

from datetime import date, timedelta

from stretch_app.plans.outcome import outcome, rows

START = date(2026, 3, 23)  # a six-week plan: 23 March to 3 May
END = date(2026, 5, 3)
NOT_ENOUGH = "Not enough diary before the plan to compare."
INVITE = "No cramps last night"


def before(days: int) -> date:
    return START - timedelta(days=days)


def plan_day(number: int) -> date:
    return START + timedelta(days=number - 1)


def test_with_no_diary_before_the_plan_there_is_nothing_to_compare() -> None:
    cramps = [(plan_day(2), 5), (plan_day(5), 3)]
    result = outcome(cramps, set(), plan_day(2), START, END, plan_day(10))
    assert result.before is None
    assert NOT_ENOUGH in result.note
    table = rows(result)
    assert [(what, b) for what, b, _ in table] == [
        ("Cramps per week", "—"), ("Average strength (1–10)", "—"), ("Diary records", "—")]
    # The plan's own figures: days 1-10, 2 cramps → 2 × 7 / 10 = 1.4 a week, strength 4.0.
    assert [d for _, _, d in table] == ["1.4", "4.0", "2 entries, 0 quiet nights"]
    assert outcome([], set(), None, START, END, plan_day(10)).before is None


def test_a_diary_begun_under_two_weeks_before_the_plan_is_not_enough() -> None:
    cramps = [(before(10), 7), (before(4), 5), (before(1), 6)]
    result = outcome(cramps, set(), before(10), START, END, plan_day(8))
    assert result.before is not None
    assert (result.before.days, result.before.entries, result.before.enough) == (10, 3, False)
    assert (result.before.per_week, result.before.avg_strength) == (None, None)
    assert NOT_ENOUGH in result.note
    assert rows(result)[0][1] == "—"
    assert rows(result)[2][1] == "3 entries, 0 quiet nights"  # what there is, not a figure


def test_a_sparse_diary_two_cramps_in_the_three_weeks_before() -> None:
    # 2 cramps over 21 days: 2 × 7 / 21 = 0.67 → 0.7 a week; strengths 4 and 6 → 5.0.
    cramps = [(before(18), 4), (before(7), 6)]
    result = outcome(cramps, set(), before(21), START, END, plan_day(3))
    b = result.before
    assert b is not None
    assert (b.first, b.last, b.days) == (date(2026, 3, 2), date(2026, 3, 22), 21)
    assert b.label == "The 3 weeks before the plan"
    assert (b.entries, b.quiet, b.per_week, b.avg_strength, b.enough) == (2, 0, 0.7, 5.0, True)
    assert NOT_ENOUGH not in result.note
    assert [text for _, text, _ in rows(result)] == ["0.7", "5.0", "2 entries, 0 quiet nights"]


def test_a_dense_diary_is_clipped_to_the_eight_weeks_before_the_plan() -> None:
    # 14 cramps in the 56 days before, 7 of strength 6 and 7 of strength 4:
    # 14 × 7 / 56 = 1.75 → 1.8 a week (half up), average (42 + 28) / 14 = 5.0.
    cramps = [(before(4 * n + 2), 6 if n % 2 else 4) for n in range(14)]
    older = [(before(57), 10), (before(90), 10)]  # before the 8 weeks: left out
    result = outcome([*older, *cramps], set(), before(120), START, END, plan_day(20))
    b = result.before
    assert b is not None
    assert (b.first, b.last, b.days, b.label) == (
        before(56), before(1), 56, "The 8 weeks before the plan")
    assert (b.entries, b.per_week, b.avg_strength) == (14, 1.8, 5.0)


def test_quiet_nights_are_counted_as_records_but_not_as_cramps() -> None:
    cramps = [(plan_day(d), s) for d, s in ((3, 5), (9, 3), (12, 4))]
    quiet = {plan_day(d) for d in (8, 10, 11, 13, 14)} | {before(3), before(30)}
    result = outcome(cramps, quiet, before(30), START, END, plan_day(14))
    d = result.during
    assert d is not None
    # Days 1-14, 3 cramps: 3 × 7 / 14 = 1.5 a week; strengths 5, 3, 4 → 4.0.
    assert (d.first, d.last, d.days, d.label) == (START, plan_day(14), 14, "Days 1–14 of the plan")
    assert (d.entries, d.quiet, d.per_week, d.avg_strength) == (3, 5, 1.5, 4.0)
    assert result.before is not None and result.before.quiet == 2
    assert result.before.per_week == 0.0 and result.before.avg_strength is None
    assert rows(result) == [
        ("Cramps per week", "0.0", "1.5"),
        ("Average strength (1–10)", "—", "4.0"),
        ("Diary records", "0 entries, 2 quiet nights", "3 entries, 5 quiet nights"),
    ]
    assert INVITE not in result.note  # 8 records during the plan: no need to ask


def test_during_is_the_plans_last_two_weeks_so_far_and_stops_at_its_end() -> None:
    cramps = [(plan_day(3), 9), (plan_day(30), 2), (plan_day(40), 4), (plan_day(42), 6),
              (END + timedelta(days=1), 8), (END + timedelta(days=20), 8)]
    mid = outcome(cramps, set(), plan_day(3), START, END, plan_day(35)).during
    assert mid is not None
    assert (mid.first, mid.last, mid.label, mid.entries) == (
        plan_day(22), plan_day(35), "Days 22–35 of the plan", 1)
    after = outcome(cramps, set(), plan_day(3), START, END, END + timedelta(days=30)).during
    assert after is not None
    # Days 29-42 only: 3 cramps → 1.5 a week; strengths 2, 4, 6 → 4.0; none after the end.
    assert (after.first, after.last, after.label) == (plan_day(29), END, "Days 29–42 of the plan")
    assert (after.entries, after.per_week, after.avg_strength) == (3, 1.5, 4.0)


def test_a_plan_under_seven_days_old_has_no_figures_yet() -> None:
    cramps = [(plan_day(2), 6), (before(20), 5)]
    young = outcome(cramps, set(), before(20), START, END, plan_day(6))
    assert young.during is not None
    assert (young.during.days, young.during.enough, young.during.entries) == (6, False, 1)
    assert young.during.per_week is None and young.during.avg_strength is None
    assert [d for _, _, d in rows(young)] == ["—", "—", "1 entry, 0 quiet nights"]
    assert "after its first 7 days" in young.note
    week_old = outcome(cramps, set(), before(20), START, END, plan_day(7))
    assert week_old.during is not None and week_old.during.enough
    assert week_old.during.per_week == 1.0  # 1 × 7 / 7
    assert "after its first 7 days" not in week_old.note


def test_before_the_plan_starts_there_is_no_during_period() -> None:
    result = outcome([(before(5), 4)], set(), before(40), START, END, before(1))
    assert result.during is None
    assert [d for _, _, d in rows(result)] == ["—", "—", "—"]
    assert result.before is not None and result.before.days == 40


def test_the_note_says_it_is_their_own_record_not_proof_and_invites_logging() -> None:
    result = outcome([(plan_day(2), 5)], {plan_day(4)}, before(30), START, END, plan_day(9))
    note = result.note
    assert "your own diary" in note
    assert "not proof" in note
    assert INVITE in note  # 2 records in the plan's 9 days so far
    assert "doctor" not in note.lower()
    busy = outcome([], {plan_day(d) for d in range(1, 10)}, before(30), START, END, plan_day(9))
    assert INVITE not in busy.note
    assert "not proof" in busy.note


def test_the_first_record_falls_back_to_the_dates_it_is_given() -> None:
    # A caller that knows no first record still gets the before period from the entries.
    result = outcome([(before(20), 3)], set(), None, START, END, plan_day(8))
    assert result.before is not None
    assert (result.before.first, result.before.days, result.before.enough) == (before(20), 20, True)


def test_a_finished_plan_with_few_records_says_so_instead_of_asking_to_log() -> None:
    result = outcome([(plan_day(2), 5)], set(), before(30), START, END, END + timedelta(days=3))
    assert INVITE not in result.note
    assert "Few diary records back the plan's figures" in result.note
