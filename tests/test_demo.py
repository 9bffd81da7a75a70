"""The terminal demo works with no token and no network."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pypdf

from storage.content import bundled_content_path

ROOT = str(Path(__file__).resolve().parents[1])


def _demo(tmp_path: Path, lines: list[str], *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "demo", *options],
        input="".join(line + "\n" for line in [*lines, "/quit"]),
        capture_output=True,
        text=True,
        # This checkout's code; files the bot sends land in the test's own temporary folder.
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ROOT, "TMPDIR": str(tmp_path)},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_the_demo_chats_in_the_terminal(tmp_path: Path) -> None:
    result = _demo(tmp_path, ["#1", "#1"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Merhaba Demo!" in out
    assert "[#1] 📅 Etkinlikler" in out
    assert "Yaklaşan etkinlikler" in out  # button 1 pressed
    assert "Yalın Üretim ve Verimlilik Eğitimi" in out  # event 1 opened
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # the demo database is temporary
    assert not list(tmp_path.glob("clustem-demo-files-*"))  # no file sent, no folder left


def test_typed_numbers_are_messages_and_older_buttons_can_be_pressed(tmp_path: Path) -> None:
    # "6" on the event list is a message, not "‹ Previous"; #1.1 presses the first message's
    # first button although newer buttons came after it.
    result = _demo(tmp_path, ["/events", "6", "#1.2"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "🤖 (3) Bunu bir soru olarak anlayamadım" in out  # a lone digit is no question
    assert "🤖 (1) (edited) 🧰 Kümenin hizmetleri" in out
    assert "(Sayfa 1/3)" in out and "(Sayfa 2/3)" not in out


def test_files_the_bot_sends_are_saved_where_the_demo_says(tmp_path: Path) -> None:
    result = _demo(tmp_path, ["/privacy", "#3"])  # "Download my data"
    assert result.returncode == 0, result.stderr
    (folder,) = tmp_path.glob("clustem-demo-files-*")
    assert str(folder) in result.stdout.splitlines()[7]  # told in the introduction
    (saved,) = folder.glob("*-my-data.json")
    assert f"[my-data.json: {saved}]" in result.stdout
    assert '"id": 424242' in saved.read_text(encoding="utf-8")
    assert f"dosya bu klasörde duruyor: {folder}" in result.stdout.splitlines()[-1]


def test_the_demo_member_gives_feedback_on_last_week_s_training(tmp_path: Path) -> None:
    # /surveys offers the training's feedback first; the rating, then what was most useful.
    result = _demo(tmp_path, ["/surveys", "#1", "#5", "Uygulamalı örnekler"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Etkinlik değerlendirmesi</b>: Yalın Üretim" in out or (
        "Etkinlik değerlendirmesi: Yalın Üretim" in out
    )
    assert "Bu etkinliği nasıl buldunuz?" in out and "soru 1/3" in out
    assert "en yararlı olan neydi?" in out and "soru 2/3" in out
    assert "Bundan sonra ne yapmamızı istersiniz?" in out and "soru 3/3" in out
    assert "Traceback" not in result.stderr


def test_staff_see_each_held_event_s_feedback_in_the_demo(tmp_path: Path) -> None:
    # /survey: the feedback is the fourth survey; its latest event's results, then the words.
    result = _demo(tmp_path, ["/survey", "#4", "#1", "#2"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "📋 Etkinlik değerlendirmesi" in out and "her etkinliğin kendi turu vardır" in out
    assert "Bu etkinliği nasıl buldunuz?" in out and "yanıt oranı %" in out
    assert "açık uçlu yanıtlar" in out and "• " in out
    assert "Traceback" not in result.stderr


def test_staff_act_in_their_group_reply_and_send_files(tmp_path: Path) -> None:
    result = _demo(
        tmp_path,
        [
            "zürafa kaç yıl yaşar",  # (2) not found
            "#1",  # passed to the team: (3) in the staff group, (4) the receipt
            "!reply 3 Yaklaşık 25 yıl.",  # staff answer the request by replying to its post
            "!team /unanswered",
            "/import",
            f"!file {bundled_content_path()}",
            "!file /no/such/file.yaml",
            "#99",
        ],
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "👥 (3) 🎫 Talep #1" in out
    assert "Yaklaşık 25 yıl." in out and "Küme ekibinden yanıt" in out
    assert "👥" in out and "SSS iyileştirme" in out
    assert "demo-cluster.yaml kontrol edildi" in out
    assert "Dosya bulunamadı: /no/such/file.yaml" in out
    assert "Böyle bir düğme yok" in out
    assert "Traceback" not in result.stderr


def test_the_demo_member_gets_last_week_s_certificate(tmp_path: Path) -> None:
    # My certificates (after the B2B day and the full workshop the demo person is registered
    # for), then certificate 1.
    result = _demo(tmp_path, ["/my", "#3", "#1"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "📜 Katılım belgelerim" in out and "Yalın Üretim ve Verimlilik Eğitimi" in out
    (folder,) = tmp_path.glob("clustem-demo-files-*")
    (saved,) = folder.glob("*-Katılım_belgesi_-_Yalın_Üretim_ve_Verimlilik_Eğitimi_-_Demo_Üye.pdf")
    text = "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(saved.read_bytes())).pages
    )
    assert "KATILIM BELGESİ" in text and "Demo Üye" in text
    code = text.split("Doğrulama kodu: ")[1][:14]
    assert f"/verify {code}" in out  # the caption says how to check it


def test_the_demo_member_sees_a_real_benchmark_report(tmp_path: Path) -> None:
    # /surveys: last week's training's feedback, the benchmark her company answered (its report
    # is button 3), the needs analysis.
    result = _demo(tmp_path, ["/surveys", "#3"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "İhtiyaç analizi 2027" in out and "firmanız yanıtladı" in out
    assert "kıyaslama raporunuz" in out and "Küme firmalarının yarısı" in out
    assert "Traceback" not in result.stderr


def test_a_colleague_approves_a_broadcast_in_the_demo(tmp_path: Path) -> None:
    result = _demo(
        tmp_path,
        [
            "/settings",
            "#2",  # announcements on: the broadcast reaches the demo's person
            "/broadcast",
            "Yarın ofisimiz kapalıdır.",
            "#3",  # "Send now": it waits for a second staff member
            "!colleague #1",  # Selin approves the card in the staff group
        ],
        "--broadcast-approval",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "!colleague #1" in out.split("\n\n")[0]  # the introduction tells how
    assert "onay bekliyor" in out and "[#1] ✅ Onayla ve gönder  [#2] ❌ Reddet" in out
    assert "onaya gönderildi" in out
    # The author could not approve it; the colleague's press did, in the staff group.
    assert "(edited) ✅ Duyuru #" in out and "Selin Ekip onayladı; gönderim başladı." in out
    assert "Traceback" not in result.stderr


def test_the_demo_s_staff_find_a_draft_and_a_planned_announcement(tmp_path: Path) -> None:
    result = _demo(tmp_path, ["/broadcast", "#1"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "📝 Yarım kalan taslaklarınız" in out and "🕒 Planlanmış duyurular" in out
    assert "Hatırlatma: Tekstil firmalarına özel dijital dönüşüm bilgi…" in out
    assert "Tekstil ve hazır giyim sektöründeki üyeler · yazıldı:" in out
    assert "Yeni dönem KOBİ destek çağrısı açıldı: başvurular ay sonuna…" in out
    assert "Duyuru taslağı #" in out  # the draft's button opens its panel
    assert "Traceback" not in result.stderr


def test_the_demo_member_holds_a_seat_at_a_full_workshop(tmp_path: Path) -> None:
    result = _demo(tmp_path, ["/start event_resource-workshop-2027-03"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Kontenjan: 20 kişi · Yeriniz ayrıldı" in out
    assert "Kaydınız onaylı" in out
    assert "Traceback" not in result.stderr
