"""The `clustem-bot` command line: run, demo, content, companies, report, ask, db backup, check."""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import logging
import re
import shutil
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bot.context import CURRENT_UPDATE, Services
from bot.domain.answering import Answer, AnswerIndex, tokenize
from bot.domain.answering.normalise import guess_language
from bot.domain.impact import Period, PeriodError
from bot.screens.answers import AnswerScreen, AnswerScreens
from bot.screens.texts import Texts
from bot.settings import Settings, SettingsError, load_settings
from storage.backups import (
    BackupCheck,
    BackupError,
    backup_name,
    check_backup,
    make_backup,
    restore_backup,
)
from storage.content import (
    Catalogue,
    ContentError,
    bundled_content_path,
    catalogue_to_document,
    dump_catalogue,
    load_catalogue,
    parse_catalogue,
)
from storage.database import DatabaseTooNew

logger = logging.getLogger("bot")


@asynccontextmanager
async def _opened(settings: Settings, first_content: Path | None = None) -> AsyncIterator[Services]:
    """Build the services, open the database (filled when empty) and load the catalogue, for
    one subcommand; the database is closed when it is done."""
    from bot.app import prepare_storage

    services = Services.create(settings)
    await prepare_storage(services, first_content)
    try:
        yield services
    finally:
        await services.database.close()


class _RedactToken(logging.Filter):
    """Replace the bot token wherever a log line would carry it (URLs, exceptions)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "<token>")
            record.args = ()
        return True


def configure_logging(settings: Settings) -> None:
    """Log to stderr at the configured level (one line per event), never showing the token."""
    handler = logging.StreamHandler()
    formatter = (
        _JsonLines()
        if settings.log_format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    if settings.bot_token is not None:
        token = settings.bot_token.reveal()
        handler.addFilter(_RedactToken(token))
        formatter = _Redacting(formatter, token)
    handler.setFormatter(formatter)
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # httpx logs every request URL, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


class _Redacting(logging.Formatter):
    """Take the token out of a whole formatted line, tracebacks included."""

    def __init__(self, inner: logging.Formatter, token: str) -> None:
        super().__init__()
        self._inner, self._token = inner, token

    def format(self, record: logging.LogRecord) -> str:
        return self._inner.format(record).replace(self._token, "<token>")


class _JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, event, the update and person ids."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        current = CURRENT_UPDATE.get()
        if current is not None:
            entry["update_id"], entry["person_id"] = current
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clustem-bot", description="Telegram assistant for an industrial business cluster."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="run the bot (polling) with BOT_TOKEN")
    demo = commands.add_parser("demo", help="chat with the bot in the terminal, no token needed")
    demo.add_argument("--user-language", choices=("tr", "en"), default="tr")
    demo.add_argument(
        "--broadcast-approval",
        action="store_true",
        help="a broadcast to everyone waits for a second staff member (the demo's colleague)",
    )
    content = commands.add_parser("content", help="import or export the catalogue")
    content_commands = content.add_subparsers(dest="action", required=True, metavar="ACTION")
    importing = content_commands.add_parser("import", help="upsert a YAML catalogue by id")
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--prune",
        action="store_true",
        help="also remove entries the file no longer has (never events with registrations)",
    )
    importing.add_argument("--dry-run", action="store_true", help="show changes, apply none")
    exporting = content_commands.add_parser("export", help="write the catalogue as YAML")
    exporting.add_argument("file", type=Path)
    companies = commands.add_parser("companies", help="import or export the company registry")
    company_commands = companies.add_subparsers(dest="action", required=True, metavar="ACTION")
    company_import = company_commands.add_parser(
        "import", help="upsert companies from XLSX, CSV or YAML (by tax number, else name)"
    )
    company_import.add_argument("file", type=Path)
    company_import.add_argument("--dry-run", action="store_true", help="show changes, apply none")
    company_export = company_commands.add_parser(
        "export", help="write the registry as XLSX, CSV or YAML, suspected duplicates marked"
    )
    company_export.add_argument("file", type=Path)
    company_match = company_commands.add_parser(
        "match", help="link people's typed company names to the registry where the match is sure"
    )
    company_match.add_argument("--dry-run", action="store_true", help="show links, make none")
    company_merge = company_commands.add_parser(
        "merge", help="merge company SOURCE into TARGET (people and registrations follow)"
    )
    company_merge.add_argument("source", type=int)
    company_merge.add_argument("target", type=int)
    report = commands.add_parser(
        "report", help="write the impact report of a period, or of a funded project, as XLSX"
    )
    report.add_argument(
        "--from", dest="first", help="first day, YYYY-MM-DD (with --project: its start)"
    )
    report.add_argument("--to", dest="last", help="last day, YYYY-MM-DD (with --project: its end)")
    report.add_argument(
        "--project", help="count only this project's activities, against its targets"
    )
    report.add_argument("--out", type=Path, required=True, help="the workbook to write (.xlsx)")
    report.add_argument("--lang", choices=("tr", "en"), default=None)
    verify = commands.add_parser("verify", help="check a certificate of participation's code")
    verify.add_argument("code", help="the verification code printed on the certificate")
    verify.add_argument("--lang", choices=("tr", "en"), default=None)
    survey = commands.add_parser("survey", help="send a survey of the catalogue")
    survey_commands = survey.add_subparsers(dest="action", required=True, metavar="ACTION")
    survey_send = survey_commands.add_parser(
        "send", help="send a survey to its audience (invitations through the outbox)"
    )
    survey_send.add_argument("survey_id", metavar="ID")
    survey_commands.add_parser("list", help="list the surveys with their rounds")
    survey_import = survey_commands.add_parser(
        "import", help="upsert surveys by id from a YAML file with a surveys: list"
    )
    survey_import.add_argument("file", type=Path)
    survey_import.add_argument("--dry-run", action="store_true", help="show changes, apply none")
    ask = commands.add_parser("ask", help="show how the assistant answers a question")
    ask.add_argument("question", help='the question, or "-" to read one per line from stdin')
    ask.add_argument("--lang", choices=("tr", "en"), default=None)
    ask.add_argument("--json", action="store_true", help="print JSON")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    backup = db_commands.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("file", type=Path)
    restore = db_commands.add_parser(
        "restore", help="replace the database with a backup (stop the assistant first)"
    )
    restore.add_argument("file", type=Path)
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    commands.add_parser("check", help="validate settings and content")
    commands.add_parser("setup", help="first run: token, first admin, staff group, .env, check")
    status = commands.add_parser(
        "status", help="show health: Telegram, last update, outbox, backups, database size"
    )
    status.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "setup":
            return _setup()
        settings = load_settings()
        if arguments.command == "run":
            settings.require_token()
        configure_logging(settings)
        return _dispatch(arguments, settings)
    except SettingsError as error:
        print(f"clustem-bot: setting {error}", file=sys.stderr)
        return 2
    except ContentError as error:
        print(f"clustem-bot: content error: {error}", file=sys.stderr)
        return 2
    except DatabaseTooNew as error:
        print(f"clustem-bot: {error}", file=sys.stderr)
        return 2


def _dispatch(arguments: argparse.Namespace, settings: Settings) -> int:
    command = arguments.command
    if command == "run":
        from bot.app import build_application, run_until_stopped

        asyncio.run(run_until_stopped(build_application(settings)))
        return 0
    if command == "demo":
        from bot.devtools.demo import run_demo

        # The terminal is the chat: keep routine log lines out of it.
        if settings.log_level == "INFO":
            logging.getLogger().setLevel(logging.WARNING)
        return asyncio.run(
            run_demo(
                settings,
                user_language=arguments.user_language,
                broadcast_approval=arguments.broadcast_approval,
            )
        )
    if command == "check":
        return _check(settings)
    if command == "status":
        from bot.status import print_status

        return asyncio.run(print_status(settings, as_json=arguments.json))
    if command == "ask":
        return _ask(arguments, settings)
    if command == "companies":
        return _companies(arguments, settings)
    if command == "report":
        return _report(arguments, settings)
    if command == "verify":
        return _verify(arguments, settings)
    if command == "db" and arguments.action == "restore":
        return _restore(arguments.file, settings, confirmed=arguments.yes)
    if command == "survey":
        return asyncio.run(_survey(arguments, settings))
    return asyncio.run(_storage_command(arguments, settings))


def _check(settings: Settings) -> int:
    path = settings.content_file or bundled_content_path()
    catalogue = load_catalogue(Path(path))
    print(
        f"Settings are valid. Content {path}: {len(catalogue.events)} events, "
        f"{len(catalogue.services)} services, {len(catalogue.faq)} FAQ entries, "
        f"{len(catalogue.sectors)} sectors."
    )
    return 0


def _setup() -> int:
    """Run the setup wizard, then check the settings it wrote."""
    from bot.setup import SetupAbandoned, run_setup

    async def ask(prompt: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(None, input, prompt)

    # Only the Bot API's address is read before: everything else is what the wizard writes.
    api_url = load_settings(env_file=Path(".env") if Path(".env").is_file() else None)
    try:
        asyncio.run(run_setup(api_url.telegram_api_url, Path(".env"), ask, print))
    except (SetupAbandoned, TimeoutError, KeyboardInterrupt, EOFError) as error:
        print(
            f"\nclustem-bot: setup stopped ({error or 'waited too long'}); run it again any time."
        )
        return 1
    print("Checking the settings ...")
    return main(["check"])


def _holds(check: BackupCheck) -> str:
    return (
        f"schema {check.version}: {check.people} people, {check.events} events, "
        f"{check.registrations} registrations"
    )


def _restore(source: Path, settings: Settings, *, confirmed: bool) -> int:
    """Replace the database with a verified backup, keeping a copy of the one replaced."""
    try:
        check = check_backup(source)
    except BackupError as error:
        print(f"clustem-bot: db restore refused: {error}", file=sys.stderr)
        return 2
    target = settings.database_path
    print(f"Backup {source}: {_holds(check)}.")
    if target.is_file():
        try:
            print(f"It replaces the database {target}: {_holds(check_backup(target))}.")
        except BackupError as error:
            print(f"It replaces the database {target} ({error}).")
    print("Stop the assistant before restoring; start it again afterwards.")
    if not confirmed:
        print("Type yes to restore: ", end="", flush=True)
        if sys.stdin.readline().strip().lower() not in ("yes", "evet"):
            print("Nothing was changed.")
            return 1
    if target.is_file():
        kept = settings.backup_dir / backup_name(datetime.now(UTC), "before-restore")
        try:
            asyncio.run(_copy_current(settings, kept))
        except (BackupError, DatabaseTooNew):
            # Damaged or foreign: kept byte for byte, whatever it holds.
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target, kept)
        print(f"The database it replaces was copied to {kept}.")
    restore_backup(source, target)
    print(f"Restored {target} from {source}.")
    return 0


async def _copy_current(settings: Settings, target: Path) -> None:
    from storage.database import Database

    database = Database(settings.database_path)
    # Opened without migrating: the copy is the database exactly as it was.
    await database.open(migrate=False)
    try:
        await make_backup(database, target)
    finally:
        await database.close()


def _kind(answer: Answer) -> str:
    """Return the kind of what the person sees; for suggestions, the kind of the first one."""
    if answer.decision == "suggest" and answer.matches:
        return answer.matches[0].kind
    return answer.kind


def _answer_json(answer: Answer, screen: AnswerScreen) -> str:
    return json.dumps(
        {
            "decision": answer.decision,
            "matches": [{"id": m.id, "score": round(m.score, 4)} for m in answer.matches],
            "kind": _kind(answer),
            "answer": screen.plain_text(),
            "buttons": screen.labels(),
        },
        ensure_ascii=False,
    )


def _ask(arguments: argparse.Namespace, settings: Settings) -> int:
    catalogue = asyncio.run(_current_catalogue(settings))
    index = AnswerIndex.build(catalogue)
    texts = Texts(settings.timezone)
    now = datetime.now(UTC)
    questions = (
        (line.strip() for line in sys.stdin) if arguments.question == "-" else [arguments.question]
    )
    for question in questions:
        language = arguments.lang or guess_language(
            question, tokenize(question), settings.default_language
        )
        answer = index.ask(question, language, now)
        screen = AnswerScreens(texts, catalogue, language).summary(answer, now)
        if arguments.json:
            print(_answer_json(answer, screen), flush=True)
        else:
            print(_answer_text(answer, screen), flush=True)
    return 0


def _answer_text(answer: Answer, screen: AnswerScreen) -> str:
    lines = [screen.plain(), "", f"decision: {answer.decision}  kind: {_kind(answer)}"]
    lines += [f"  {m.score:.3f}  {m.id}" for m in answer.matches]
    return "\n".join(lines)


async def _current_catalogue(settings: Settings) -> Catalogue:
    """Return the database's catalogue when there is one, else the content file's."""
    if settings.database_path.is_file():
        from bot.context import Services

        services = Services.create(settings)
        await services.database.open()
        try:
            if not await services.catalogue_store.is_empty():
                return await services.catalogue_store.load()
        finally:
            await services.database.close()
    return load_catalogue(Path(settings.content_file or bundled_content_path()))


def _report(arguments: argparse.Namespace, settings: Settings) -> int:
    if arguments.project is None and (arguments.first is None or arguments.last is None):
        print("clustem-bot: report: give --from and --to, or --project", file=sys.stderr)
        return 2
    if arguments.out.suffix.lower() != ".xlsx":
        print("clustem-bot: report: --out must be an .xlsx file", file=sys.stderr)
        return 2
    language = arguments.lang or settings.default_language
    try:
        content, summary = asyncio.run(_report_workbook(arguments, language, settings))
    except PeriodError as error:
        reason = {
            "end_before_start": "the end (--to) is before the start (--from)",
            "not_a_date": "dates are written YYYY-MM-DD",
        }.get(str(error), str(error))
        print(f"clustem-bot: report: {reason}", file=sys.stderr)
        return 2
    arguments.out.write_bytes(content)
    print(summary)
    print(f"Report written to {arguments.out}")
    return 0


async def _report_workbook(
    arguments: argparse.Namespace, language: str, settings: Settings
) -> tuple[bytes, str]:
    from bot.domain.impact import ProjectCut, period_report
    from bot.screens.impact import ImpactScreens
    from storage.impact import ImpactRepository

    async with _opened(settings) as services:
        cut = None
        if arguments.project is not None:
            project = services.catalogue.project(arguments.project)
            if project is None:
                known = ", ".join(p.id for p in services.catalogue.projects) or "none"
                raise PeriodError(f"unknown project {arguments.project!r} (projects: {known})")
            cut = ProjectCut.of(services.catalogue, project)
        whole = cut.period if cut is not None else None
        period = Period.parse(
            arguments.first or (whole.first.isoformat() if whole else ""),
            arguments.last or (whole.last.isoformat() if whole else ""),
        )
        report = await period_report(
            ImpactRepository(services.database),
            services.companies,
            period,
            settings.timezone,
            cut,
        )
    content = settings.content_file
    screens = ImpactScreens(
        services.texts,
        services.catalogue,
        language,
        content.parent if content is not None else None,
    )
    return screens.workbook(report), _plain(screens.text(report))


def _verify(arguments: argparse.Namespace, settings: Settings) -> int:
    """Print what a certificate code proves; exit 0 only for a valid certificate."""
    language = arguments.lang or settings.default_language
    text, valid = asyncio.run(_verification(arguments.code, language, settings))
    print(_plain(text))
    return 0 if valid else 1


async def _verification(code: str, language: str, settings: Settings) -> tuple[str, bool]:
    from bot.domain.certificates import verify
    from bot.screens.certificates import verification_text
    from storage.certificates import CertificateRepository

    async with _opened(settings) as services:
        found = await verify(CertificateRepository(services.database), code)
    cluster = services.catalogue.cluster
    return verification_text(services.texts, cluster, found, language), found.valid


def _plain(text: str) -> str:
    """Return a chat text as plain terminal text."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _companies(arguments: argparse.Namespace, settings: Settings) -> int:
    from bot.domain.company_files import FILE_SUFFIXES

    if arguments.action in ("match", "merge"):
        text, failed = asyncio.run(_company_links(arguments, settings))
        print(html.unescape(text), file=sys.stderr if failed else sys.stdout)
        return 2 if failed else 0

    path: Path = arguments.file
    if not path.name.lower().endswith(FILE_SUFFIXES):
        print(f"clustem-bot: {path}: use a .xlsx, .csv or .yaml file", file=sys.stderr)
        return 2
    if arguments.action == "export":
        content = asyncio.run(_export_companies(path.name, settings))
        path.write_bytes(content)
        print(f"Company registry written to {path}")
        return 0
    if not path.is_file():
        print(f"clustem-bot: no file {path}", file=sys.stderr)
        return 2
    text, problems = asyncio.run(
        _import_companies(path.read_bytes(), path.name, arguments.dry_run, settings)
    )
    print(html.unescape(text))
    return 2 if problems else 0


async def _export_companies(filename: str, settings: Settings) -> bytes:
    from bot.domain.companies import suspected_duplicates
    from bot.domain.company_files import company_sheet, write_company_file

    language = settings.default_language
    async with _opened(settings) as services:
        companies = await services.companies.all()
    sectors = {sector.id: sector.name.get(language) for sector in services.catalogue.sectors}
    sheet = company_sheet(
        companies,
        lambda name: services.texts.label(language, name),
        lambda sector_id: sectors.get(sector_id or "", sector_id or ""),
        suspected_duplicates(companies),
    )
    return write_company_file(filename, sheet, companies, ";" if language == "tr" else ",")


async def _company_links(arguments: argparse.Namespace, settings: Settings) -> tuple[str, bool]:
    from bot.domain.companies import match_typed
    from storage.companies import MergeError

    language = settings.default_language
    async with _opened(settings) as services:
        links = services.company_links
        if arguments.action == "merge":
            source = await services.companies.get(arguments.source)
            target = await services.companies.get(arguments.target)
            try:
                people, registrations = await links.merge(arguments.source, arguments.target)
            except MergeError as error:
                problem = str(error).split(":")[0]
                text = services.texts.render(
                    language, "company_merge", problem=problem, source=source, target=target
                )
                return text, True
            text = services.texts.render(
                language,
                "company_merge",
                problem=None,
                source=source,
                target=target,
                people=people,
                registrations=registrations,
            )
            return text, False
        matching = match_typed(await links.typed_only(), await services.companies.all())
        if not arguments.dry_run:
            await links.link(
                [(typed.person_id, company.id or 0) for typed, company in matching.sure]
            )
        text = services.texts.render(
            language, "company_match", matching=matching, applied=not arguments.dry_run, listed=50
        )
        return text, False


async def _import_companies(
    content: bytes, filename: str, dry_run: bool, settings: Settings
) -> tuple[str, bool]:
    from bot.domain.company_files import catalogue_sectors, import_companies, read_company_file

    async with _opened(settings) as services:
        sectors = catalogue_sectors(services.catalogue)
        company_file = read_company_file(content, filename, sectors)
        plan = await import_companies(services.companies, company_file, dry_run=dry_run)
    applied = not dry_run and not plan.problems
    text = services.texts.render(
        settings.default_language, "company_import", plan=plan, applied=applied, listed=50
    )
    return text, bool(plan.problems)


async def _survey(arguments: argparse.Namespace, settings: Settings) -> int:
    from bot.domain import surveys

    async with _opened(settings) as services:
        now = datetime.now(UTC)
        if arguments.action == "import":
            return await _import_surveys(services, arguments.file, dry_run=arguments.dry_run)
        if arguments.action == "list":
            for listed in services.catalogue.surveys:
                rounds = await services.surveys.rounds_of(listed.id)
                latest = rounds[0] if rounds else None
                state = "open" if listed.is_open(now) else "closed"
                sent = "never sent"
                if latest is not None:
                    tally = await services.surveys.tally(latest.id)
                    sent = f"round {latest.number}: {tally.completed}/{tally.invited} finished"
                print(f"{listed.id}\t{state}\t{sent}\t{listed.title.get('en')}")
            return 0
        survey = services.catalogue.survey(arguments.survey_id)
        if survey is None:
            known = ", ".join(s.id for s in services.catalogue.surveys) or "none"
            print(
                f"clustem-bot: survey: no survey {arguments.survey_id!r} (known: {known})",
                file=sys.stderr,
            )
            return 2
        try:
            launched, invited = await surveys.send(
                services.surveys, survey, now, settings.survey_reminder
            )
        except surveys.AskedAfterEvents:
            print(
                f"clustem-bot: survey: {survey.id} is asked after each event by the post-event "
                "message; it is not sent to an audience",
                file=sys.stderr,
            )
            return 2
        except surveys.NotOpen:
            print(
                f"clustem-bot: survey: {survey.id} is not open now (see opens_at and closes_at)",
                file=sys.stderr,
            )
            return 2
        print(
            f"Survey {survey.id}, round {launched.number}: {invited} invitations queued; "
            "the running bot sends them at the broadcast rate."
        )
        return 0


async def _import_surveys(services: Services, path: Path, *, dry_run: bool) -> int:
    """Upsert the file's surveys into the stored catalogue, checked against its ids."""
    source = str(path)
    try:
        data = yaml.safe_load(await asyncio.to_thread(path.read_text, encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(source, "", "file", "is not valid YAML") from error
    if not isinstance(data, dict) or set(data) - {"version", "surveys"}:
        raise ContentError(source, "", "document", "must hold only a surveys: list")
    document = catalogue_to_document(services.catalogue)
    given = data.get("surveys") or []
    if not isinstance(given, list):
        raise ContentError(source, "", "surveys", "must be a list")
    ids = {entry.get("id") for entry in given if isinstance(entry, dict)}
    kept = [entry for entry in document["surveys"] if entry["id"] not in ids]
    document["surveys"] = [*kept, *given]
    catalogue = parse_catalogue(document, source)
    store = services.catalogue_store
    if dry_run:
        report = await store.preview_import(catalogue)
    else:
        report = await store.import_catalogue(catalogue)
    verb = "Would change" if dry_run else "Changed"
    surveys = [item for item in (*report.added, *report.changed) if item.startswith("survey:")]
    print(f"{verb}: {len(surveys)} surveys ({', '.join(surveys) or 'none'}).")
    return 0


async def _storage_command(arguments: argparse.Namespace, settings: Settings) -> int:
    if arguments.command == "db" and not settings.database_path.is_file():
        print(f"clustem-bot: no database at {settings.database_path}", file=sys.stderr)
        return 2
    importing = arguments.command == "content" and arguments.action == "import"
    first_content = None
    if importing and not arguments.dry_run:
        load_catalogue(arguments.file)  # validate before anything is created
        first_content = arguments.file
    async with _opened(settings, first_content) as services:
        if arguments.command == "db":
            check = await make_backup(services.database, arguments.file)
            print(f"Backup written to {arguments.file} and verified ({_holds(check)}).")
        elif arguments.action == "export":
            arguments.file.write_text(dump_catalogue(services.catalogue), encoding="utf-8")
            print(f"Catalogue written to {arguments.file}")
        else:
            catalogue = load_catalogue(arguments.file)
            store = services.catalogue_store
            if arguments.dry_run:
                report = await store.preview_import(catalogue, prune=arguments.prune)
            else:
                report = await store.import_catalogue(catalogue, prune=arguments.prune)
            verb = "Would change" if arguments.dry_run else "Changed"
            print(
                f"{verb}: {len(report.added)} added, {len(report.changed)} changed, "
                f"{len(report.removed)} removed, {report.unchanged} unchanged."
            )
            for label, items in (
                ("added", report.added),
                ("changed", report.changed),
                ("removed", report.removed),
                ("kept (registrations or cancelled)", report.kept),
            ):
                for item in items:
                    print(f"  {label}: {item}")
    return 0
