"""Certificates of participation: /verify for anyone, a member's own certificates, revoking.

Certificates are issued by a job (after flagged events, to people marked present) and
delivered by the outbox; here people check a code and get their certificates again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantApplication, AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.certificates import issue_due, shown_code, verify
from bot.screens.buttons import HOME, CertificateFile, Menu, MyCertificates, RevokeCertificate
from bot.screens.certificates import certificate_document, verification_text
from bot.screens.outgoing import post
from handlers.replies import Keyboard, show
from handlers.staff_access import staff
from storage.certificates import VALID, CertificateRepository

logger = logging.getLogger(__name__)

# Attendance is often taken during or right after the event: look for new attendees often.
ISSUE_INTERVAL = timedelta(minutes=10)
ISSUE_FIRST = timedelta(minutes=1)
SHOWN = 10  # certificates listed in /my


def _repository(caller: Caller) -> CertificateRepository:
    return CertificateRepository(caller.services.database)


async def verify_command(update: Update, context: AssistantContext) -> None:
    """Tell what the certificate with the given code proves."""
    caller = context.caller
    services = caller.services
    typed = " ".join(context.args or [])
    cluster = services.catalogue.cluster
    if not typed.strip():
        await show(update, verification_text(services.texts, cluster, None, caller.language))
        return
    verification = await verify(_repository(caller), typed)
    rows: Keyboard = []
    found = verification.certificate
    if found is not None and verification.valid and caller.can(Ability.MANAGE):
        rows = [[caller.button("revoke_certificate", RevokeCertificate(found.id))]]
    text = verification_text(services.texts, cluster, verification, caller.language)
    await show(update, text, rows)


async def my_certificates(update: Update, context: AssistantContext) -> None:
    """List the person's certificates, each with a button to get it again."""
    caller = context.caller
    certificates = [
        item
        for item in await _repository(caller).of_person(caller.person.id)
        if item.status != "withdrawn"
    ][:SHOWN]
    numbers = [
        InlineKeyboardButton(
            caller.label("certificate_file_of").format(number=index),
            callback_data=CertificateFile(item.id).data,
        )
        for index, item in enumerate(certificates, start=1)
        if item.status == VALID
    ]
    rows: Keyboard = [
        *(numbers[i : i + 2] for i in range(0, len(numbers), 2)),
        [caller.button("my_registrations", Menu("my")), caller.button("home", HOME)],
    ]
    text = caller.render("my_certificates", certificates=certificates, shown=shown_code)
    await show(update, text, rows)


async def certificate_file(update: Update, context: AssistantContext) -> None:
    """Send one of the person's own valid certificates again."""
    caller = context.caller
    services = caller.services
    certificate = await _repository(caller).get(CertificateFile.of(update).certificate_id)
    if (
        certificate is None
        or certificate.person_id != caller.person.id
        or certificate.status != VALID
    ):
        rows = [[caller.button("my_certificates", MyCertificates())]]
        await show(update, caller.render("not_available"), rows)
        return
    await context.acknowledge()
    document = await asyncio.to_thread(
        certificate_document,
        services.texts,
        services.catalogue.cluster,
        certificate,
        caller.language,
        context.bot.username,
    )
    await post(context.bot, caller.person.id, document)


async def revoke(update: Update, context: AssistantContext) -> None:
    """Ask staff to confirm revoking a certificate, then revoke it (audited)."""
    caller = context.caller
    pressed = RevokeCertificate.of(update)
    repository = _repository(caller)
    certificate = await repository.get(pressed.certificate_id)
    if certificate is None or certificate.status != VALID:
        await show(update, caller.render("not_available"))
        return
    code = shown_code(certificate.code)
    if pressed.confirmed == "0":
        rows = [
            [caller.button("confirm_revoke_certificate", RevokeCertificate(certificate.id, "1"))],
            [caller.button("keep_certificate", HOME)],
        ]
        text = caller.render("certificate_revoke", done=False, code=code, certificate=certificate)
        await show(update, text, rows)
        return
    if not await repository.revoke(certificate.id, caller.person.id, datetime.now(UTC)):
        await show(update, caller.render("not_available"))
        return
    await caller.services.audit.record(
        caller.person.id, "certificate.revoke", certificate.event_id, {"code": code}
    )
    text = caller.render("certificate_revoke", done=True, code=code, certificate=certificate)
    await show(update, text)


async def _issue_job(context: AssistantContext) -> None:
    """Issue the certificates now due and queue them in the outbox (JobQueue)."""
    services = context.services
    issued = await issue_due(
        CertificateRepository(services.database), services.catalogue, datetime.now(UTC)
    )
    if issued:
        logger.info("Certificates: issued %d", issued)


def schedule(application: AssistantApplication) -> None:
    """Look for people to certify every few minutes (the tables hold all the state)."""
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        _issue_job, interval=ISSUE_INTERVAL, first=ISSUE_FIRST, name="certificates"
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, None]]:
    """Return this feature's handlers."""
    return [
        CommandHandler("verify", verify_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(my_certificates, pattern=MyCertificates.pattern()),
        CallbackQueryHandler(certificate_file, pattern=CertificateFile.pattern()),
        *staff(Ability.MANAGE, [CallbackQueryHandler(revoke, pattern=RevokeCertificate.pattern())]),
    ]
