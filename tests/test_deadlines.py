"""Jobs that look for what is overdue every few seconds: quiet (one indexed read, no write
transaction) while nothing is, acting when something is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import Assistant
from tests.test_applications import application_of, apply_to, selected_visit
from tests.test_staff_events import staff_member


async def job_statements(assistant: Assistant, name: str, *tables: str) -> list[str]:
    """Run the JobQueue job `name` once, alone; return the SQL it ran on these tables (and
    the transactions it began)."""
    job_queue = assistant.application.job_queue
    assert job_queue is not None
    [job] = job_queue.get_jobs_by_name(name)
    # The test watches the shared connection's statements while only this job runs.
    connection = assistant.services.database._connection
    assert connection is not None
    statements: list[str] = []
    job_queue.scheduler.pause()
    await connection.set_trace_callback(statements.append)
    try:
        await job.run(assistant.application)
    finally:
        await connection.set_trace_callback(None)  # type: ignore[arg-type]  # None clears it
        job_queue.scheduler.resume()
    return [
        " ".join(sql.split())
        for sql in statements
        if any(table in sql for table in tables) or sql.startswith("BEGIN")
    ]


async def _deadline_statements(assistant: Assistant) -> list[str]:
    return await job_statements(assistant, "application-deadlines", "applications", "staff_roles")


@pytest.mark.usefixtures("unpaced")
async def test_the_deadline_job_reads_one_row_until_a_place_is_overdue(
    assistant: Assistant,
) -> None:
    event = await selected_visit(assistant, capacity=1)
    ayse, mehmet = assistant.person("Ayşe"), assistant.person("Mehmet")
    for person in (ayse, mehmet):
        await apply_to(person)
    services = assistant.services
    staff_id = next(iter(services.settings.staff_ids))
    await staff_member(assistant).says("/staff")
    accepted = (await application_of(assistant, ayse))["id"]
    await services.applications.decide(event, accepted, "accepted", staff_id)
    reserve = (await application_of(assistant, mehmet))["id"]
    await services.applications.decide(event, reserve, "reserve", staff_id)
    assert await services.applications.notify(event, staff_id) == 2
    await assistant.emulator.wait_for_bot_message(mehmet.id, contains="yedek listesindesiniz")

    # Ayşe still has days to confirm: one indexed read, no team list, no write transaction.
    [statement] = await _deadline_statements(assistant)
    assert statement.startswith("SELECT 1 FROM applications WHERE status = 'accepted'")
    assert (await application_of(assistant, ayse))["status"] == "accepted"

    # Her deadline passes: the place lapses and Mehmet, first in reserve, is offered it.
    await services.database.execute(
        "UPDATE applications SET confirm_by = ? WHERE id = ?",
        ((datetime.now(UTC) - timedelta(minutes=1)).isoformat(), accepted),
    )
    statements = await _deadline_statements(assistant)
    assert any("staff_roles" in sql for sql in statements)
    assert "BEGIN IMMEDIATE" in statements
    assert (await application_of(assistant, ayse))["status"] == "lapsed"
    assert (await application_of(assistant, mehmet))["status"] == "accepted"
    offer = await mehmet.emulator.wait_for_bot_message(mehmet.id, contains="bir yer açıldı")
    assert offer.buttons[0] == "✅ Yerimi onaylıyorum"
    [audit] = await assistant.fetch(
        "SELECT subject FROM audit_log WHERE action = 'application.lapsed'"
    )
    assert audit["subject"] == f"application:{accepted}"


async def test_the_form_timeout_sweep_reads_one_row_until_a_form_is_left_too_long(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    await ayse.says("/start")
    await ayse.says("/profile")  # a form waits for her answer, for a quarter of an hour
    [statement] = await job_statements(assistant, "form-timeouts", "forms")
    assert statement.startswith("SELECT 1 FROM forms WHERE expires_at <=")
    assert len(await assistant.fetch("SELECT * FROM forms WHERE person_id = ?", ayse.id)) == 1

    # She leaves it: past its time, the sweep closes it and tells her.
    await assistant.services.database.execute(
        "UPDATE forms SET expires_at = ? WHERE person_id = ?",
        ((datetime.now(UTC) - timedelta(minutes=1)).isoformat(), ayse.id),
    )
    statements = await job_statements(assistant, "form-timeouts", "forms")
    assert "BEGIN IMMEDIATE" in statements
    assert await assistant.fetch("SELECT * FROM forms WHERE person_id = ?", ayse.id) == []
    await ayse.emulator.wait_for_bot_message(ayse.id, contains="kapattım")
