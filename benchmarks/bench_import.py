"""Paper imports of hostile files (issue 15): the worker's peak memory, the time and the size
of the page, for a file of 50,000 rows naming an unknown partner (389 KB) and one of nearly
5 MB (the upload limit), on a round of 20 partners with long names. Goal: every import under
200 MB of peak memory (``import_peak_mb``), a page of a few hundred KB at most.

Each file is imported in a process of its own, through the web form (sign-in, CSRF token,
upload), so that the peak resident memory (``ru_maxrss``) is the import's and nothing else's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.timing import emit

INSTRUMENT = Path(__file__).resolve().parent.parent / "questionnaires" / "partnership-health.yaml"


def partner_name(i: int) -> str:
    return (f"Partner {i:02d} " + "with a long organisation name, " * 6)[:200].strip()


def hostile_csv(rows: int) -> bytes:
    """Rows naming an unknown partner and nothing else, as in issue 15."""
    lines = ["respondent,partner"] + [f"{i},X" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def full_csv(rows: int, valid: bool) -> bytes:
    """``rows`` forms answering every question: valid ones (the import stores them all), or
    with an answer off the scale in every cell (a problem per cell: 40 per row)."""
    from survey.core.questionnaire import load_questionnaire

    q = load_questionnaire(INSTRUMENT)
    questions = list(q.questions())
    cells = []
    for question in questions:
        if not valid:
            cells.append("9" if question.type != "text" else "")
        elif question.type == "text":
            cells.append("Typed in from the paper form")
        else:
            cells.append(str(q.options_of(question)[0].value))
    header = ",".join(["respondent", "partner", *(question.id for question in questions)])
    lines = [header] + [f'P{i},"{partner_name(i % 20)}",' + ",".join(cells) for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


FILES = {
    "50k_rows": lambda: hostile_csv(50_000),  # 389 KB, the first file
    "5mb": lambda: hostile_csv(590_000),  # 5.2 MB, the second file
    "10k_bad_cells": lambda: full_csv(10_000, valid=False),
    "10k_valid": lambda: full_csv(10_000, valid=True),
}


CHILD = r"""
import json, re, resource, sys, tempfile, time
from pathlib import Path

from survey import create_app
from survey.core.instruments import available
from survey.store.database import db
from survey.store.models import Facilitator, Partner, Partnership, Round
from werkzeug.security import generate_password_hash

questionnaires, body_path = sys.argv[1], sys.argv[2]
folder = tempfile.mkdtemp()
app = create_app({
    "SECRET_KEY": "bench-" + "k" * 40,
    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
    "QUESTIONNAIRES_DIR": questionnaires,
    "RATELIMIT_ENABLED": False,
    "PDF_CACHE_DIR": "",
})
password = "tangerine-ledger-orbit"
with app.app_context():
    db.create_all()
    user = Facilitator(email="bench@example.org", password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.flush()
    partnership = Partnership(owner_id=user.id, name="Bench", description="")
    db.session.add(partnership)
    db.session.flush()
    for i in range(20):
        name = (f"Partner {i:02d} " + "with a long organisation name, " * 6)[:200].strip()
        db.session.add(Partner(partnership_id=partnership.id, name=name, position=i))
    found = next(f for f in available(questionnaires) if f.filename == "partnership-health.yaml")
    round_ = Round(partnership_id=partnership.id, name="R", status="open",
                   **Round.pinned_instrument(found.filename, found.questionnaire))
    db.session.add(round_)
    db.session.commit()
    round_id = round_.id

client = app.test_client()
token = lambda page: re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1)
page = client.get("/login").get_data(as_text=True)
client.post("/login", data={"email": "bench@example.org", "password": password,
                            "csrf_token": token(page)})
page = client.get(f"/rounds/{round_id}/import").get_data(as_text=True)
body = Path(body_path).read_bytes()
import io
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
response = client.post(
    f"/rounds/{round_id}/import",
    data={"csrf_token": token(page), "file": (io.BytesIO(body), "answers.csv")},
    content_type="multipart/form-data",
)
size = len(response.get_data())
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"status": response.status_code, "page_bytes": size, "seconds": seconds,
                  "peak_mb": peak, "before_mb": before, "file_bytes": len(body)}))
"""


def measure(make: object) -> dict[str, float]:
    root = Path(__file__).resolve().parent.parent
    with tempfile.NamedTemporaryFile(suffix=".csv") as file:
        file.write(make())  # type: ignore[operator]
        file.flush()
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(root / "questionnaires"), file.name],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> None:
    peaks = []
    for name, make in FILES.items():
        figures = measure(make)
        peaks.append(figures["peak_mb"])
        emit(f"import_{name}_file_kb", figures["file_bytes"] / 1024, "KB")
        emit(f"import_{name}_status", figures["status"], "")
        emit(f"import_{name}_s", figures["seconds"], "s")
        emit(f"import_{name}_page_kb", figures["page_bytes"] / 1024, "KB")
        emit(f"import_{name}_peak_mb", figures["peak_mb"], "MB")
        emit(f"import_{name}_before_mb", figures["before_mb"], "MB")
    emit("import_peak_mb", max(peaks), "MB")
