"""Every kind of button the assistant sends, declared once: its data and its pattern.

Data is limited to 64 bytes, so kinds have short prefixes (`m:` menu, `ev:` events, `sv:`
services, `rg:` registrations, `qa:` answers, `tk:` tickets, `sm:` staff menu, `se:` staff
events, `sa:` attendees, `bc:` broadcasts) and short codes for their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from bot.screens.callback_data import CallbackData, EntryId, Number, Page
from storage.content import EVENT_KINDS

ALL_KINDS = "a"
# Event kinds travel as one character.
KIND_CODES = {str(index): kind for index, kind in enumerate(EVENT_KINDS)}
CODE_OF_KIND = {kind: code for code, kind in KIND_CODES.items()}
KindCode = Annotated[str, f"[{ALL_KINDS}{''.join(KIND_CODES)}]"]
ListPage = Annotated[int, r"\d{1,3}"]

# -- a person's screens ---------------------------------------------------------------------

MENU_SCREENS = (
    "home",
    "events",
    "services",
    "ask",
    "my",
    "settings",
    "help",
    "profile",
    "privacy",
    "language",
)


@dataclass(frozen=True)
class Menu(CallbackData, prefix="m"):
    """A screen of the main menu."""

    screen: Annotated[str, "|".join(MENU_SCREENS)]


HOME = Menu("home")


@dataclass(frozen=True)
class EventList(CallbackData, prefix="ev:l"):
    """A page of upcoming events, all kinds or one."""

    kind: KindCode = ALL_KINDS
    page: ListPage = 0


@dataclass(frozen=True)
class EventPage(CallbackData, prefix="ev:s"):
    """An event's page, remembering the list page to go back to."""

    event_id: EntryId
    kind: KindCode = ALL_KINDS
    page: ListPage = 0


@dataclass(frozen=True)
class ServicePage(CallbackData, prefix="sv:s"):
    """A service's page."""

    service_id: EntryId


@dataclass(frozen=True)
class SignUp(CallbackData, prefix="rg:new"):
    """Sign up for an event (the profile form first when needed)."""

    event_id: EntryId


@dataclass(frozen=True)
class CancelRegistration(CallbackData, prefix="rg:cx"):
    """Ask whether to cancel a registration."""

    registration_id: Number


@dataclass(frozen=True)
class ConfirmCancel(CallbackData, prefix="rg:cy"):
    """Cancel a registration, confirmed."""

    registration_id: Number


@dataclass(frozen=True)
class ChangeAnswers(CallbackData, prefix="rg:qa"):
    """Review and change one's answers to an event's own questions (until it starts)."""

    event_id: EntryId


@dataclass(frozen=True)
class CalendarFile(CallbackData, prefix="rg:ics"):
    """Send a registration's calendar file."""

    registration_id: Number


@dataclass(frozen=True)
class CheckinCode(CallbackData, prefix="rg:qr"):
    """Send a registration's check-in code again."""

    registration_id: Number


@dataclass(frozen=True)
class ToggleSetting(CallbackData, prefix="st"):
    """Switch reminders or announcements."""

    setting: Literal["rem", "ann"]


@dataclass(frozen=True)
class ChooseLanguage(CallbackData, prefix="lang"):
    """Speak Turkish or English."""

    language: Literal["tr", "en"]


@dataclass(frozen=True)
class PrivacyAction(CallbackData, prefix="pv"):
    """Read the notice, see what is known, download one's data, ask to delete it, or switch
    the consent to announcements."""

    action: Literal["notice", "summary", "export", "delete", "announcements"]


@dataclass(frozen=True)
class DeleteConfirmed(CallbackData, prefix="pv:delete:yes"):
    """Delete one's data, confirmed."""


@dataclass(frozen=True)
class AnnouncementsAnswer(CallbackData, prefix="cs"):
    """A person's answer to the one-time question whether they want announcements."""

    answer: Literal["yes", "no"]


@dataclass(frozen=True)
class HostConsent(CallbackData, prefix="hc"):
    """A person's answer to sharing their details with one event's host abroad."""

    event_id: EntryId
    answer: Literal["yes", "no"]


@dataclass(frozen=True)
class WithdrawHostConsent(CallbackData, prefix="hw"):
    """Withdraw the consent to share one's details with one event's host abroad."""

    event_id: EntryId


@dataclass(frozen=True)
class AccessNeedsConsent(CallbackData, prefix="nc"):
    """A person's answer to being asked an event's special-category question (KVKK Art. 6);
    "ask" shows the question again (from the event's page)."""

    event_id: EntryId
    answer: Literal["yes", "no", "ask"]


@dataclass(frozen=True)
class WithdrawAccessNeeds(CallbackData, prefix="nw"):
    """Withdraw the consent to an event's special-category question; its answer goes too.

    Asked first ("0"), then done ("1").
    """

    event_id: EntryId
    sure: Literal["0", "1"] = "0"


@dataclass(frozen=True)
class StaffAddParticipant(CallbackData, prefix="sp:a"):
    """Staff: add a participant who is not on Telegram to an event, by hand."""

    event_id: EntryId


@dataclass(frozen=True)
class StaffImportAttendance(CallbackData, prefix="sp:i"):
    """Staff: add an event's participants from an attendance list (XLSX or CSV)."""

    event_id: EntryId


@dataclass(frozen=True)
class StaffAddedList(CallbackData, prefix="sp:l"):
    """Staff: the participants staff added to an event, to erase one on their request."""

    event_id: EntryId


@dataclass(frozen=True)
class StaffAddedErase(CallbackData, prefix="sp:e"):
    """Staff: erase one staff-added participant's details ("y": confirmed)."""

    registration_id: Number
    confirmed: Literal["n", "y"] = "n"


@dataclass(frozen=True)
class StaffAccessNeeds(CallbackData, prefix="se:an"):
    """Staff who manage: the answers to an event's special-category question."""

    event_id: EntryId


@dataclass(frozen=True)
class ConsentCampaign(CallbackData, prefix="sm:cc"):
    """Staff: ask everyone informed, once, whether they want announcements (confirmed)."""


@dataclass(frozen=True)
class EditProfile(CallbackData, prefix="pf"):
    """Fill in the profile form (again, after refusing consent)."""

    how: Literal["edit", "again", "gender"]


SCORES = range(1, 6)


@dataclass(frozen=True)
class SurveyAnswer(CallbackData, prefix="fb"):
    """The post-event feedback of a registration: a rating of 1 to 5 (counted at once), "o" to
    open it from /surveys, or "s" (older messages' "finish without a comment")."""

    registration_id: Number
    answer: Annotated[str, "[1-5]|s|o"]


@dataclass(frozen=True)
class SurveyOpen(CallbackData, prefix="su:o"):
    """Start a survey round, or continue where one stopped."""

    round_id: Number


@dataclass(frozen=True)
class SurveyList(CallbackData, prefix="su:l"):
    """The surveys open to the person."""


@dataclass(frozen=True)
class BenchmarkReport(CallbackData, prefix="su:b"):
    """A company's benchmark report of a round: in the chat, or as a PDF."""

    round_id: Number
    as_pdf: Literal["c", "p"] = "c"


FINISH_FEEDBACK = "s"
OPEN_FEEDBACK = "o"
RATINGS = tuple(str(score) for score in SCORES)


@dataclass(frozen=True)
class FormPress(CallbackData, prefix="f"):
    """A button of an open form (handlers/forms.py): choose a value ("c"), or go back ("b"),
    skip ("s"), finish a multiple choice ("d")."""

    form: Annotated[str, "[a-z]{1,3}"]
    action: Annotated[str, "[cbsd]"]
    # Values up to 57 characters fill Telegram's 64 bytes with a two-letter form code.
    value: Annotated[str, ".{1,57}"] = ""


# -- answers and tickets ----------------------------------------------------------------------

SUGGESTION_CODES = {"faq": "f", "service": "s", "event": "e"}
KIND_OF_SUGGESTION = {code: kind for kind, code in SUGGESTION_CODES.items()}


@dataclass(frozen=True)
class Suggestion(CallbackData, prefix="qa"):
    """Open an entry the assistant suggested: a FAQ, a service or an event; `asked_id` is the
    typed question it was suggested for (0: none), so the page keeps 👍 / 👎 and the team."""

    kind: Annotated[str, "[" + "".join(KIND_OF_SUGGESTION) + "]"]
    entry_id: EntryId
    # Nine digits: with the longest entry id the data stays within 64 bytes.
    asked_id: Annotated[int, r"\d{1,9}"] = 0


@dataclass(frozen=True)
class Helpful(CallbackData, prefix="qa:h"):
    """Whether an answer helped."""

    asked_id: Number
    helpful: Literal["y", "n"]


@dataclass(frozen=True)
class HandOver(CallbackData, prefix="qa:t"):
    """Pass the question the person typed to the team, in one tap."""

    asked_id: Number


@dataclass(frozen=True)
class Contact(CallbackData, prefix="qa:ct"):
    """Show the office's e-mail address or phone number."""

    way: Annotated[str, "e|p"]


@dataclass(frozen=True)
class NewTicket(CallbackData, prefix="tk:new"):
    """Ask the team a question."""


@dataclass(frozen=True)
class CancelTicket(CallbackData, prefix="tk:cancel"):
    """Leave the question unsent."""


@dataclass(frozen=True)
class RequestService(CallbackData, prefix="tk:svc"):
    """Ask the team for a service."""

    service_id: EntryId


@dataclass(frozen=True)
class ReplyToTicket(CallbackData, prefix="tk:re"):
    """Answer the team's reply."""

    ticket_id: Number


@dataclass(frozen=True)
class CloseTicket(CallbackData, prefix="tk:close", in_groups=True):
    """Close a ticket from its post in the staff chat; a service request as delivered ("d")
    or not delivered ("n"). The first press asks ("a"), the second closes ("y") or takes the
    question back ("x"), so a mis-tap closes nothing."""

    ticket_id: Number
    outcome: Literal["c", "d", "n"] = "c"
    step: Literal["a", "y", "x"] = "a"


@dataclass(frozen=True)
class AddToTicket(CallbackData, prefix="tk:add"):
    """Add a typed message the assistant could not answer to the person's open ticket."""

    asked_id: Number
    ticket_id: Number


@dataclass(frozen=True)
class RelayToClosed(CallbackData, prefix="tk:ro", in_groups=True):
    """Under a staff reply to a closed ticket: send it to the person and reopen the ticket
    ("y"), or leave it unsent ("n"). The reply itself is the message the note answers."""

    ticket_id: Number
    choice: Literal["y", "n"]


# -- staff ------------------------------------------------------------------------------------

STAFF_SCREENS = (
    "home",
    "events",
    "exports",
    "import",
    "newevent",
    "broadcast",
    "stats",
    "unanswered",
    "tickets",
    "claims",
    "consent",
    "privacylog",
    "team",
)


@dataclass(frozen=True)
class StaffMenu(CallbackData, prefix="sm"):
    """A screen of the staff menu."""

    screen: Annotated[str, "|".join(STAFF_SCREENS)]


STAFF_HOME = StaffMenu("home")


@dataclass(frozen=True)
class StaffEventList(CallbackData, prefix="se:l"):
    """A page of upcoming or past events, to manage them or to export a list."""

    scope: Annotated[str, "u|p"] = "u"
    purpose: Annotated[str, "m|x"] = "m"
    page: ListPage = 0


@dataclass(frozen=True)
class StaffEventPage(CallbackData, prefix="se:s"):
    """An event's staff page."""

    event_id: EntryId


# What staff change on an event, one character each.
STAFF_CHANGE_CODES = {
    "t": "title",
    "d": "description",
    "w": "time",
    "p": "place",
    "c": "capacity",
    "l": "deadline",
    "a": "audience",
    "b": "certificate",
    "s": "selection",
    "j": "project",
}
CODE_OF_STAFF_CHANGE = {change: code for code, change in STAFF_CHANGE_CODES.items()}


@dataclass(frozen=True)
class ChangeEvent(CallbackData, prefix="se:e"):
    """Start changing one thing about an event."""

    change: Annotated[str, "[" + "".join(STAFF_CHANGE_CODES) + "]"]
    event_id: EntryId


@dataclass(frozen=True)
class CancelEvent(CallbackData, prefix="se:c"):
    """Ask whether to cancel an event."""

    event_id: EntryId


@dataclass(frozen=True)
class ConfirmCancelEvent(CallbackData, prefix="se:cy"):
    """Cancel an event, confirmed."""

    event_id: EntryId


@dataclass(frozen=True)
class AttendeeList(CallbackData, prefix="sa"):
    """A page of an event's confirmed list ("c") or waiting list ("w")."""

    which: Literal["c", "w"]
    event_id: EntryId
    page: Page = 0


@dataclass(frozen=True)
class Attendance(CallbackData, prefix="sa:a"):
    """A page of an event's attendance toggles."""

    event_id: EntryId
    page: Page = 0


@dataclass(frozen=True)
class ToggleAttended(CallbackData, prefix="sa:t"):
    """Mark a registration present or absent, staying on the same page."""

    registration_id: Number
    page: Page = 0


@dataclass(frozen=True)
class AnswerSummary(CallbackData, prefix="sa:q"):
    """How people answered an event's own registration questions, counted per choice."""

    event_id: EntryId


@dataclass(frozen=True)
class ExportAttendees(CallbackData, prefix="sa:x"):
    """An event's attendee list as CSV ("c") or Excel ("x"), or the host's list ("h": Excel,
    only those who consented to sharing with the host abroad)."""

    format: Literal["c", "x", "h"]
    event_id: EntryId


@dataclass(frozen=True)
class StaffRegistrant(CallbackData, prefix="sa:r"):
    """One registrant's card, from an event's attendee list."""

    registration_id: Number


@dataclass(frozen=True)
class StaffGiveSeat(CallbackData, prefix="sa:g"):
    """Give a waiting registrant a free seat by hand ("y": confirmed)."""

    registration_id: Number
    confirmed: Literal["n", "y"] = "n"


@dataclass(frozen=True)
class StaffCancelRegistrant(CallbackData, prefix="sa:k"):
    """Start cancelling a registrant's place (a reason, then the confirmation)."""

    registration_id: Number


@dataclass(frozen=True)
class MessageRegistrants(CallbackData, prefix="se:m"):
    """Write an operational notice to an event's registrants."""

    event_id: EntryId


@dataclass(frozen=True)
class BroadcastVerdict(CallbackData, prefix="bc:ap", in_groups=True):
    """Approve ("y") or reject ("n") a broadcast to everyone from its card in the staff chat."""

    verdict: Literal["y", "n"]
    broadcast_id: Number


@dataclass(frozen=True)
class StopBroadcast(CallbackData, prefix="bc:stop"):
    """Cancel a scheduled broadcast, or stop one being sent."""

    broadcast_id: Number


# What a draft's buttons do: view the panel, type or remove the other language's version,
# send now, ask when, discard; open the audience choices or one list of them; send to all.
DRAFT_STEPS = ("v", "tx", "rx", "go", "at", "del", "au", "sec", "lng", "reg", "att", "all")
BroadcastId = Annotated[int, r"\d{1,10}"]


@dataclass(frozen=True)
class DraftStep(CallbackData, prefix="bc"):
    """A step on a broadcast draft's panel."""

    step: Annotated[str, "|".join(DRAFT_STEPS)]
    broadcast_id: BroadcastId


@dataclass(frozen=True)
class AudienceChoice(CallbackData, prefix="bc"):
    """Send a draft to one sector, language, event's registrants or event's attendees."""

    code: Annotated[str, "s|l|r|p"]
    broadcast_id: BroadcastId
    value: EntryId


@dataclass(frozen=True)
class RegistrantStatus(CallbackData, prefix="bc:rs"):
    """Which registrants of the chosen event: confirmed, waiting, or both."""

    broadcast_id: BroadcastId
    status: Annotated[str, "[cwb]"]


@dataclass(frozen=True)
class QuickTime(CallbackData, prefix="bc:q"):
    """Schedule a draft in an hour ("h1") or tomorrow at nine ("t9")."""

    broadcast_id: BroadcastId
    when: Annotated[str, "h1|t9"]


# -- the impact report ----------------------------------------------------------------------

Day = Annotated[int, r"\d{1,8}"]  # YYYYMMDD as a number


@dataclass(frozen=True)
class ReportPeriod(CallbackData, prefix="sm:rp"):
    """The impact report of this month, quarter or year; the projects; or any dates."""

    period: Literal["month", "quarter", "year", "project", "custom"]


@dataclass(frozen=True)
class ReportProject(CallbackData, prefix="sm:rj"):
    """The impact report of a funded project over its whole period."""

    project_id: EntryId


@dataclass(frozen=True)
class ProjectWorkbook(CallbackData, prefix="sm:rw"):
    """A funded project's report as an Excel workbook."""

    project_id: EntryId


@dataclass(frozen=True)
class ReportWorkbook(CallbackData, prefix="sm:rx"):
    """The impact report of a period as an Excel workbook."""

    first: Day
    last: Day


@dataclass(frozen=True)
class CompanyPage(CallbackData, prefix="co:s"):
    """A registry company's staff page."""

    company_id: Number


@dataclass(frozen=True)
class CompanyInvite(CallbackData, prefix="co:i"):
    """Make a company's invite link: for its people ("p") or for its contact person ("c")."""

    company_id: Number
    whom: Literal["p", "c"] = "p"


@dataclass(frozen=True)
class ContactApproval(CallbackData, prefix="co:ca"):
    """A company's contact approves ("y") or declines ("n") someone who claims the company."""

    company_id: Number
    person_id: Number
    decision: Literal["y", "n"]


@dataclass(frozen=True)
class CompanyContact(CallbackData, prefix="co:c"):
    """Staff: choose the company's contact person among its verified people."""

    company_id: Number


@dataclass(frozen=True)
class CompanyContactSet(CallbackData, prefix="co:cs"):
    """Staff: make this person the company's contact (0: no contact)."""

    company_id: Number
    person_id: Number


@dataclass(frozen=True)
class CompanyApproval(CallbackData, prefix="co:a"):
    """Approve ("y") or decline ("n") a person's unverified claim to a company; from the
    company's page ("c") or the staff list of claims ("l"), shown again after."""

    company_id: Number
    person_id: Number
    decision: Literal["y", "n"]
    back: Literal["c", "l"] = "c"


@dataclass(frozen=True)
class StaffTicket(CallbackData, prefix="st:tk"):
    """Open an open ticket's card from the staff list, to answer or close it."""

    ticket_id: Number


# -- the team (admins) -------------------------------------------------------------------------

RoleCode = Literal["admin", "staff", "checkin", "viewer"]


@dataclass(frozen=True)
class TeamAdd(CallbackData, prefix="tm:add"):
    """Start adding someone to the team (the user picker, or /team ID)."""


@dataclass(frozen=True)
class TeamMemberPage(CallbackData, prefix="tm:p"):
    """A team member's page: their role, and buttons to change or remove it."""

    person_id: Number


@dataclass(frozen=True)
class SetTeamRole(CallbackData, prefix="tm:r"):
    """Give a person a role (adding them, or changing the one they have)."""

    person_id: Number
    role: RoleCode


@dataclass(frozen=True)
class RemoveFromTeam(CallbackData, prefix="tm:x"):
    """Take a person's role away."""

    person_id: Number


# -- evidence: certificates of participation and attendance sheets ---------------------------


@dataclass(frozen=True)
class MyCertificates(CallbackData, prefix="ce:l"):
    """The person's certificates of participation."""


@dataclass(frozen=True)
class CertificateFile(CallbackData, prefix="ce:f"):
    """Send one of the person's certificates again."""

    certificate_id: Number


@dataclass(frozen=True)
class RevokeCertificate(CallbackData, prefix="ce:r"):
    """Staff: start revoking a certificate (the reason, then the confirmation, in a form)."""

    certificate_id: Number


@dataclass(frozen=True)
class AttendanceSheet(CallbackData, prefix="sd:p"):
    """Staff: an event's attendance sheet as a PDF to print (with check-in times after it)."""

    event_id: EntryId


@dataclass(frozen=True)
class AddEvidence(CallbackData, prefix="sd:u"):
    """Staff: attach a photo or scan of an event's signed attendance sheet."""

    event_id: EntryId


@dataclass(frozen=True)
class ShowEvidence(CallbackData, prefix="sd:v"):
    """Staff: send an event's signed attendance sheets again."""

    event_id: EntryId


# -- B2B matchmaking --------------------------------------------------------------------------

Index = Annotated[int, r"\d{1,3}"]
B2B_SCREENS = ("suggested", "requests", "agenda", "browse", "search", "profile", "unlist")


@dataclass(frozen=True)
class B2bHub(CallbackData, prefix="b2:h"):
    """A participant's B2B page of one event: their listing, requests and agenda."""

    event_id: EntryId


@dataclass(frozen=True)
class B2bScreen(CallbackData, prefix="b2:v"):
    """A screen of one event's matchmaking: suggestions, requests, agenda, browsing..."""

    event_id: EntryId
    screen: Annotated[str, "|".join(B2B_SCREENS)]


@dataclass(frozen=True)
class B2bBrowse(CallbackData, prefix="b2:f"):
    """The participants who offer ("o") or look for ("s") one category (its place in the
    catalogue's list), or everyone (category 0 with side "a")."""

    event_id: EntryId
    side: Literal["o", "s", "a"] = "a"
    category: Index = 0
    page: ListPage = 0


@dataclass(frozen=True)
class B2bNarrow(CallbackData, prefix="b2:n"):
    """The participants of one sector (its place in the catalogue's list, 0: any), of member
    companies only ("m") or all ("a")."""

    event_id: EntryId
    sector: Annotated[int, r"\d{1,2}"] = 0
    members: Literal["a", "m"] = "a"
    page: ListPage = 0


@dataclass(frozen=True)
class B2bParticipant(CallbackData, prefix="b2:p"):
    """Another listed participant's profile (its id: one person at one event), with "request a
    meeting"."""

    profile_id: Number


@dataclass(frozen=True)
class B2bRequest(CallbackData, prefix="b2:r"):
    """Ask the participant of this profile for a meeting (a short note first)."""

    profile_id: Number


@dataclass(frozen=True)
class B2bAnswer(CallbackData, prefix="b2:a"):
    """Accept ("y") or decline ("n") a meeting request."""

    request_id: Number
    answer: Literal["y", "n"]


@dataclass(frozen=True)
class B2bWithdraw(CallbackData, prefix="b2:w"):
    """Take back one's own request while it waits."""

    request_id: Number


@dataclass(frozen=True)
class B2bCancelMeeting(CallbackData, prefix="b2:c"):
    """Cancel one's meeting: ask first ("0"), then cancel ("1")."""

    meeting_id: Number
    confirmed: Literal["0", "1"] = "0"


@dataclass(frozen=True)
class B2bCalendar(CallbackData, prefix="b2:i"):
    """Send the calendar file of one's meetings at an event."""

    event_id: EntryId


OutcomeCode = Literal["n", "f", "o", "d"]
OUTCOME_CODES: dict[OutcomeCode, str] = {
    "n": "nothing",
    "f": "follow_up",
    "o": "offer",
    "d": "deal",
}


@dataclass(frozen=True)
class B2bOutcome(CallbackData, prefix="b2:o"):
    """What a meeting led to, after the event."""

    meeting_id: Number
    outcome: OutcomeCode


# -- applications (events where staff select) -------------------------------------------------

# Decisions travel as one character.
DECISION_CODES = {"a": "accepted", "r": "reserve", "d": "declined"}
CODE_OF_DECISION = {decision: code for code, decision in DECISION_CODES.items()}
Decision = Literal["a", "r", "d"]
# A review list's filters as four characters: status (p pending, a accepted, r reserve,
# d declined, x all), sector (its place in the catalogue, "-" any), member company and
# attended before ("y", "n", "-" any).
ReviewFilters = Annotated[str, "[paxrd][-0-9a-z][-yn][-yn]"]
ALL_PENDING = "p---"


@dataclass(frozen=True)
class ConfirmPlace(CallbackData, prefix="ap:ok"):
    """An accepted person takes their place."""

    application_id: Number


@dataclass(frozen=True)
class WithdrawApplication(CallbackData, prefix="ap:wd"):
    """Withdraw an application or give back a place: asked first ("0"), then done ("1")."""

    application_id: Number
    sure: Literal["0", "1"] = "0"


@dataclass(frozen=True)
class ApplicationReview(CallbackData, prefix="ap:l"):
    """A page of an event's applications, filtered, with the balance of places."""

    event_id: EntryId
    filters: ReviewFilters = ALL_PENDING
    page: ListPage = 0


@dataclass(frozen=True)
class ApplicationCard(CallbackData, prefix="ap:c"):
    """One application in full, with the decisions; the list it came from to go back to."""

    application_id: Number
    filters: ReviewFilters = ALL_PENDING
    page: ListPage = 0


@dataclass(frozen=True)
class DecideApplication(CallbackData, prefix="ap:d"):
    """Accept, reserve or decline one application, as it was when the button was shown."""

    application_id: Number
    decision: Decision
    version: Number
    filters: ReviewFilters = ALL_PENDING


@dataclass(frozen=True)
class BulkDecide(CallbackData, prefix="ap:b"):
    """Decide every application a filtered list shows (a form asks a line and confirms)."""

    event_id: EntryId
    decision: Decision
    filters: ReviewFilters = ALL_PENDING


@dataclass(frozen=True)
class ApplicationNote(CallbackData, prefix="ap:t"):
    """Write the personal line sent with an application's decision."""

    application_id: Number


@dataclass(frozen=True)
class OverrideCompanyLimit(CallbackData, prefix="ap:o"):
    """Accept past the per-company limit, with a reason (a form asks it)."""

    application_id: Number


@dataclass(frozen=True)
class NotifyApplicants(CallbackData, prefix="ap:n"):
    """Send the decisions not told yet: asked first ("0"), then queued ("1")."""

    event_id: EntryId
    sure: Literal["0", "1"] = "0"


@dataclass(frozen=True)
class ApplicationSheet(CallbackData, prefix="ap:x"):
    """The applications as a spreadsheet ("x"), or a marked one read back ("i")."""

    action: Literal["x", "i"]
    event_id: EntryId


# -- B2B matchmaking, staff ---------------------------------------------------------------------

STAFF_B2B_ACTIONS = ("grid", "export", "cards", "fill", "propose", "followup", "settings")


@dataclass(frozen=True)
class StaffB2b(CallbackData, prefix="sb:g"):
    """Staff: an event's matchmaking (the grid), or one of its actions."""

    event_id: EntryId
    action: Annotated[str, "|".join(STAFF_B2B_ACTIONS)]


@dataclass(frozen=True)
class StaffB2bPeople(CallbackData, prefix="sb:p"):
    """Staff: the event's listed participants, to mark one absent."""

    event_id: EntryId
    page: ListPage = 0


@dataclass(frozen=True)
class StaffB2bAbsent(CallbackData, prefix="sb:n"):
    """Staff: mark the participant of this profile absent (asked first, then "1")."""

    profile_id: Number
    confirmed: Literal["0", "1"] = "0"


@dataclass(frozen=True)
class StaffB2bMeetings(CallbackData, prefix="sb:m"):
    """Staff: the event's meetings, to move one."""

    event_id: EntryId
    page: ListPage = 0


@dataclass(frozen=True)
class StaffB2bMove(CallbackData, prefix="sb:v"):
    """Staff: move a meeting: choose a place (0), or move it to slot * 1000 + table."""

    meeting_id: Number
    to: Annotated[int, r"\d{1,7}"] = 0


# -- the member directory (year-round matchmaking) -----------------------------------------------

DIRECTORY_SCREENS = ("suggested", "browse", "search", "profile", "unlist")


@dataclass(frozen=True)
class DirHub(CallbackData, prefix="dr:h"):
    """The member directory: one's listing and the ways to find companies."""


@dataclass(frozen=True)
class DirScreen(CallbackData, prefix="dr:v"):
    """A screen of the member directory."""

    screen: Annotated[str, "|".join(DIRECTORY_SCREENS)]
    page: ListPage = 0


@dataclass(frozen=True)
class DirCompany(CallbackData, prefix="dr:p"):
    """A listed member's directory profile."""

    profile_id: Number


@dataclass(frozen=True)
class DirContact(CallbackData, prefix="dr:c"):
    """Ask the team for an introduction ("i"), or write a first message relayed ("m")."""

    profile_id: Number
    how: Literal["i", "m"]


# -- an event's own registration questions (staff) --------------------------------------------


@dataclass(frozen=True)
class EventQuestions(CallbackData, prefix="se:q"):
    """An event's registration questions, with add and remove."""

    event_id: EntryId


@dataclass(frozen=True)
class AddQuestion(CallbackData, prefix="se:qa"):
    """Add a registration question to an event (a form asks it step by step)."""

    event_id: EntryId


@dataclass(frozen=True)
class RemoveQuestion(CallbackData, prefix="se:qx"):
    """Remove an event's question by its number: asked first ("0"), then done ("1")."""

    event_id: EntryId
    number: Annotated[int, r"\d{1,2}"]
    sure: Literal["0", "1"] = "0"


# -- surveys (staff) -------------------------------------------------------------------------

SURVEY_VIEWS = ("sum", "chart", "text", "xlsx", "raw", "bench")


@dataclass(frozen=True)
class StaffSurveys(CallbackData, prefix="ss:l"):
    """Staff: the surveys of the catalogue, with their rounds."""


@dataclass(frozen=True)
class StaffSurvey(CallbackData, prefix="ss:s"):
    """Staff: one survey's page (its latest round's response rate, send it again)."""

    survey_id: EntryId


@dataclass(frozen=True)
class SendSurvey(CallbackData, prefix="ss:go"):
    """Staff: send a survey to its audience ("y" once confirmed)."""

    survey_id: EntryId
    confirmed: Literal["n", "y"] = "n"


@dataclass(frozen=True)
class SurveyResults(CallbackData, prefix="ss:r"):
    """Staff: a round's results: summary, charts, free texts, workbook, raw, benchmark."""

    round_id: Number
    view: Annotated[str, "|".join(SURVEY_VIEWS)] = "sum"
