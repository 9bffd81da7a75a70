"""The impact report of a period as the chat shows it (text and chart) and as a workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.dates import format_date

from bot.domain.impact import Period, PeriodReport
from bot.domain.impact_workbook import ReportNames
from bot.domain.projects import Progress, project_progress
from bot.screens.texts import Texts
from storage.content import Catalogue, bundled_content_path

_LOCALES = {"tr": "tr_TR", "en": "en_GB"}
_SHORT_DATES = {"tr": "dd.MM.yyyy", "en": "d MMM yyyy"}
# Telegram's longest message, in characters.
MESSAGE_LIMIT = 4096
# Evidence named in the chat under each target; the workbook lists all of it.
EVIDENCE_NAMED = 3


@dataclass(frozen=True)
class Goal:
    """A target as the chat shows it: the figures and the first activities behind them."""

    progress: Progress
    titles: tuple[str, ...]
    more: int


@dataclass(frozen=True)
class ImpactScreens:
    """Renders one period's report in one language."""

    texts: Texts
    catalogue: Catalogue
    language: str
    # Where the content file is: a project's logo path is relative to it (None: the bundled one).
    content_dir: Path | None = None

    @property
    def names(self) -> ReportNames:
        """Return how the report names things in this language."""
        language = self.language
        catalogue = self.catalogue
        return ReportNames(
            language=language,
            label=lambda name: self.texts.label(language, name),
            cluster=catalogue.cluster.name.get(language),
            event_titles={event.id: event.title.get(language) for event in catalogue.events},
            sectors={sector.id: sector.name.get(language) for sector in catalogue.sectors},
            services={service.id: service.title.get(language) for service in catalogue.services},
            timezone=self.texts.timezone,
        )

    def day(self, day: date) -> str:
        """Return a day written out."""
        return format_date(day, "long", locale=_LOCALES[self.language])

    def dates(self, period: Period) -> tuple[str, str]:
        """Return the period's first and last day written out."""
        locale = _LOCALES[self.language]
        return (
            format_date(period.first, "long", locale=locale),
            format_date(period.last, "long", locale=locale),
        )

    def text(self, report: PeriodReport) -> str:
        """Return the report as a chat message (briefer when the full one would not fit)."""
        full = self._text(report, brief=False)
        return full if len(full) <= MESSAGE_LIMIT else self._text(report, brief=True)

    def _text(self, report: PeriodReport, *, brief: bool) -> str:
        names = self.names
        label = names.label
        first, last = self.dates(report.period)
        project = report.project
        return self.texts.render(
            self.language,
            "stats_period",
            report=report,
            first=first,
            last=last,
            brief=brief,
            project_name=project.name.get(self.language) if project else None,
            funder=project.funder.get(self.language) if project else None,
            goals=self.goals(report),
            indicator=lambda key: label(f"report_indicator_{key}"),
            sector=names.sector,
            service=names.service,
            size=lambda key: label(f"company_size_{key}") if key else label("report_unknown"),
            membership=lambda key: label(f"company_membership_{key}"),
            kind=lambda key: label(f"report_kind_{key}"),
        )

    def goals(self, report: PeriodReport) -> list[Goal]:
        """Return the project's targets with the first activities that count for each."""
        names = self.names
        # With its day: a training repeated under one title is told apart.
        days = {
            event.event_id: format_date(
                event.starts_at.astimezone(self.texts.timezone).date(),
                _SHORT_DATES[self.language],
                locale=_LOCALES[self.language],
            )
            for event in report.events
        }
        goals = []
        for progress in project_progress(report):
            events = [item.ref for item in progress.evidence if item.kind == "event"]
            titles = tuple(
                f"{names.event_titles.get(ref, ref)} ({days[ref]})"
                for ref in events[:EVIDENCE_NAMED]
            )
            goals.append(Goal(progress, titles, max(len(events) - EVIDENCE_NAMED, 0)))
        return goals

    def chart(self, report: PeriodReport) -> bytes:
        """Return the chart image for the chat."""
        # Imported here: matplotlib (with numpy) would weigh tens of MB in every running bot.
        from bot.domain.impact_chart import impact_chart

        names = self.names
        return impact_chart(report, self.language, names.label, names.sector)

    def workbook(self, report: PeriodReport) -> bytes:
        """Return the workbook for funders."""
        from bot.domain.impact_workbook import impact_workbook

        return impact_workbook(report, self.names, self.logo(report))

    def logo(self, report: PeriodReport) -> Path | None:
        """Return the project's logo file, if it has one and it is there."""
        if report.project is None or report.project.logo is None:
            return None
        path = Path(report.project.logo)
        if not path.is_absolute():
            path = (self.content_dir or bundled_content_path().parent) / path
        # A logo moved or missing since the import leaves the report without it, not broken.
        return path if path.is_file() else None

    def workbook_caption(self, period: Period) -> str:
        """Return the caption sent with the workbook."""
        first, last = self.dates(period)
        return self.texts.render(self.language, "stats_workbook", first=first, last=last)
