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
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import AssistantApplication, AssistantContext, Caller, Services
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
    as_steps,
    asked_questions,
    by_question,
    change_value,
    first_step,
    missing,
    send_follow_ups,
    still_open,
    submitted_answers,
    survey_flow,
)
from bot.screens.answers import AnswerScreens
from bot.screens.buttons import (
    FINISH_FEEDBACK,
    HOME,
    OPEN_FEEDBACK,
    RATINGS,
    BenchmarkReport,
    SurveyAnswer,
    SurveyList,
    SurveyOpen,
)
from bot.screens.reminders import rating_row
from bot.screens.surveys import answer_text, benchmark_lines, chart_words, shown_answers
from handlers.forms import Form, FormCall, close_form, open_form, step_keyboard
from handlers.replies import Keyboard, show
from handlers.survey_doubts import checked, confirmed, doubt_shown, sure_rows
from storage.content import Event, FaqLink
from storage.questions import Question
from storage.survey_definitions import EVENT, FEEDBACK, FEEDBACK_RATING, Audience, Survey
from storage.surveys import FeedbackDue, Round

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
            asked = asked_questions(survey, by_question(call.state.answers))
            label = call.caller.label("survey_change")
            return [
                (SUBMIT, call.caller.label("survey_submit")),
                *(
                    (change_value(q), label.format(number=number))
                    for number, q in enumerate(asked, start=1)
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

    async def answered(self, call: FormCall, step: str, value: Any) -> None:
        # A feedback's rating counts at once, however it is given: from the post-event
        # message's buttons or here, after opening the feedback from /surveys.
        survey = self._survey(call)
        round_ = await _round_of(call)
        if survey is None or survey.id != FEEDBACK or question_id(step) != FEEDBACK_RATING:
            return
        if round_ is not None and round_.event_id is not None:
            person = call.caller.person.id
            registration = await call.services.surveys.registration_at(round_.event_id, person)
            await _count_rating(call.services, survey, round_, person, registration, value)

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
        event = _event_of(call, round_)
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
            asked = asked_questions(survey, given)
            text = caller.render(
                "survey_review",
                survey=survey,
                event=event,
                answers=shown_answers(caller.services.texts, given, asked, caller.language),
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
            event=event,
            question=question,
            number=position[0],
            total=position[1],
            most=position[2],
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
        registration = None
        if round_.event_id is not None and not survey.anonymous and not survey.per_company:
            # About one event: the answer keeps the registration, so it outlives an erasure.
            registration = await caller.services.surveys.registration_at(
                round_.event_id, caller.person.id
            )
        stored = await caller.services.surveys.submit(
            survey,
            round_.id,
            caller.person.id,
            company,
            submitted_answers(survey, answers),
            now,
            answers.get(BASE),
            registration,
        )
        if not stored.stored:
            # A colleague submitted the company's answers meanwhile: this person's answers stay
            # on screen, and submitting again replaces the colleague's knowingly.
            return Moved(
                replace(call.state, step=REVIEW, answers={**answers, BASE: stored.revision}),
                "colleague",
            )
        await call.acknowledge()
        given = submitted_answers(survey, answers)
        await _thank(call.update, caller, survey, round_, given, registration)
        return None


SURVEY = SurveyForm()


def _position(survey: Survey, question: Question, given: dict[str, Any]) -> tuple[int, int, int]:
    """Return the question's number among those asked so far, how many are asked, and how
    many may be (more while a question others depend on is not answered yet)."""
    asked = asked_questions(survey, given)
    number = asked.index(question) + 1 if question in asked else 1
    return number, len(asked), len(asked) + still_open(survey, given)


def _review_rows(rows: Keyboard) -> Keyboard:
    """Put "submit" on its own row and the change buttons three to a row."""
    if not rows:
        return rows
    changes = [button for row in rows[1:] for button in row]
    return [rows[0], *(changes[index : index + 3] for index in range(0, len(changes), 3))]


async def _round_of(call: FormCall) -> Round | None:
    return await call.services.surveys.get_round(int(call.state.subject or 0))


def _event_of(call: FormCall, round_: Round) -> Event | None:
    """Return the event a round is about (post-event feedback, follow-ups), if any."""
    return call.services.catalogue.event(round_.event_id) if round_.event_id else None


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
    draft = await surveys.draft(round_.id, person)
    resumable = draft is not None and survey_flow(survey).has(draft.step)
    if survey.per_company:
        company = await surveys.verified_company(person)
        if company is None:
            await show(update, caller.render("survey_needs_company", survey=survey), [])
            return
    elif not resumable and await surveys.has_finished(round_.id, person):
        # A draft after finishing is a feedback whose rating counted at once: it goes on.
        await show(update, caller.render("survey_answered_already", survey=survey), [])
        return
    answers: dict[str, Any] = {SURVEY_KEY: survey.id}
    step: str | None = None
    if draft is not None and resumable:
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
    """List the surveys open to the person, with where they stand in each: a post-event
    feedback once per event they were asked about, titled with the event."""
    caller = context.caller
    services = caller.services
    surveys = services.surveys
    now = datetime.now(UTC)
    person = caller.person.id
    finished = await surveys.finished_rounds(person)
    drafts = await surveys.drafts_of(person)
    company = await surveys.verified_company(person)
    entries: list[ListedSurvey] = []
    rows: list[list[InlineKeyboardButton]] = []
    feedback = services.catalogue.survey(FEEDBACK)
    dues = await surveys.feedback_due(person) if feedback is not None else []
    for due in dues:
        event = services.catalogue.event(due.event_id)
        if feedback is None or event is None or now >= due.closes_at:
            continue
        if due.round_id in drafts:
            state = "started"
        else:
            state = "done" if due.round_id in finished else "new"
        title = event.title.get(caller.language)
        entries.append(ListedSurvey(feedback, title, state, due.closes_at))
        if state != "done":
            data = SurveyAnswer(due.registration_id, OPEN_FEEDBACK)
            rows.append([InlineKeyboardButton(f"📝 {title}"[:60], callback_data=data.data)])
    seen: set[str] = set()
    for round_ in await surveys.open_rounds(now):
        survey = services.catalogue.survey(round_.survey_id)
        # Per event (follow-ups): one entry per event, not one per survey.
        key = f"{round_.survey_id}:{round_.event_id or ''}"
        if survey is None or survey.id == FEEDBACK or key in seen or not survey.is_open(now):
            continue
        if not await surveys.in_audience(_audience_of(survey, round_), person, now):
            continue
        seen.add(key)
        if round_.id in drafts:
            state = "started"
        elif survey.per_company:
            answered = company is not None and await surveys.company_answer(round_.id, company)
            state = "updatable" if answered else "new"
        else:
            state = "done" if round_.id in finished else "new"
        about = services.catalogue.event(round_.event_id) if round_.event_id else None
        about_title = about.title.get(caller.language) if about is not None else None
        closes = round_.closes_at or survey.closes_at
        entries.append(ListedSurvey(survey, about_title, state, closes))
        if state != "done":
            label = survey.title.get(caller.language)
            rows.append([_button(f"{label}: {about_title}" if about_title else label, round_.id)])
        if survey.benchmark and state == "updatable":
            rows.append([caller.button("benchmark_report", BenchmarkReport(round_.id))])
    text = caller.render("surveys_list", entries=entries)
    await show(update, text, rows)


@dataclass(frozen=True)
class ListedSurvey:
    """One line of /surveys: the survey, the event it is about, where the person stands."""

    survey: Survey
    event_title: str | None
    state: str  # new, started, done, updatable
    closes_at: datetime | None


# -- the post-event feedback ------------------------------------------------------------------
# The outbox's post-event message (bot/screens/reminders.py) is the invitation: its rating
# buttons, and /surveys' button for an event, carry the registration. The event's round is made
# on first use; old messages keep working, since their buttons never change.


async def rate(update: Update, context: AssistantContext) -> None:
    """Count the rating at once (replacing the person's earlier feedback on the event whole),
    then ask the survey's other questions, the rating kept."""
    caller = context.caller
    pressed = SurveyAnswer.of(update)
    opened = await _feedback_round(update, context, pressed.registration_id)
    if opened is None:
        return
    survey, round_, due = opened
    given = {FEEDBACK_RATING: int(pressed.answer)}
    await _count_rating(
        caller.services,
        survey,
        round_,
        caller.person.id,
        due.registration_id,
        given[FEEDBACK_RATING],
    )
    answers = {SURVEY_KEY: survey.id, **as_steps(given)}
    rating = survey.question(FEEDBACK_RATING)
    assert rating is not None  # the content reader refuses a feedback survey without it
    step = survey_flow(survey).after(step_name(rating), answers)
    if step is None:  # a cluster's feedback survey that asks only the rating
        await close_form(caller.services, caller.person.id, FORM_KIND)
        await _thank(update, caller, survey, round_, given, due.registration_id)
        return
    await open_form(
        update, context, caller, SURVEY, answers=answers, subject=str(round_.id), step=step
    )


async def _count_rating(
    services: Services,
    survey: Survey,
    round_: Round,
    person_id: int,
    registration_id: int | None,
    rating: int,
) -> None:
    """Submit the rating alone, replacing the person's earlier feedback on the event whole
    (the rest of their answers, given next, replace it again on submitting)."""
    await services.surveys.submit(
        survey,
        round_.id,
        person_id,
        None,
        {FEEDBACK_RATING: rating},
        datetime.now(UTC),
        registration_id=registration_id,
    )


async def open_feedback(update: Update, context: AssistantContext) -> None:
    """Open an event's feedback from /surveys: from the rating, or where the person stopped."""
    opened = await _feedback_round(update, context, SurveyAnswer.of(update).registration_id)
    if opened is not None:
        await open_round(update, context, context.caller, opened[1].id)


async def finish_feedback(update: Update, context: AssistantContext) -> None:
    """Close the feedback from an old message's "finish without a comment" button."""
    caller = context.caller
    services = caller.services
    survey = services.catalogue.survey(FEEDBACK)
    registration_id = SurveyAnswer.of(update).registration_id
    due = await services.surveys.surveyed_registration(registration_id, caller.person.id)
    round_ = await services.surveys.event_round(survey, due.event_id) if survey and due else None
    if (
        survey is None
        or round_ is None
        or not await services.surveys.has_finished(round_.id, caller.person.id)
    ):
        await context.acknowledge(caller.render("not_available"), alert=True)
        return
    await context.acknowledge()
    await close_form(services, caller.person.id, FORM_KIND)
    await _thank(update, caller, survey, round_, {}, registration_id)


async def _feedback_round(
    update: Update, context: AssistantContext, registration_id: int
) -> tuple[Survey, Round, FeedbackDue] | None:
    """Return the feedback survey and the round of the registration's event, opening it on
    first use; answer a forged, someone else's or closed button politely and return None."""
    caller = context.caller
    services = caller.services
    survey = services.catalogue.survey(FEEDBACK)
    due = await services.surveys.surveyed_registration(registration_id, caller.person.id)
    if survey is None or due is None:
        await context.acknowledge(caller.render("not_available"), alert=True)
        return None
    now = datetime.now(UTC)
    round_ = (
        None if now >= due.closes_at else await services.surveys.event_round(survey, due.event_id)
    )
    if round_ is None or not round_.is_open(now):
        await context.acknowledge()
        rows = [[caller.button("survey_back_to_list", SurveyList()), caller.button("home", HOME)]]
        await show(update, caller.render("survey_closed", survey=survey), rows)
        return None
    return survey, round_, due


async def _thank(
    update: Update,
    caller: Caller,
    survey: Survey,
    round_: Round,
    given: dict[str, Any],
    registration_id: int | None = None,
) -> None:
    """Show the thanks for a submitted survey, with a way on: the open surveys or the menu
    (and, after an event's feedback, its ratings again, to change the one given)."""
    services = caller.services
    rows = []
    if survey.benchmark:
        rows.append([caller.button("benchmark_report", BenchmarkReport(round_.id))])
    if survey.id == FEEDBACK and registration_id is not None:
        rows.append(rating_row(registration_id))
    rows.append([caller.button("survey_back_to_list", SurveyList()), caller.button("home", HOME)])
    # Without a review the person has not seen their answers together: the thanks shows them.
    shown = [] if survey.review else asked_questions(survey, given)
    event = services.catalogue.event(round_.event_id) if round_.event_id else None
    text = caller.render(
        "survey_thanks_done",
        survey=survey,
        event=event,
        answers=shown_answers(services.texts, given, shown, caller.language),
    )
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
    """Return /surveys, the buttons that open a survey (and rate an event), and the company's
    benchmark report."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("surveys", surveys_command, filters=private),
        CallbackQueryHandler(start_survey, pattern=SurveyOpen.pattern()),
        CallbackQueryHandler(rate, pattern=SurveyAnswer.pattern(answer=RATINGS)),
        CallbackQueryHandler(open_feedback, pattern=SurveyAnswer.pattern(answer=OPEN_FEEDBACK)),
        CallbackQueryHandler(finish_feedback, pattern=SurveyAnswer.pattern(answer=FINISH_FEEDBACK)),
        CallbackQueryHandler(benchmark_report, pattern=BenchmarkReport.pattern()),
        CallbackQueryHandler(surveys_button, pattern=SurveyList.pattern()),
    ]
