"""A day the month does not have is named as such, not "I couldn't read that"."""

from __future__ import annotations

import pytest

from bot.domain.impact import PeriodError, read_day
from tests.conftest import Assistant
from tests.test_staff_events import staff_member


def test_a_missing_day_says_which_and_how_long_the_month_is() -> None:
    with pytest.raises(PeriodError, match="no_such_day:29:2:2027:28"):
        read_day("29.02.2027")
    assert read_day("29.02.2028").day == 29


async def test_staff_typing_31_february_are_told_february_has_no_31st(
    assistant: Assistant,
) -> None:
    elif_ = staff_member(assistant)
    stats = await elif_.says("/stats")
    ask = await elif_.press(stats, "📅 Tarih aralığı")
    assert "başlangıç tarihini" in (ask.text or "")
    again = await elif_.says("31.02.2026")
    text = again.text or ""
    assert "31 Şubat 2026 diye bir gün yok: Şubat 2026 yılında 28 gün çekiyor." in text
    assert "anlayamadım" not in text
    typed = await elif_.says("/stats 31.04.2026 01.05.2026")
    assert "31 Nisan 2026 diye bir gün yok: Nisan 2026 yılında 30 gün çekiyor." in (
        typed.text or ""
    )


async def test_an_e_mail_address_with_a_turkish_domain_is_accepted(assistant: Assistant) -> None:
    can = assistant.person("Can")
    notice = await can.says("/profile")
    name_step = await can.press(notice, "✅ Okudum, devam")
    await can.press(name_step, 0)
    sector_step = await can.says("Hitit Örme Ltd.")
    if "Firmanız bunlardan biri mi?" in (sector_step.text or ""):
        sector_step = await can.press(sector_step, "Firmam listede yok")
    await can.press(sector_step, "Tekstil ve hazır giyim")
    await can.emulator.send_message(can.user, "Atla")
    email_step = await can.emulator.wait_for_bot_message(can.id, contains="E-posta")
    refused = await can.says("demo@örnek")
    assert "e-posta adresine benzemiyor" in (refused.text or "")
    announcements = await can.says("demo@örnek.com.tr")
    assert "duyuru" in (announcements.text or "")
    await can.press(announcements, "Hayır, teşekkürler")
    await can.emulator.wait_idle()
    [row] = await assistant.fetch("SELECT email FROM people WHERE id = ?", can.id)
    assert row["email"] == "demo@örnek.com.tr"
    del email_step


async def test_a_stored_phone_number_is_shown_the_way_people_write_it(
    assistant: Assistant,
) -> None:
    ayse = assistant.person("Ayşe")
    notice = await ayse.says("/profile")
    name_step = await ayse.press(notice, "✅ Okudum, devam")
    await ayse.press(name_step, 0)
    sector_step = await ayse.says("Hitit Örme Ltd.")
    if "Firmanız bunlardan biri mi?" in (sector_step.text or ""):
        sector_step = await ayse.press(sector_step, "Firmam listede yok")
    await ayse.press(sector_step, "Tekstil ve hazır giyim")
    await ayse.emulator.send_message(ayse.user, "0532 123 45 67")
    email_step = await ayse.emulator.wait_for_bot_message(ayse.id, contains="E-posta")
    announcements = await ayse.press(email_step, "Atla")
    profile = await ayse.press(announcements, "Hayır, teşekkürler")
    await ayse.emulator.wait_idle()
    [row] = await assistant.fetch("SELECT phone FROM people WHERE id = ?", ayse.id)
    assert row["phone"] == "05321234567"  # stored as digits, as before
    shown = await ayse.says("/profile")
    assert "Telefon: +90 532 123 45 67" in (shown.text or "")
    del profile
