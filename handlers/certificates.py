"""Certificates of participation: /verify for anyone, a member's own certificates, revoking.

Certificates are issued by a job (after flagged events, to people marked present) and
delivered by the outbox; here people check a code and get their certificates again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantApplication, AssistantContext, Caller
from bot.domain.access import Ability
from bot.domain.certificates import issue_due, shown_code, verify
from bot.domain.forms import ChoiceStep, Flow, Moved, TextStep
from bot.screens.buttons import HOME, CertificateFile, Menu, MyCertificates, RevokeCertificate
from bot.screens.certificates import certificate_document, verification_text
from bot.screens.outgoing import post
from handlers.forms import Form, FormCall, close_form, open_form, step_keyboard
from handlers.replies import Keyboard, show
from handlers.staff_access import staff
from storage.certificates import VALID, Certificate, CertificateRepository

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


# The reason goes to the holder as the team wrote it: a sentence or two, not a letter.
REASON_LIMIT = 300
REVOKE_TIMEOUT = timedelta(minutes=30)
CONFIRM = "yes"


class RevokeForm(Form):
    """Why a certificate is revoked (told to its holder), then the confirmation."""

    kind = "certificate_revoke"
    code = "cr"
    ability = Ability.MANAGE
    closed_template = "certificate_revoke_closed"
    flow = Flow(kind, (TextStep("reason", back=False, limit=REASON_LIMIT), ChoiceStep("confirm")))

    @property
    def timeout(self) -> timedelta:
        return REVOKE_TIMEOUT

    def options(self, call: FormCall) -> Sequence[tuple[str, str]]:
        if call.state.step == "confirm":
            return [(CONFIRM, call.caller.label("confirm_revoke_certificate"))]
        return ()

    async def _certificate(self, call: FormCall) -> Certificate | None:
        found = await _repository(call.caller).get(int(call.state.subject or 0))
        return found if found is not None and found.status == VALID else None

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        certificate = await self._certificate(call)
        if certificate is None:
            await close_form(call.services, caller.person.id, self.kind)
            await show(call.update, caller.render("not_available"))
            return
        text = caller.render(
            "certificate_revoke",
            step=call.state.step,
            code=shown_code(certificate.code),
            certificate=certificate,
            reason=call.state.answers.get("reason"),
            problem=reason,
            limit=REASON_LIMIT,
        )
        rows = [*step_keyboard(call, self), [caller.button("keep_certificate", HOME)]]
        await show(call.update, text, rows)

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        await call.acknowledge()
        certificate = await self._certificate(call)
        reason = str(call.state.answers.get("reason", ""))
        repository = _repository(caller)
        now = datetime.now(UTC)
        if certificate is None or not await repository.revoke(
            certificate.id, caller.person.id, reason, now
        ):
            await show(call.update, caller.render("not_available"))
            return None
        code = shown_code(certificate.code)
        await caller.services.audit.record(
            caller.person.id,
            "certificate.revoke",
            certificate.event_id,
            {"code": code, "reason": reason},
        )
        told = certificate.person_id is not None
        text = caller.render(
            "certificate_revoke",
            step="done",
            code=code,
            certificate=certificate,
            reason=reason,
            told=told,
            problem=None,
            limit=REASON_LIMIT,
        )
        await show(call.update, text)
        return None


REVOKE = RevokeForm()


async def revoke(update: Update, context: AssistantContext) -> None:
    """Start revoking a certificate: staff say why, then confirm (audited, holder told)."""
    caller = context.caller
    certificate = await _repository(caller).get(RevokeCertificate.of(update).certificate_id)
    if certificate is None or certificate.status != VALID:
        await show(update, caller.render("not_available"))
        return
    await open_form(update, context, caller, REVOKE, subject=str(certificate.id))


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
