"""Large companies are served but are not SMEs: every view of the report counts them apart."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import openpyxl

from bot.domain.companies import name_key
from storage.companies import Company
from storage.seeding import SeedPerson, SeedRegistration, add_people, add_registrations
from tests.conftest import Assistant
from tests.test_impact import held_period, report_of
from tests.test_projects import project_report
from tests.test_staff_events import staff_member


async def test_sme_figures_leave_out_large_and_unknown_size_companies(
    assistant: Assistant,
) -> None:
    services = assistant.services
    period = await held_period(assistant)  # two SMEs served: Anka (small), Bade (micro)
    await services.companies.save(
        [
            Company(None, "Dev Otomotiv A.Ş.", name_key("Dev Otomotiv A.Ş."), employees=900),
            Company(None, "Belirsiz Metal Ltd.", name_key("Belirsiz Metal Ltd.")),
        ],
        [],
    )
    ids = {c.name: c.id for c in await services.companies.all()}
    big, unknown = ids["Dev Otomotiv A.Ş."], ids["Belirsiz Metal Ltd."]
    seen = datetime.now(UTC).isoformat(timespec="seconds")
    await add_people(
        services.database,
        [
            SeedPerson(910_101, "Oya Er", "Dev Otomotiv A.Ş.", big, "machinery", "tr", seen),
            SeedPerson(910_102, "Can Su", "Belirsiz Metal Ltd.", unknown, "machinery", "tr", seen),
        ],
    )
    await add_registrations(
        services.database,
        [
            SeedRegistration(
                "period-training", 910_101, big, None, "confirmed", seen, 1, seen, None
            ),
            SeedRegistration(
                "period-training", 910_102, unknown, None, "confirmed", seen, 1, seen, None
            ),
        ],
    )
    elif_ = staff_member(assistant)
    text, message = await report_of(elif_, period)
    assert "Hizmet verilen KOBİ: 2" in text
    assert "Hizmet verilen firma toplamı: 4 · büyük işletme: 1 · ölçeği bilinmeyen: 1" in text
    assert "Büyük işletmeler KOBİ değildir" in text

    await elif_.emulator.press_button(elif_.user, message, "⬇️ Excel raporu")
    sent = await elif_.emulator.wait_for_bot_message(
        elif_.id, predicate=lambda m: m.document is not None
    )
    assert sent.document is not None
    workbook = openpyxl.load_workbook(io.BytesIO(sent.document.content))
    summary = {row[0]: row[1] for row in workbook["Özet"].iter_rows(min_row=5, values_only=True)}
    assert summary["Hizmet verilen KOBİ"] == 2
    assert summary["Hizmet verilen firma (KOBİ ve büyük işletme, toplam)"] == 4
    assert summary["Büyük işletme (KOBİ sayısına katılmadı)"] == 1
    await elif_.emulator.wait_idle()

    # The project's "SMEs trained" counts the same two, not the large or unknown one.
    project, _ = await project_report(elif_)
    assert "• Eğitim alan KOBİ: 2 / 150" in project
