"""A page of the staff's review of applications reads the answers of that page's applicants."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.seeding import SeedPerson, add_people
from tests.conftest import Assistant
from tests.test_applications import ITALY, ITALY_TITLE
from tests.test_staff_events import open_staff_event, staff_member

APPLICANTS = 7  # a page holds five


async def test_each_review_page_reads_only_its_own_applicants_answers(
    assistant: Assistant,
) -> None:
    services = assistant.services
    event = services.catalogue.event(ITALY)
    assert event is not None
    seen = datetime.now(UTC).isoformat(timespec="seconds")
    people = [
        SeedPerson(640_001 + n, f"Başvuran {n}", f"Firma {n} A.Ş.", None, "machinery", "tr", seen)
        for n in range(APPLICANTS)
    ]
    await add_people(services.database, people)
    for n, person in enumerate(people):
        answers = {"passport": "yes", "role": "owner", "english": "some", "employees": 40 + n}
        answers["goals"] = f"Hedef {n}: yerinde otomasyon"
        assert await services.applications.apply(event, person.id, None, "machinery", answers)

    elif_ = staff_member(assistant)
    page = await open_staff_event(elif_, ITALY_TITLE)
    connection = services.database._connection  # the test watches which answers are read
    assert connection is not None
    statements: list[str] = []
    await connection.set_trace_callback(statements.append)
    try:
        listing = await elif_.press(page, "Başvurular")
        shown = [listing.text or ""]  # the next page replaces this message
        shown.append((await elif_.press(listing, "Sonraki ›")).text or "")
    finally:
        await connection.set_trace_callback(None)  # type: ignore[arg-type]  # None clears it

    assert [sum(f"Hedef {n}:" in text for n in range(APPLICANTS)) for text in shown] == [5, 2]
    assert all(f"Hedef {n}:" in "".join(shown) for n in range(APPLICANTS))
    reads = [sql for sql in statements if "FROM event_answers" in sql]
    assert len(reads) == 2 and all("AND person_id IN" in sql for sql in reads)
    rows = await assistant.fetch(
        "SELECT COUNT(DISTINCT person_id) AS n FROM event_answers WHERE event_id = ?", ITALY
    )
    assert rows == [{"n": APPLICANTS}]
