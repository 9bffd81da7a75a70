"""Certificates of participation as people see them: the PDF with its caption, a code checked."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.domain.certificate_pdf import CertificateWording, certificate_pdf
from bot.domain.certificates import Verification, shown_code
from bot.screens.outgoing import DocumentMessage, TextMessage, file_name
from bot.screens.texts import Texts
from storage.certificates import Certificate
from storage.content import ClusterInfo

_LOCALES = {"tr": "tr_TR", "en": "en_GB"}


def hours_text(hours: float, language: str) -> str:
    """Return hours the way the language writes them: 7,5 or 7.5."""
    return format_decimal(round(hours, 1), "#,##0.#", locale=_LOCALES[language])


def _long_date(texts: Texts, moment: datetime, language: str) -> str:
    """Return the day of a UTC time in the cluster's zone, as a certificate writes it."""
    local = moment.astimezone(texts.timezone).date()
    return format_date(local, "d MMMM y", locale=_LOCALES[language])


def certificate_document(
    texts: Texts,
    cluster: ClusterInfo,
    certificate: Certificate,
    language: str,
    bot_username: str | None,
) -> DocumentMessage:
    """Return the certificate as a PDF file with its caption (slow: build it off the loop)."""

    def label(name: str, **values: str) -> str:
        return texts.label(language, name).format(**values)

    code = shown_code(certificate.code)
    cluster_name = cluster.name.get(language)
    verify = (
        label("certificate_verify_line", code=code, bot=bot_username)
        if bot_username
        else label("certificate_verify_line_offline")
    )
    wording = CertificateWording(
        cluster=cluster_name,
        heading=label("certificate_heading"),
        intro=label("certificate_intro"),
        holder=certificate.holder_name or "",
        company=certificate.company,
        body=label(
            "certificate_body",
            date=_long_date(texts, certificate.held_at, language),
            cluster=cluster_name,
            title=certificate.event_title.get(language),
            hours=hours_text(certificate.hours, language),
        ),
        code_line=label("certificate_code_line", code=code),
        verify_line=verify,
        issued_line=label(
            "certificate_issued_line", date=_long_date(texts, certificate.issued_at, language)
        ),
    )
    pdf = certificate_pdf(wording, certificate.issued_at)
    # Named for the person who keeps it; after an erasure the code stands in for the name.
    filename = file_name(
        label("certificate_filename"),
        certificate.event_title.get(language),
        certificate.holder_name or code,
        suffix=".pdf",
    )
    caption = texts.render(language, "certificate_caption", certificate=certificate, code=code)
    return DocumentMessage(pdf, filename, caption)


def verification_text(
    texts: Texts, cluster: ClusterInfo, verification: Verification | None, language: str
) -> str:
    """Return what a checked code proves; None asks for a code."""
    if verification is None:
        return texts.render(language, "verify_result", status="usage", code="", certificate=None)
    certificate = verification.certificate
    return texts.render(
        language,
        "verify_result",
        status=verification.status,
        code=verification.code,
        certificate=certificate,
        hours=hours_text(certificate.hours, language) if certificate else "",
        cluster=cluster.name.get(language),
    )


def revoked_notice(
    texts: Texts, cluster: ClusterInfo, certificate: Certificate, language: str
) -> TextMessage:
    """Return the news to a holder that their certificate was revoked, why, and whom to ask."""
    text = texts.render(
        language,
        "certificate_revoked",
        certificate=certificate,
        code=shown_code(certificate.code),
        contact=cluster.contact,
    )
    return TextMessage(text)
