"""Staff and surveys: send one to its audience, follow its results live, export them.

`/survey` lists the catalogue's surveys; a survey's page shows its latest round's response
rate, sends a new round (confirmed, audited) and opens the results: the distribution of each
question as text, a chart image, the free texts, and the Excel workbook. Anonymous surveys show
no one's name anywhere; a benchmark survey's numbers are shown only through disclosure control,
and its raw values only to admins, each view written to the audit log.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantContext, Caller
from bot.domain import surveys as survey_rules
from bot.domain.access import Ability
from bot.domain.benchmark_report import cluster_report
from bot.domain.survey_chart import survey_chart
from bot.domain.survey_results import RoundResults, round_results
from bot.domain.survey_workbook import survey_workbook
from bot.screens.buttons import SendSurvey, StaffSurvey, StaffSurveys, SurveyResults
from bot.screens.outgoing import file_name
from bot.screens.surveys import answer_text, cluster_lines, figure_text, yes_no
from handlers.replies import show
from handlers.staff_access import staff
from storage.questions import Question
from storage.survey_definitions import FEEDBACK, Survey
from storage.surveys import Round

# Events listed on a per-event survey's page (the latest first).
EVENTS_SHOWN = 10
# Free texts shown in the chat at most; the workbook has them all.
TEXTS_SHOWN = 30
# Telegram takes 4096 characters a message; a little room for what Telegram counts otherwise.
MESSAGE_LIMIT = 4000


async def survey_list(update: Update, context: AssistantContext) -> None:
    """List the catalogue's surveys, each with its latest round's response rate."""
    caller = context.caller
    services = caller.services
    entries = []
    rows = []
    for survey in services.catalogue.surveys:
        rounds = await services.surveys.rounds_of(survey.id)
        if _per_event(survey):
            rounds = _latest_events(rounds)
        tally = await services.surveys.tally(rounds[0].id) if rounds else None
        about = _about(caller, rounds[0]) if rounds else None
        entries.append((survey, rounds[0] if rounds else None, tally, about))
        rows.append(
            [
                InlineKeyboardButton(
                    f"📋 {survey.title.get(caller.language)}"[:60],
                    callback_data=StaffSurvey(survey.id).data,
                )
            ]
        )
    await context.acknowledge()
    await show(update, caller.render("staff_surveys", entries=entries), rows)


async def survey_page(update: Update, context: AssistantContext) -> None:
    """Show a survey's page: its latest round, and what staff can do with it."""
    caller = context.caller
    survey = caller.services.catalogue.survey(StaffSurvey.of(update).survey_id)
    if survey is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    await context.acknowledge()
    await _show_page(update, caller, survey)


async def _show_page(
    update: Update, caller: Caller, survey: Survey, sent: int | None = None
) -> None:
    services = caller.services
    rounds = await services.surveys.rounds_of(survey.id)
    latest = rounds[0] if rounds else None
    tally = await services.surveys.tally(latest.id) if latest else None
    now = datetime.now(UTC)
    rows: list[list[InlineKeyboardButton]] = []
    per_event = _per_event(survey)
    events = []
    if per_event:
        # One round per event: each event's results are a button of their own.
        for round_ in _latest_events(rounds)[:EVENTS_SHOWN]:
            about = _about(caller, round_) or ""
            events.append((about, await services.surveys.tally(round_.id)))
            data = SurveyResults(round_.id, "sum").data
            rows.append([InlineKeyboardButton(f"📅 {about}"[:60], callback_data=data)])
    elif latest is not None:
        rows.append([caller.button("survey_results", SurveyResults(latest.id, "sum"))])
        rows.append(
            [
                caller.button("survey_chart", SurveyResults(latest.id, "chart")),
                caller.button("survey_texts", SurveyResults(latest.id, "text")),
                caller.button("survey_workbook", SurveyResults(latest.id, "xlsx")),
            ]
        )
        if survey.benchmark:
            rows.append([caller.button("survey_benchmark", SurveyResults(latest.id, "bench"))])
        if survey.benchmark and caller.can(Ability.RAW_ANSWERS):
            rows.append([caller.button("survey_raw", SurveyResults(latest.id, "raw"))])
    if survey.is_open(now) and caller.can(Ability.MANAGE) and survey.id != FEEDBACK:
        rows.append([caller.button("survey_send", SendSurvey(survey.id))])
    rows.append([caller.button("survey_all", StaffSurveys())])
    audience = await services.surveys.audience_size(survey.audience, now)
    text = caller.render(
        "staff_survey",
        survey=survey,
        round=latest,
        tally=tally,
        audience=audience,
        open=survey.is_open(now),
        sent=sent,
        per_event=per_event,
        events=events,
    )
    await show(update, text, rows)


async def send_survey(update: Update, context: AssistantContext) -> None:
    """Ask to confirm sending a survey, then send a new round to its audience."""
    caller = context.caller
    services = caller.services
    pressed = SendSurvey.of(update)
    survey = services.catalogue.survey(pressed.survey_id)
    now = datetime.now(UTC)
    # The feedback's invitation is the post-event message: nobody sends it to an audience.
    if survey is None or not survey.is_open(now) or survey.id == FEEDBACK:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    await context.acknowledge()
    if pressed.confirmed != "y":
        audience = await services.surveys.audience_size(survey.audience, now)
        rows = [
            [caller.button("survey_send_confirm", SendSurvey(survey.id, "y"))],
            [caller.button("back", StaffSurvey(survey.id))],
        ]
        text = caller.render("staff_survey_confirm", survey=survey, audience=audience)
        await show(update, text, rows)
        return
    launched, invited = await survey_rules.send(
        services.surveys, survey, now, services.settings.survey_reminder, caller.person.id
    )
    await services.audit.record(
        caller.person.id,
        "survey.send",
        f"survey:{survey.id}",
        {"round": launched.number, "invited": invited},
    )
    await _show_page(update, caller, survey, sent=invited)


async def _results(caller: Caller, round_: Round, survey: Survey) -> RoundResults:
    services = caller.services
    tally = await services.surveys.tally(round_.id)
    answers = await services.surveys.answers_by_question(round_.id)
    computed = round_results(survey, round_.number, tally, answers, services.settings.benchmark_k)
    return replace(computed, about=_about(caller, round_))


def _latest_events(rounds: list[Round]) -> list[Round]:
    """Return a per-event survey's rounds, the latest event first (a round opens when its
    event ends; its number only says which was answered first)."""
    return sorted(rounds, key=lambda round_: (round_.opened_at, round_.id), reverse=True)


def _per_event(survey: Survey) -> bool:
    """Tell whether a survey has a round per event (the feedback, follow-ups)."""
    return survey.id == FEEDBACK or survey.after_event_days is not None


def _about(caller: Caller, round_: Round) -> str | None:
    """Return the event a round is about, as staff see it (title and date), if any."""
    if round_.event_id is None:
        return None
    event = caller.services.catalogue.event(round_.event_id)
    return caller.render("survey_about", event=event, event_id=round_.event_id)


async def results(update: Update, context: AssistantContext) -> None:
    """Show a round's results the way asked: summary, chart, free texts or workbook."""
    caller = context.caller
    services = caller.services
    pressed = SurveyResults.of(update)
    round_ = await services.surveys.get_round(pressed.round_id)
    survey = services.catalogue.survey(round_.survey_id) if round_ is not None else None
    if round_ is None or survey is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    await context.acknowledge()
    computed = await _results(caller, round_, survey)
    back = [[caller.button("back", StaffSurvey(survey.id))]]
    if round_.event_id is not None:
        # An event's round is reached from the survey's page by itself: its views are here.
        back.insert(
            0,
            [
                caller.button("survey_chart", SurveyResults(round_.id, "chart")),
                caller.button("survey_texts", SurveyResults(round_.id, "text")),
                caller.button("survey_workbook", SurveyResults(round_.id, "xlsx")),
            ],
        )
    chat = update.effective_chat
    assert chat is not None
    labels = yes_no(services.texts, caller.language)
    if pressed.view == "chart":
        image = await asyncio.to_thread(survey_chart, computed, caller.language, labels)
        if image is None:
            await show(update, caller.render("staff_survey_nothing", survey=survey), back)
            return
        await context.bot.send_photo(
            chat.id,
            image,
            caption=caller.render("staff_survey_caption", survey=survey, about=computed.about),
        )
        return
    if pressed.view in ("xlsx", "raw"):
        raw = None
        if pressed.view == "raw" or not survey.benchmark:
            if survey.benchmark and not caller.can(Ability.RAW_ANSWERS):
                await show(update, caller.render("not_available"), back)
                return
            raw = await services.surveys.raw_responses(round_.id)
        workbook = await asyncio.to_thread(
            survey_workbook, computed, raw, caller.language, caller.label, labels
        )
        await services.audit.record(
            caller.person.id,
            "survey.raw" if survey.benchmark and raw is not None else "survey.export",
            f"survey:{survey.id}",
            {"round": round_.number, "raw": raw is not None},
        )
        await context.bot.send_document(
            chat.id,
            workbook,
            filename=file_name(
                survey.title.get(caller.language),
                computed.about or caller.label("survey_file_round").format(number=round_.number),
                suffix=".xlsx",
            ),
            caption=caller.render("staff_survey_caption", survey=survey, about=computed.about),
        )
        return
    if pressed.view == "bench":
        await show(update, await _cluster_benchmark(caller, survey, round_), back)
        return
    template = "staff_survey_texts" if pressed.view == "text" else "staff_survey_results"

    def figure(question: Question, value: float) -> str:
        """Write a figure with its unit or percent sign, the language's way."""
        if survey.benchmark:  # with the decimals its figures are rounded to
            places = survey.places(question)
            return figure_text(services.texts, places, question, value, caller.language)
        return answer_text(services.texts, question, value, caller.language)

    # A long survey is cut to the questions that fit one message; the workbook has them all.
    questions = computed.questions
    shown = TEXTS_SHOWN
    while True:
        text = caller.render(
            template,
            results=replace(computed, questions=questions),
            labels=labels,
            shown=shown,
            k=services.settings.benchmark_k,
            cut=len(questions) < len(computed.questions) or shown < TEXTS_SHOWN,
            figure=figure,
        )
        if len(text) <= MESSAGE_LIMIT or (len(questions) <= 1 and shown <= 1):
            break
        if pressed.view == "text" and shown > 1:
            shown = max(1, shown // 2)
        else:
            questions = questions[: len(questions) - 1]
    await show(update, text, back)


async def _cluster_benchmark(caller: Caller, survey: Survey, round_: Round) -> str:
    """Return the cluster-level benchmark of a round, with the movement since the one before."""
    services = caller.services
    if not survey.benchmark:
        return caller.render("not_available")
    rounds = await services.surveys.rounds_of(survey.id)
    earlier = [r for r in rounds if r.number < round_.number]
    questions = [indicator.question for indicator in survey.indicators]
    current = await services.surveys.round_figures(round_.id, questions, None)
    previous = None
    if earlier:
        previous = await services.surveys.round_figures(earlier[0].id, questions, None)
    indicators = cluster_report(survey, current, previous, services.settings.benchmark_k)

    def sector_name(key: str) -> str:
        sector = services.catalogue.sector(key)
        return sector.name.get(caller.language) if sector is not None else ""

    lines = cluster_lines(services.texts, indicators, caller.language, sector_name)
    return caller.render(
        "staff_benchmark",
        survey=survey,
        round=round_,
        previous=earlier[0] if earlier else None,
        lines=lines,
        k=services.settings.benchmark_k,
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return the staff's survey command and buttons, each with the ability it needs."""
    private = filters.ChatType.PRIVATE
    # Raw values first: the results' own handler would take their presses otherwise.
    return [
        *staff(
            Ability.RAW_ANSWERS,
            [CallbackQueryHandler(results, pattern=SurveyResults.pattern(view="raw"))],
        ),
        *staff(
            Ability.READ,
            [
                CommandHandler("survey", survey_list, filters=private),
                CallbackQueryHandler(survey_list, pattern=StaffSurveys.pattern()),
                CallbackQueryHandler(survey_page, pattern=StaffSurvey.pattern()),
                CallbackQueryHandler(results, pattern=SurveyResults.pattern()),
            ],
        ),
        *staff(Ability.MANAGE, [CallbackQueryHandler(send_survey, pattern=SendSurvey.pattern())]),
    ]
