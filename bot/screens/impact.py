"""The impact report of a period as the chat shows it (text and chart) and as a workbook."""

from __future__ import annotations

from dataclasses import dataclass

from babel.dates import format_date

from bot.domain.impact import Period, PeriodReport
from bot.domain.impact_workbook import ReportNames
from bot.screens.texts import Texts
from storage.content import Catalogue

_LOCALES = {"tr": "tr_TR", "en": "en_GB"}


@dataclass(frozen=True)
class ImpactScreens:
    """Renders one period's report in one language."""

    texts: Texts
    catalogue: Catalogue
    language: str

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

    def dates(self, period: Period) -> tuple[str, str]:
        """Return the period's first and last day written out."""
        locale = _LOCALES[self.language]
        return (
            format_date(period.first, "long", locale=locale),
            format_date(period.last, "long", locale=locale),
        )

    def text(self, report: PeriodReport) -> str:
        """Return the report as a chat message."""
        names = self.names
        label = names.label
        first, last = self.dates(report.period)
        return self.texts.render(
            self.language,
            "stats_period",
            report=report,
            first=first,
            last=last,
            sector=names.sector,
            size=lambda key: label(f"company_size_{key}") if key else label("report_unknown"),
            membership=lambda key: label(f"company_membership_{key}"),
            kind=lambda key: label(f"report_kind_{key}"),
        )

    def chart(self, report: PeriodReport) -> bytes:
        """Return the chart image for the chat."""
        # Imported here: matplotlib (with numpy) would weigh tens of MB in every running bot.
        from bot.domain.impact_chart import impact_chart

        names = self.names
        return impact_chart(report, self.language, names.label, names.sector)

    def workbook(self, report: PeriodReport) -> bytes:
        """Return the workbook for funders."""
        from bot.domain.impact_workbook import impact_workbook

        return impact_workbook(report, self.names)

    def workbook_caption(self, period: Period) -> str:
        """Return the caption sent with the workbook."""
        first, last = self.dates(period)
        return self.texts.render(self.language, "stats_workbook", first=first, last=last)
