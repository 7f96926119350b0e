"""A hostile paper-answer file must not flood the server (issue 15, item 2): a cap on rows,
the first 100 problems with a count of the rest, the partners named once, bounded memory."""

from __future__ import annotations

import re
import tracemalloc

import pytest

from survey.core.csv_input import parse_responses
from survey.core.problems import MAX_REPORTED_PROBLEMS, InputError, Problem, Problems
from survey.core.scoring import PartnerInfo
from survey.store.paper_import import MAX_IMPORT_ROWS, plan_import
from tests.core.helpers import instrument as built_instrument
from tests.helpers import get_csrf, text_of

LONG = [
    PartnerInfo(f"Partner {i:02d} " + "with a long organisation name, " * 6, "", i == 0)
    for i in range(20)
]


def unknown_partner_file(rows: int) -> str:
    return "respondent,partner\n" + "".join(f"{i},X\n" for i in range(rows))


def test_problems_keep_the_earliest_and_count_them_all():
    problems = Problems(limit=3)
    for line in (9, 2, 7, 5, 2, 11):
        problems.append(Problem("f.csv", f"at {line}", line=line))
    assert len(problems) == 6
    assert [p.line for p in problems.listed()] == [2, 2, 5]
    error = problems.error(note="N")
    assert (error.total, error.more, error.note) == (6, 3, "N")


def test_a_file_over_the_row_cap_is_refused_at_once():
    body = "respondent,partner,trust_1\n" + "".join(
        f"P{i},City,4\n" for i in range(MAX_IMPORT_ROWS + 1)
    )
    with pytest.raises(InputError) as error:
        plan_import(built_instrument(), LONG, {}, body, "paper.csv")
    assert [str(p) for p in error.value.problems] == [
        f"paper.csv:{MAX_IMPORT_ROWS + 2}: the file has more than 10,000 rows of answers — "
        "split it into files of 10,000 rows or fewer, each with the header row, and import "
        "them one after the other"
    ]


def test_a_problem_on_every_row_lists_100_and_counts_the_rest():
    with pytest.raises(InputError) as error:
        plan_import(built_instrument(), LONG, {}, unknown_partner_file(MAX_IMPORT_ROWS), "p.csv")
    problems = error.value.problems
    assert len(problems) == MAX_REPORTED_PROBLEMS == 100
    assert [p.line for p in problems] == list(range(2, 102))  # the first ones, in order
    assert error.value.total == MAX_IMPORT_ROWS
    assert error.value.more == MAX_IMPORT_ROWS - 100
    # The partners' names are said once, in the note, never in a problem.
    assert not any("Partner 00" in str(p) for p in problems)
    assert error.value.note.count("Partner 00") == 1
    assert sum(len(str(p)) for p in problems) < 30_000


def test_parse_responses_caps_its_problems_too():
    partners = [PartnerInfo("City", "", True)]
    with pytest.raises(InputError) as error:
        parse_responses(built_instrument(), partners, unknown_partner_file(5_000), "r.csv")
    assert len(error.value.problems) == 100 and error.value.total == 5_000


def test_a_hostile_file_s_import_stays_small_in_memory():
    """Python's own allocations while planning the largest allowed file with a problem on every
    row (the server's peak is measured by `make bench`: import_peak_mb)."""
    body = unknown_partner_file(MAX_IMPORT_ROWS).encode()
    tracemalloc.start()
    try:
        with pytest.raises(InputError):
            plan_import(built_instrument(), LONG, {}, body, "p.csv")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024, f"{peak / 2**20:.0f} MB"


def test_the_web_page_lists_100_problems_and_says_how_many_more(app, world, login):
    import io

    owner = login(app.test_client(), world.owner)
    url = f"/rounds/{world.round.id}/import"
    body = unknown_partner_file(5_000).encode()
    response = owner.post(
        url,
        data={"csrf_token": get_csrf(owner, url), "file": (io.BytesIO(body), "answers.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = text_of(response)
    assert len(response.get_data()) < 200_000
    assert "5,000 problems: nothing was imported" in page
    assert "… and 4,900 more problems, not listed" in page
    assert len(re.findall(r'<td class="num">\d+</td>', response.get_data(as_text=True))) == 100
    # The partnership's partners, named once on the whole page for the problems...
    summary = re.search(r'<p class="partner-names">(.*?)</p>', page, re.S).group(1)
    assert "Police" in summary
    assert "10,000 rows of answers at most" in page
