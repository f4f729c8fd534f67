"""The timeline: periods of Serge's life and the SVG drawn on the server. Pure: events in, markup out.

The periods are the issue's (before 1917, 1917–1921, 1922–1936, 1936–1947, after). The issue names 1936
at both ends of two periods; a year belongs to one, so 1936 (the year Serge is expelled from the USSR)
opens the fourth period, and the third is labelled 1922–1935. These differ from the card topics in
cards.generation (which split 1905 off the early years): topics tag cards for study settings, periods
group the story; each keeps its own boundaries.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

FIRST_YEAR = 1881  # Alexander II's assassination, the first event the story needs


@dataclass(frozen=True)
class Period:
    slug: str
    label: str
    start: int | None  # first year, inclusive
    end: int | None  # last year, inclusive

    def holds(self, year: int) -> bool:
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)


PERIODS = (
    Period("before-1917", "before 1917", None, 1916),
    Period("1917-1921", "1917–1921", 1917, 1921),
    Period("1922-1935", "1922–1935", 1922, 1935),
    Period("1936-1947", "1936–1947", 1936, 1947),
    Period("after-1947", "after 1947", 1948, None),
)
BY_SLUG = {period.slug: period for period in PERIODS}


def slug_for_year(year: int) -> str:
    return next(period.slug for period in PERIODS if period.holds(year))


@dataclass(frozen=True)
class Version:
    when: str
    start: dt.date
    end: dt.date  # last day the date may mean, from its precision
    sources: tuple[str, ...]  # titles of the sources giving this version


@dataclass(frozen=True)
class Mark:
    """One event as the timeline draws it; disputed events carry every sourced version."""

    key: str
    when: str
    description: str
    versions: tuple[Version, ...]
    css: str = "m-none"  # mastery colour class
    note: str = ""  # mastery in words

    @property
    def start(self) -> dt.date:
        return min(v.start for v in self.versions)

    @property
    def end(self) -> dt.date:
        return max(v.end for v in self.versions)

    @property
    def disputed(self) -> bool:
        return len({v.when for v in self.versions}) > 1

    @property
    def period(self) -> str:
        return slug_for_year(self.versions[0].start.year)


def end_of(start: dt.date, precision: str) -> dt.date:
    """The last day a date of this precision may mean: 'March 1933' ends on 31 March."""
    if precision == "day":
        return start
    if precision == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision == "decade":
        return dt.date(start.year - start.year % 10 + 9, 12, 31)
    return dt.date(start.year, 12, 31)


def mark_of(event, *, css="m-none", note="") -> Mark:
    """A Mark from an Event whose citations (with sources) are prefetched."""
    versions = []
    for values, citations in event.versions():
        start = dt.date.fromisoformat(values["date"]) if isinstance(values["date"], str) else values["date"]
        sources = tuple(dict.fromkeys(c.source.title for c in citations))
        end = values.get("end")
        end = (dt.date.fromisoformat(end) if isinstance(end, str) else end) or end_of(start, values["precision"])
        versions.append(Version(values["when"], start, end, sources))
    return Mark(event.key, event.when, event.description, tuple(versions), css, note)


def span_years(marks) -> tuple[int, int]:
    """From 1881 to the year after the latest event (so the last one is not on the edge)."""
    last = max((m.end.year for m in marks), default=FIRST_YEAR)
    return FIRST_YEAR, max(last + 1, FIRST_YEAR + 1)


def _year_fraction(day: dt.date) -> float:
    length = 366 if calendar.isleap(day.year) else 365
    return day.year + (day.timetuple().tm_yday - 1) / length


def _title(mark: Mark) -> str:
    if mark.disputed:
        dates = "; ".join(f"{v.when} ({', '.join(v.sources) or 'no source'})" for v in mark.versions)
        text = f"Sources differ: {dates}. {mark.description}"
    else:
        text = f"{mark.when}: {mark.description}"
    return f"{text} ({mark.note})" if mark.note else text


WIDTH, MARGIN, LANE, AXIS = 1000, 12, 16, 44


def svg(marks, *, first_year: int, last_year: int, title: str, labelled: bool = False, period: str = "") -> str:
    """The timeline as one <svg>: period bands, year ticks, and each event as a dot (or a bar for a range,
    dashed when sources disagree), linked to its page and coloured by mastery.

    `labelled` puts one event per row with its date and description (the zoomed view of a period);
    otherwise events share rows, packed left to right (the overview).
    """
    span = max(last_year - first_year, 1)
    scale = (WIDTH - 2 * MARGIN) / span

    def x(day):
        return MARGIN + (_year_fraction(day) - first_year) * scale

    marks = sorted(marks, key=lambda m: (m.start, m.key))
    lanes_end: list[float] = []
    placed = []
    for index, mark in enumerate(marks):
        x0, x1 = x(mark.start), x(mark.end + dt.timedelta(days=1))
        if labelled:
            lane = index
        else:
            lane = next((i for i, end in enumerate(lanes_end) if end <= x0 - 5), len(lanes_end))
            if lane == len(lanes_end):
                lanes_end.append(0)
            lanes_end[lane] = max(x1, x0 + 5) + 3  # right edge of the shape, plus a gap
        placed.append((mark, lane, x0, x1))
    rows = max(len(placed) if labelled else len(lanes_end), 1)
    height = AXIS + rows * LANE + 10

    bands = []
    for i, band in enumerate(PERIODS):
        start = max(band.start or first_year, first_year)
        end = min((band.end + 1) if band.end else last_year, last_year)
        if end <= start:
            continue
        bx0, bx1 = MARGIN + (start - first_year) * scale, MARGIN + (end - first_year) * scale
        bands.append((band.slug, round(bx0, 1), round(bx1 - bx0, 1), height, "band-a" if i % 2 else "band-b",
                      round(bx0 + 4, 1), band.label))
    step = 1 if span <= 12 else 5 if span <= 40 else 10
    ticks = [(round(MARGIN + (year - first_year) * scale, 1), year)
             for year in range(first_year, last_year + 1) if year % step == 0]

    items = []
    for mark, lane, x0, x1 in placed:
        y = AXIS + lane * LANE + LANE / 2
        classes = f"event {mark.css}" + (" disputed" if mark.disputed else "")
        if x1 - x0 < 6:
            shape = format_html('<circle cx="{}" cy="{}" r="5"/>', round((x0 + x1) / 2, 1), y)
        else:
            shape = format_html('<rect x="{}" y="{}" width="{}" height="10" rx="4"/>',
                                round(x0, 1), y - 5, round(x1 - x0, 1))
        label = ""
        if labelled:
            right = x1 + 6 < WIDTH * 0.55
            # Cut the label to the room left on its side (13 px text is about 7 units a character).
            room = int(((WIDTH - MARGIN - x1 - 8) if right else (x0 - 8 - MARGIN)) / 7)
            text = f"{mark.when} · {mark.description}"
            text = text if len(text) <= room else text[:max(room - 1, 1)] + "…"
            label = format_html('<text x="{}" y="{}" text-anchor="{}">{}</text>',
                                round(x1 + 8 if right else x0 - 8, 1), y + 4, "start" if right else "end", text)
        items.append(format_html(
            '<a href="/events/{}/" class="{}" data-key="{}" data-period="{}"><title>{}</title>{}{}</a>',
            mark.key, classes, mark.key, mark.period, _title(mark), shape, label))

    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'class="timeline{}" data-first="{}" data-last="{}" data-period="{}">'
        '<title>{}</title>'
        '<g class="bands">{}</g><g class="ticks">{}</g>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/><g class="events">{}</g></svg>',
        WIDTH, round(height), title, " labelled" if labelled else "", first_year, last_year, period, title,
        format_html_join("", '<g data-period="{}"><rect x="{}" y="0" width="{}" height="{}" class="{}"/>'
                             '<text x="{}" y="14" class="band-label">{}</text></g>', bands),
        format_html_join("", '<text x="{}" y="34" class="tick">{}</text>', ticks),
        MARGIN, AXIS - 4, WIDTH - MARGIN, AXIS - 4,
        mark_safe("".join(items)),  # each item was built with format_html, so escaped already
    )


def period_span(period: Period, marks) -> tuple[int, int]:
    """The years the zoomed view of a period shows (its events' years when it is open-ended)."""
    first, last = span_years(marks)
    start = period.start if period.start is not None else first
    end = (period.end + 1) if period.end is not None else last
    return max(start, first), max(min(end, last), max(start, first) + 1)
