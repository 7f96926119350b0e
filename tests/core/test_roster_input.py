"""A pasted list of representatives (survey/core/roster_input.py): all or nothing, every
problem at its line and column."""

from __future__ import annotations

from survey.core.roster_input import MAX_ROWS, RosterRow, parse_roster


def test_one_person_a_line_in_three_shapes_and_a_header_skipped():
    rows, problems = parse_roster(
        "name,email,language\nAna Ruiz, Ana@Example.org, fr\n"
        "kim@example.org\nLuc; luc@example.org\n"
    )
    assert problems == []
    assert rows == [
        RosterRow(2, "Ana Ruiz", "ana@example.org", "fr"),
        RosterRow(3, "", "kim@example.org", "en"),
        RosterRow(4, "Luc", "luc@example.org", "en"),
    ]


def test_any_problem_means_no_rows_and_each_says_where():
    rows, problems = parse_roster(
        "Ana, ana@example.org\nBob, not-an-address\nAna again, ANA@example.org\nZoe, z@x.org, de\n"
    )
    assert rows == []
    assert [str(p) for p in problems] == [
        "list:2:2: 'not-an-address' is not an e-mail address — write it as name@example.org",
        "list:3:2: ANA@example.org is already on line 1 — keep one of the two lines",
        "list:4:3: language 'de' — use en or fr",
    ]


def test_too_many_lines_are_refused_at_once():
    rows, problems = parse_roster("a@example.org\n" * (MAX_ROWS + 1))
    assert rows == [] and len(problems) == 1 and "split the list" in str(problems[0])
