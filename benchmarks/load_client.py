"""The load generator: simulated respondents over real HTTP, one asyncio task each.

A minimal HTTP/1.1 client on asyncio streams (standard library only) so that one process can
drive hundreds of respondents while using a small share of one core: no per-request thread, no
parsing beyond the status line, the headers, a ``Location`` and the CSRF token. It keeps a
cookie jar and a keep-alive connection per respondent, like a browser, and follows redirects
explicitly so that each request is timed on its own.

Two journeys over the same steps: :func:`app_journey` through the real pages (welcome, start,
each page read then saved with its CSRF token, review, submit, done) and :func:`bare_journey`
through ``benchmarks/bare_app.py``, which runs the same SQL for each step with no forms, CSRF
or templates.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from contextlib import suppress
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
ATTEMPTS = 6  # a request is tried this often on connection errors and 5xx before giving up
TIMEOUT_S = 60.0


class TransientError(Exception):
    """A connection error, a timeout or a 5xx: the request may be tried again as it is."""


class UnexpectedResponse(Exception):
    """A status or redirect the journey did not expect: retrying would not help."""


@dataclass
class Page:
    """One page of the instrument as the client answers it: (question id, possible values)."""

    questions: list[tuple[str, list[str]]]


@dataclass
class Tally:
    """What the respondents saw, shared by all of them (one event loop, no locks needed)."""

    save_latencies: list[float] = field(default_factory=list)  # seconds, ack of each page save
    save_started: list[float] = field(default_factory=list)  # perf_counter() when each was sent
    saves: int = 0
    requests: int = 0
    errors: int = 0  # failed attempts: connection errors, timeouts, 5xx, unexpected answers
    failed_journeys: int = 0
    started: int = 0
    # resume token -> {question id: value} of every page whose save was acknowledged
    acknowledged: dict[str, dict[str, str]] = field(default_factory=dict)
    submitted: set[str] = field(default_factory=set)
    error_kinds: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


class Browser:
    """One respondent's connection and cookies."""

    def __init__(self, host: str, port: int, tally: Tally) -> None:
        self.host, self.port, self.tally = host, port, tally
        self.cookies: dict[str, str] = {}
        self.stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def close(self) -> None:
        if self.stream is not None:
            writer = self.stream[1]
            self.stream = None
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()

    async def _exchange(self, method: str, path: str, body: bytes) -> Reply:
        if self.stream is None:
            self.stream = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.stream
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            head.append("Content-Type: application/x-www-form-urlencoded")
            head.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
            else:
                headers[name] = value
        if "content-length" in headers:
            payload = await reader.readexactly(int(headers["content-length"]))
        else:
            payload = await reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Reply(status, headers, payload)

    async def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        """One request, tried again on connection errors and 5xx (the same bytes each time)."""
        body = urlencode(form or {}).encode()
        for attempt in range(ATTEMPTS):
            reused = self.stream is not None
            self.tally.requests += 1
            try:
                async with asyncio.timeout(TIMEOUT_S):
                    reply = await self._exchange(method, path, body)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                await self.close()
                if reused and isinstance(exc, asyncio.IncompleteReadError) and not exc.partial:
                    # The server closed an idle keep-alive connection: not an error, as in a
                    # browser, which opens a new one and sends the request again.
                    self.tally.requests -= 1
                    continue
                self.tally.error(type(exc).__name__)
                await asyncio.sleep(0.05 * (attempt + 1))
                continue
            if reply.status >= 500:
                self.tally.error(f"http {reply.status}")
                await self.close()
                await asyncio.sleep(0.05 * (attempt + 1))
                continue
            return reply
        raise TransientError(f"{method} {path}: gave up after {ATTEMPTS} attempts")


def _expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        raise UnexpectedResponse(f"{what}: {reply.status}, expected {status}")
    return reply


def _location(reply: Reply) -> str:
    return urlsplit(reply.headers.get("location", "")).path


def _csrf(reply: Reply) -> str:
    found = CSRF.search(reply.body)
    if found is None:
        raise UnexpectedResponse("no CSRF token in the page")
    return found.group(1).decode()


def _answers(pages: list[Page], rng: random.Random, person: int) -> list[dict[str, str]]:
    answers = []
    for page in pages:
        values = {}
        for question_id, choices in page.questions:
            if choices:
                values[question_id] = rng.choice(choices)
            elif rng.random() < 0.3:  # free text, left blank by most people
                values[question_id] = f"Respondent {person}: more meetings, fewer slides."
        answers.append(values)
    return answers


async def _think(think: tuple[float, float] | None, rng: random.Random) -> None:
    if think:
        await asyncio.sleep(rng.uniform(*think))


async def _save(
    browser: Browser, path: str, form: dict[str, str], expected: str, resume: str
) -> None:
    started = time.perf_counter()
    reply = await browser.request("POST", path, form)
    if reply.status not in (302, 303) or _location(reply) != expected:
        raise UnexpectedResponse(f"save {path}: {reply.status} -> {_location(reply)!r}")
    tally = browser.tally
    tally.save_latencies.append(time.perf_counter() - started)
    tally.save_started.append(started)
    tally.saves += 1
    tally.acknowledged.setdefault(resume, {}).update(
        {k: v for k, v in form.items() if k not in ("csrf_token", "action")}
    )


async def app_journey(
    browser: Browser, token: str, pages: list[Page], person: int, think: tuple[float, float] | None
) -> None:
    """A respondent through the real pages, as a browser would go."""
    rng = random.Random(person)
    answers = _answers(pages, rng, person)
    welcome = _expect(await browser.request("GET", f"/r/{token}"), 200, "welcome")
    await _think(think, rng)
    start = await browser.request(
        "POST", f"/r/{token}/start", {"csrf_token": _csrf(welcome), "lang": "en"}
    )
    first = _location(start)
    if start.status != 302 or not first.startswith("/s/"):
        raise UnexpectedResponse(f"start: {start.status} -> {first!r}")
    resume = first.split("/")[2]
    browser.tally.started += 1
    for number, values in enumerate(answers, start=1):
        path = f"/s/{resume}/{number}"
        page = _expect(await browser.request("GET", path), 200, path)
        await _think(think, rng)
        following = f"/s/{resume}/{number + 1}" if number < len(pages) else f"/s/{resume}/review"
        form = {"csrf_token": _csrf(page), **values, "action": "next"}
        await _save(browser, path, form, following, resume)
    review = _expect(await browser.request("GET", f"/s/{resume}/review"), 200, "review")
    await _think(think, rng)
    submitted = await browser.request("POST", f"/s/{resume}/submit", {"csrf_token": _csrf(review)})
    if submitted.status != 302 or _location(submitted) != f"/s/{resume}/done":
        raise UnexpectedResponse(f"submit: {submitted.status} -> {_location(submitted)!r}")
    browser.tally.submitted.add(resume)
    _expect(await browser.request("GET", f"/s/{resume}/done"), 200, "done")


async def bare_journey(
    browser: Browser, token: str, pages: list[Page], person: int, think: tuple[float, float] | None
) -> None:
    """The same steps against the bare app: the same reads and writes, nothing else."""
    rng = random.Random(person)
    answers = _answers(pages, rng, person)
    _expect(await browser.request("GET", f"/bare/{token}"), 200, "welcome")
    await _think(think, rng)
    start = _expect(await browser.request("POST", f"/bare/{token}/start"), 201, "start")
    resume = start.body.decode()
    browser.tally.started += 1
    for number, values in enumerate(answers, start=1):
        path = f"/bare/s/{resume}/{number}"
        _expect(await browser.request("GET", path), 200, path)
        await _think(think, rng)
        await _save(browser, path, values, f"/bare/s/{resume}/{number + 1}", resume)
    _expect(await browser.request("GET", f"/bare/s/{resume}/review"), 200, "review")
    await _think(think, rng)
    submitted = await browser.request("POST", f"/bare/s/{resume}/submit")
    if submitted.status != 303:
        raise UnexpectedResponse(f"submit: {submitted.status}")
    browser.tally.submitted.add(resume)
    _expect(await browser.request("GET", f"/bare/s/{resume}/done"), 200, "done")


JOURNEYS = {"app": app_journey, "bare": bare_journey}


async def run_respondents(
    port: int,
    tokens: list[str],
    pages: list[Page],
    respondents: int,
    *,
    journey: str = "app",
    think: tuple[float, float] | None = None,
    first_person: int = 0,
    tally: Tally | None = None,
) -> Tally:
    """``respondents`` people at once, spread over the partners' tokens, each to the end."""
    tally = tally or Tally()
    people = range(first_person, first_person + respondents)
    await asyncio.gather(
        *(_respondent(port, tokens, pages, p, journey, think, tally) for p in people)
    )
    return tally


async def _respondent(
    port: int,
    tokens: list[str],
    pages: list[Page],
    person: int,
    journey: str,
    think: tuple[float, float] | None,
    tally: Tally,
    delay: float = 0.0,
) -> None:
    """One person, after ``delay`` seconds, to the end of their journey (or its failure)."""
    await asyncio.sleep(delay)
    browser = Browser("127.0.0.1", port, tally)
    try:
        await JOURNEYS[journey](browser, tokens[person % len(tokens)], pages, person, think)
    except (TransientError, UnexpectedResponse) as exc:
        tally.failed_journeys += 1
        tally.error(type(exc).__name__ + ": " + str(exc)[:80])
    finally:
        await browser.close()


async def run_population(
    port: int,
    tokens: list[str],
    pages: list[Page],
    population: int,
    *,
    journey: str = "app",
    read: tuple[float, float],
    ramp_s: float,
    hold_s: float,
    first_person: int = 0,
    tally: Tally | None = None,
) -> Tally:
    """A room as it behaves: ``population`` people arrive at random over ``ramp_s`` seconds and
    each reads every page for ``read`` seconds before saving it; after the ramp, the population
    is held for ``hold_s`` seconds, then everyone still answering is stopped."""
    tally = tally or Tally()
    arrivals = random.Random(population)
    people = range(first_person, first_person + population)
    tasks = [
        asyncio.create_task(
            _respondent(port, tokens, pages, p, journey, read, tally, arrivals.uniform(0, ramp_s))
        )
        for p in people
    ]
    _done, still_answering = await asyncio.wait(tasks, timeout=ramp_s + hold_s)
    for task in still_answering:
        task.cancel()
    await asyncio.gather(*still_answering, return_exceptions=True)
    return tally
