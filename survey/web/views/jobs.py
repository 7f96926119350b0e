"""A background job's page: its progress while it runs, its download when it is done, and its
reason when it failed. Only the facilitator who asked for it sees it (anyone else: 404)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, send_file
from flask_login import current_user, login_required

from survey.store.jobs import Job, owned_job
from survey.web.printed_reports import ZIP_MIMETYPE
from survey.web.tasks import KEEP_RESULTS, result_path

bp = Blueprint("jobs", __name__)


@bp.before_request
def require_login() -> Any:
    return login_required(lambda: None)()


def _job(public_id: str) -> Job:
    if len(public_id) != 32 or not public_id.isalnum():
        abort(404)
    job = owned_job(public_id, current_user.id)
    if job is None:
        abort(404)
    return job


def _state(job: Job) -> dict[str, Any]:
    return {
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "error": job.error if job.status == "failed" else "",
        "download": bool(job.status == "done" and job.result),
    }


@bp.get("/jobs/<public_id>")
def job_page(public_id: str) -> str:
    job = _job(public_id)
    return render_template("jobs/job.html", job=job, state=_state(job), keep_days=KEEP_RESULTS.days)


@bp.get("/jobs/<public_id>.json")
def job_state(public_id: str) -> Response:
    return jsonify(_state(_job(public_id)))


@bp.get("/jobs/<public_id>/download")
def job_download(public_id: str) -> Response:
    job = _job(public_id)
    if job.status != "done" or not job.result or not result_path(job).is_file():
        abort(404)
    response = send_file(
        result_path(job),
        mimetype=ZIP_MIMETYPE,
        as_attachment=True,
        download_name="symposium-pack.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
