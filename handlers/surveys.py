"""Answering a survey: one question at a time on the one form engine, a review, then submit.

A survey round opens from its invitation's button or from `/surveys`. Every step shown is also
written to the person's draft, so stopping (another command, /cancel, a timeout, a restart)
loses nothing: opening the survey again continues exactly where they were. Per-company surveys
start from the company's submitted answers, at the review, and any verified person of the
company may change and submit them; a colleague who submitted in between is noticed, not
silently overwritten.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantApplication, AssistantContext, Caller
from bot.domain.benchmark_report import PdfText, company_report, report_chart, report_pdf
from bot.domain.forms import Finished, Flow, Moved, Reply
from bot.domain.questions import choice_options, question_id, step_name
from bot.domain.surveys import (
    BASE,
    CHANGE,
    EDITING,
    FORM_KIND,
    REVIEW,
    SUBMIT,
    SURVEY_KEY,
    applies,
    as_steps,
    by_question,
    change_value,
    first_step,
    missing,
    send_follow_ups,
    submitted_answers,
    survey_flow,
)
from bot.screens.answers import AnswerScreens
from bot.screens.buttons import BenchmarkReport, SurveyList, SurveyOpen
from bot.screens.surveys import answer_text, benchmark_lines, chart_words, shown_answers
from handlers.forms import Form, FormCall, open_form, step_keyboard
from handlers.replies import Keyboard, show
from handlers.survey_doubts import checked, confirmed, doubt_shown, sure_rows
from storage.content import FaqLink
from storage.questions import Question
from storage.survey_definitions import EVENT, Audience, Survey
from storage.surveys import Round

# An unanswered survey form closes after this; the draft stays, so nothing is lost.
FORM_TIMEOUT = timedelta(hours=12)
# Follow-up surveys are looked for this often, the first time this long after a start.
FOLLOW_UP_INTERVAL = 3600.0
FOLLOW_UP_FIRST = 60.0


class SurveyForm(Form):
    """A survey round's questions, then the review; the form's subject is the round id."""

    kind = FORM_KIND
    code = "sy"
    closed_template = "survey_paused"
    flow = Flow(FORM_KIND, ())

    @property
    def timeout(self) -> timedelta:
        return FORM_TIMEOUT

    def _survey(self, call: FormCall) -> Survey | None:
        return call.services.catalogue.survey(call.state.answers.get(SURVEY_KEY, ""))

    def flow_for(self, call: FormCall) -> Flow:
        survey = self._survey(call)
        return survey_flow(survey) if survey is not None else self.flow

    def _question(self, call: FormCall) -> Question | None:
        survey = self._survey(call)
        asked = question_id(call.state.step)
        return survey.question(asked) if survey is not None and asked else None

    def options(self, call: FormCall) -> list[tuple[str, str]]:
        survey = self._survey(call)
        if survey is None:
            return []
        if call.state.step == REVIEW:
            given = by_question(call.state.answers)
            asked = [q for q in survey.questions if applies(survey, q, given)]
            label = call.caller.label("survey_change")
            return [
                (SUBMIT, call.caller.label("survey_submit")),
                *(
                    (change_value(q), label.format(number=survey.questions.index(q) + 1))
                    for q in asked
                ),
            ]
        question = self._question(call)
        return choice_options(question, call.caller.language) if question is not None else []

    async def take(self, call: FormCall, reply: Reply) -> Moved | Finished | None:
        round_ = await _round_of(call)
        if round_ is None or not round_.is_open(datetime.now(UTC)):
            await call.services.forms.close(call.caller.person.id)
            return Moved(call.state, "closed")
        sure = confirmed(call, self._survey(call), reply)
        if sure is not None:
            return sure
        if call.state.step != REVIEW or not (reply.pressed or "").startswith(CHANGE):
            return None
        survey = self._survey(call)
        wanted = (reply.pressed or "")[len(CHANGE) :]
        question = survey.question(wanted) if survey is not None else None
        if question is None:
            return None  # the review's step reads it: not a button it offers
        answers = {**call.state.answers, EDITING: wanted}
        return Moved(replace(call.state, step=step_name(question), answers=answers))

    async def verify(self, call: FormCall, step: str, value: Any) -> tuple[Any, str | None]:
        return await checked(call, self._survey(call), step, value)

    async def ask(self, call: FormCall, reason: str | None = None) -> None:
        caller = call.caller
        survey = self._survey(call)
        round_ = await _round_of(call)
        if survey is None or round_ is None:
            await show(call.update, caller.render("not_available"), [])
            return
        if reason == "closed":
            await show(call.update, caller.render("survey_closed", survey=survey), [])
            return
        await call.services.surveys.save_draft(
            round_.id,
            caller.person.id,
            call.state.step,
            call.state.answers,
            call.state.answers.get(BASE),
            datetime.now(UTC),
        )
        rows: Keyboard = step_keyboard(call, self)
        if call.state.step == REVIEW:
            given = by_question(call.state.answers)
            asked = [q for q in survey.questions if applies(survey, q, given)]
            text = caller.render(
                "survey_review",
                survey=survey,
                answers=shown_answers(caller.services.texts, survey, given, asked, caller.language),
                reason=reason,
            )
            await show(call.update, text, _review_rows(rows))
            return
        question = self._question(call)
        assert question is not None
        current = call.state.answers.get(step_name(question))
        position = _position(survey, question, by_question(call.state.answers))
        text = caller.render(
            "survey_question",
            survey=survey,
            question=question,
            number=position[0],
            total=position[1],
            reason=reason,
            current=answer_text(caller.services.texts, question, current, caller.language),
            opens_section=question.section is not None,
            doubt=doubt_shown(call, question),
        )
        await show(call.update, text, [*sure_rows(call, self, survey, question), *rows])

    async def finish(self, call: FormCall) -> Moved | None:
        caller = call.caller
        survey = self._survey(call)
        round_ = await _round_of(call)
        now = datetime.now(UTC)
        if survey is None or round_ is None or not round_.is_open(now):
            await show(call.update, caller.render("survey_closed", survey=survey), [])
            return None
        answers = {key: value for key, value in call.state.answers.items() if key != EDITING}
        gap = missing(survey, answers)
        if gap is not None:
            # A changed answer made a required question apply: ask it, then the review again.
            step = replace(call.state, step=step_name(gap), answers={**answers, EDITING: gap.id})
            return Moved(step, "missing")
        company = None
        if survey.per_company:
            company = await caller.services.surveys.verified_company(caller.person.id)
            if company is None:
                await show(call.update, caller.render("survey_needs_company", survey=survey), [])
                return None
        stored = await caller.services.surveys.submit(
            survey,
            round_.id,
            caller.person.id,
            company,
            submitted_answers(survey, answers),
            now,
            answers.get(BASE),
        )
        if not stored.stored:
            # A colleague submitted the company's answers meanwhile: this person's answers stay
            # on screen, and submitting again replaces the colleague's knowingly.
            return Moved(
                replace(call.state, step=REVIEW, answers={**answers, BASE: stored.revision}),
                "colleague",
            )
        await call.acknowledge()
        rows = []
        if survey.benchmark:
            rows.append([caller.button("benchmark_report", BenchmarkReport(round_.id))])
        await show(call.update, caller.render("survey_thanks_done", survey=survey), rows)
        return None


SURVEY = SurveyForm()


def _position(survey: Survey, question: Question, given: dict[str, Any]) -> tuple[int, int]:
    """Return the question's number among those asked so far, and how many are asked."""
    asked = [q for q in survey.questions if applies(survey, q, given)]
    number = asked.index(question) + 1 if question in asked else 1
    return number, len(asked)


def _review_rows(rows: Keyboard) -> Keyboard:
    """Put "submit" on its own row and the change buttons three to a row."""
    if not rows:
        return rows
    changes = [button for row in rows[1:] for button in row]
    return [rows[0], *(changes[index : index + 3] for index in range(0, len(changes), 3))]


async def _round_of(call: FormCall) -> Round | None:
    return await call.services.surveys.get_round(int(call.state.subject or 0))


# -- opening a survey ------------------------------------------------------------------------


async def open_round(
    update: Update, context: AssistantContext, caller: Caller, round_id: int
) -> None:
    """Start the person's answers to a round, or continue them where they stopped."""
    services = caller.services
    surveys = services.surveys
    now = datetime.now(UTC)
    round_ = await surveys.get_round(round_id)
    survey = services.catalogue.survey(round_.survey_id) if round_ is not None else None
    if round_ is None or survey is None:
        await show(update, caller.render("not_available"), [])
        return
    if not round_.is_open(now):
        await show(update, caller.render("survey_closed", survey=survey), [])
        return
    person = caller.person.id
    if not await surveys.in_audience(_audience_of(survey, round_), person, now):
        await show(update, caller.render("not_available"), [])
        return
    company = None
    if survey.per_company:
        company = await surveys.verified_company(person)
        if company is None:
            await show(update, caller.render("survey_needs_company", survey=survey), [])
            return
    elif await surveys.has_finished(round_.id, person):
        await show(update, caller.render("survey_answered_already", survey=survey), [])
        return
    answers: dict[str, Any] = {SURVEY_KEY: survey.id}
    draft = await surveys.draft(round_.id, person)
    step: str | None = None
    if draft is not None and survey_flow(survey).has(draft.step):
        answers.update(draft.answers)
        step = draft.step
    elif company is not None and (given := await surveys.company_answer(round_.id, company)):
        # The company answered already: its answers, at the review, to see and update.
        answers.update(as_steps(given.answers))
        answers[BASE] = given.revision
        step = REVIEW
    else:
        step = first_step(survey)
    await open_form(
        update, context, caller, SURVEY, answers=answers, subject=str(round_.id), step=step
    )


def _audience_of(survey: Survey, round_: Round) -> Audience:
    """Return who a round is for: an event's round, that event's attendees only."""
    return survey.audience if round_.event_id is None else Audience(EVENT, round_.event_id)


async def start_survey(update: Update, context: AssistantContext) -> None:
    """Open the survey of the invitation's (or the list's) button."""
    pressed = SurveyOpen.of(update)
    await context.acknowledge()
    await open_round(update, context, context.caller, pressed.round_id)


async def surveys_command(update: Update, context: AssistantContext) -> None:
    """List the surveys open to the person, with where they stand in each."""
    caller = context.caller
    services = caller.services
    surveys = services.surveys
    now = datetime.now(UTC)
    person = caller.person.id
    finished = await surveys.finished_rounds(person)
    drafts = await surveys.drafts_of(person)
    company = await surveys.verified_company(person)
    entries = []
    rows: list[list[InlineKeyboardButton]] = []
    seen: set[str] = set()
    for round_ in await surveys.open_rounds(now):
        survey = services.catalogue.survey(round_.survey_id)
        if survey is None or survey.id in seen or not survey.is_open(now):
            continue
        if not await surveys.in_audience(_audience_of(survey, round_), person, now):
            continue
        seen.add(survey.id)
        if round_.id in drafts:
            state = "started"
        elif survey.per_company:
            answered = company is not None and await surveys.company_answer(round_.id, company)
            state = "updatable" if answered else "new"
        else:
            state = "done" if round_.id in finished else "new"
        entries.append((survey, round_, state))
        if state != "done":
            label = survey.title.get(caller.language)
            rows.append([_button(label, round_.id)])
        if survey.benchmark and state == "updatable":
            rows.append([caller.button("benchmark_report", BenchmarkReport(round_.id))])
    text = caller.render("surveys_list", entries=entries)
    await show(update, text, rows)


def _button(label: str, round_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(f"📝 {label}"[:60], callback_data=SurveyOpen(round_id).data)


async def benchmark_report(update: Update, context: AssistantContext) -> None:
    """Send the company's benchmark report of a round: in the chat with a chart, or as a PDF."""
    caller = context.caller
    services = caller.services
    pressed = BenchmarkReport.of(update)
    round_ = await services.surveys.get_round(pressed.round_id)
    survey = services.catalogue.survey(round_.survey_id) if round_ is not None else None
    company = await services.surveys.verified_company(caller.person.id)
    answered = (
        round_ is not None
        and company is not None
        and await services.surveys.company_answer(round_.id, company) is not None
    )
    if round_ is None or survey is None or not survey.benchmark or not answered:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    assert company is not None
    await context.acknowledge()
    indicators = [indicator.question for indicator in survey.indicators]
    figures = await services.surveys.round_figures(round_.id, indicators, company)
    report = company_report(survey, round_.number, figures, services.settings.benchmark_k)
    chat = update.effective_chat
    assert chat is not None
    if not report.compared:
        rows = [[caller.button("survey_back_to_list", SurveyList())]]
        text = caller.render("benchmark_waiting", survey=survey, k=services.settings.benchmark_k)
        await show(update, text, rows)
        return
    texts = services.texts
    shown = benchmark_lines(texts, report, caller.language)
    chart = await asyncio.to_thread(
        report_chart, report, chart_words(texts, report, caller.language)
    )
    if pressed.as_pdf == "p":
        words = PdfText(
            title=caller.render("benchmark_pdf_title", survey=survey, round=round_),
            intro=caller.render("benchmark_pdf_intro", k=services.settings.benchmark_k),
            lines=[(line.name, line.plain) for line in shown],
            lagging_title=caller.label("benchmark_lagging"),
            lagging=[line.name for line in shown if line.lagging],
            footer=caller.render("benchmark_pdf_footer"),
        )
        cluster = services.catalogue.cluster
        document = await asyncio.to_thread(
            report_pdf, words, chart, round_.opened_at, cluster.name.get(caller.language)
        )
        await context.bot.send_document(
            chat.id, document, filename=f"{survey.id}-{round_.number}.pdf"
        )
        return
    screens = AnswerScreens(texts, services.catalogue, caller.language)
    links = [link for item in report.lagging for link in item.indicator.links]
    rows = [*screens.link_rows(_unique(links))]
    rows.append([caller.button("benchmark_pdf", BenchmarkReport(round_.id, "p"))])
    text = caller.render("benchmark_report", survey=survey, lines=shown, report=report)
    await show(update, text, rows)
    await context.bot.send_photo(chat.id, chart, caption=caller.label("benchmark_chart_caption"))


def _unique(links: list[FaqLink]) -> list[FaqLink]:
    seen: list[FaqLink] = []
    for link in links:
        if link not in seen:
            seen.append(link)
    return seen


async def surveys_button(update: Update, context: AssistantContext) -> None:
    """Show the open surveys again (from a report's button)."""
    await context.acknowledge()
    await surveys_command(update, context)


async def _follow_ups(context: AssistantContext) -> None:
    services = context.services
    await send_follow_ups(
        services.surveys,
        services.catalogue.surveys,
        datetime.now(UTC),
        services.settings.survey_reminder,
    )


def schedule(application: AssistantApplication) -> None:
    """Look every hour for events whose follow-up survey is due (rounds are rows: no state)."""
    assert application.job_queue is not None
    application.job_queue.run_repeating(
        _follow_ups, interval=FOLLOW_UP_INTERVAL, first=FOLLOW_UP_FIRST, name="survey-follow-ups"
    )


def handlers() -> list[BaseHandler[Update, AssistantContext, Any]]:
    """Return /surveys, the button that opens a survey and the company's benchmark report."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("surveys", surveys_command, filters=private),
        CallbackQueryHandler(start_survey, pattern=SurveyOpen.pattern()),
        CallbackQueryHandler(benchmark_report, pattern=BenchmarkReport.pattern()),
        CallbackQueryHandler(surveys_button, pattern=SurveyList.pattern()),
    ]
