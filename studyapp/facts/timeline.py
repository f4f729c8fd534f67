"""The timeline: periods of Serge's life and the SVG drawn on the server. Pure: events in, markup out.

The periods are the issue's (before 1917, 1917–1921, 1922–1936, 1936–1947, after). The issue names 1936
at both ends of two periods; a year belongs to one, so 1936 (the year Serge is expelled from the USSR)
opens the fourth period, and the third is labelled 1922–1935. These differ from the card topics in
cards.generation (which split 1905 off the early years): topics tag cards for study settings, periods
group the story; each keeps its own boundaries.

Those periods are the Serge base's story. Any other collection's timeline is grouped by decade (`DECADES`): its
subject's own periods are not known, a decade is a neutral unit at the scale the cards date things (years,
decades), and only decades that hold an event are drawn, so even a collection spanning centuries has no
more rows than events. `grouping_for(collection key)` picks the grouping; every function below takes one.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from studyapp.facts.models import SERGE

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


DECADE_SLUG = re.compile(r"^(\d{1,3}0)s$")  # "1910s", "1780s"; the slug is the label too


def decade_of(year: int) -> Period:
    start = year - year % 10
    return Period(f"{start}s", f"{start}s", start, start + 9)


@dataclass(frozen=True)
class Grouping:
    """How a timeline groups its events into periods: the Serge base's named periods, or decades."""

    named: tuple[Period, ...]  # empty: by decade
    first_year: int | None  # where the overview starts (None: at the first event)

    def slug_for_year(self, year: int) -> str:
        return next(p.slug for p in self.named if p.holds(year)) if self.named else decade_of(year).slug

    def period(self, slug: str) -> Period | None:
        """The period a slug names (any decade when grouping by decade), or None."""
        if self.named:
            return next((p for p in self.named if p.slug == slug), None)
        found = DECADE_SLUG.match(slug)
        if not found:
            return None
        # Only decades written as decade_of writes them ("0100s" is not "100s") whose years Python's dates hold: a
        # query over the 0s (year 0) would fail (issue 21 probe #7). Events lie in the 100s to the 2990s
        # (facts.loading.MIN_YEAR, MAX_YEAR); a decade outside those is empty, as any decade without events, and
        # an event written before that rule still has its decade's page.
        period = decade_of(int(found.group(1)))
        return period if period.slug == slug and dt.MINYEAR <= period.start and period.end <= dt.MAXYEAR else None

    def periods(self, years=()) -> list[Period]:
        """The periods to list: every named one; or the decades holding these years, earliest first."""
        if self.named:
            return list(self.named)
        return [decade_of(start) for start in sorted({year - year % 10 for year in years})]


SERGE_PERIODS = Grouping(PERIODS, FIRST_YEAR)
DECADES = Grouping((), None)


def grouping_for(collection_key: str) -> Grouping:
    """Serge's periods for the Serge base, decades for any other collection."""
    return SERGE_PERIODS if collection_key == SERGE else DECADES


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
    period: str = ""  # the slug of its period in its collection's grouping
    href: str = ""  # its page (with ?collection=KEY on a collection's pages)

    @property
    def start(self) -> dt.date:
        return min(v.start for v in self.versions)

    @property
    def end(self) -> dt.date:
        return max(v.end for v in self.versions)

    @property
    def disputed(self) -> bool:
        return len({v.when for v in self.versions}) > 1


def end_of(start: dt.date, precision: str) -> dt.date:
    """The last day a date of this precision may mean: 'March 1933' ends on 31 March."""
    if precision == "day":
        return start
    if precision == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision == "decade":
        return dt.date(start.year - start.year % 10 + 9, 12, 31)
    return dt.date(start.year, 12, 31)


def mark_of(event, *, css="m-none", note="", grouping: Grouping = SERGE_PERIODS, query: str = "") -> Mark:
    """A Mark from an Event whose citations (with sources) are prefetched; `query` ("?collection=KEY" or "") is
    added to its link."""
    versions = []
    for values, citations in event.versions():
        start = dt.date.fromisoformat(values["date"]) if isinstance(values["date"], str) else values["date"]
        sources = tuple(dict.fromkeys(c.source.title for c in citations))
        end = values.get("end")
        end = (dt.date.fromisoformat(end) if isinstance(end, str) else end) or end_of(start, values["precision"])
        versions.append(Version(values["when"], start, end, sources))
    return Mark(event.key, event.when, event.description, tuple(versions), css, note,
                period=grouping.slug_for_year(versions[0].start.year), href=f"/events/{event.key}/{query}")


def span_years(marks, first_year: int | None = FIRST_YEAR) -> tuple[int, int]:
    """From 1881 (Serge's story; None: the first event's year) to the year after the latest event (so the last
    one is not on the edge)."""
    if first_year is None:
        first_year = min((m.start.year for m in marks), default=FIRST_YEAR)
    last = max((m.end.year for m in marks), default=first_year)
    return first_year, max(last + 1, first_year + 1)


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


@dataclass(frozen=True)
class Layout:
    """One size of drawing. Each is drawn for the width it is shown at (CSS picks one by the screen's width), so
    its 13-unit text is about 13 px on screen: readable on a phone, not shrunk to a third."""

    name: str
    width: int  # viewBox width, about the CSS pixels it is shown at
    lane: int  # height of a row of marks; 24 on phones, the smallest tap target WCAG 2.2 asks for
    radius: float  # a dot's radius
    gap: float  # least room between two marks sharing a row
    tick_room: int  # least room between two year ticks


WIDE = Layout("wide", 1000, 16, 5, 5, 40)
NARROW = Layout("narrow", 360, 24, 6, 14, 44)
LAYOUTS = (WIDE, NARROW)
WIDTH, MARGIN, LANE, AXIS = WIDE.width, 12, WIDE.lane, 44
CHAR = 7  # 13-unit text is about 7 units a character


def _fit(text: str, room: float) -> str:
    """Text cut to the room it has, with an ellipsis."""
    chars = int(room / CHAR)
    return text if len(text) <= chars else text[:max(chars - 1, 1)].rstrip() + "…"


def _ticks(first_year: int, last_year: int, x, room: int):
    span = max(last_year - first_year, 1)
    per_year = x(dt.date(first_year + 1, 1, 1)) - x(dt.date(first_year, 1, 1))
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50) if s * per_year >= room), 100)
    right = x(dt.date(last_year, 1, 1)) - 20  # room for the last label inside the drawing
    return [(round(x(dt.date(year, 1, 1)), 1), year) for year in range(first_year, first_year + span + 1)
            if year % step == 0 and x(dt.date(year, 1, 1)) <= right]


def _scale(first_year: int, last_year: int, left: float, right: float):
    span = max(last_year - first_year, 1)

    def x(day):
        return left + (_year_fraction(day) - first_year) * (right - left) / span
    return x


def _shape(mark: Mark, x0: float, x1: float, y: float, layout: Layout):
    """A dot for a day or a short date, a bar for a longer one; on phones an invisible disc makes it tappable."""
    hit = format_html('<circle class="hit" cx="{}" cy="{}" r="{}"/>', round((x0 + x1) / 2, 1), y,
                      layout.lane / 2) if layout is NARROW else ""
    if x1 - x0 < 2 * layout.radius + 1:
        return format_html('{}<circle cx="{}" cy="{}" r="{}"/>', hit, round((x0 + x1) / 2, 1), y, layout.radius)
    height = 2 * layout.radius
    return format_html('{}<rect x="{}" y="{}" width="{}" height="{}" rx="4"/>', hit, round(x0, 1), y - height / 2,
                       round(x1 - x0, 1), height)


def _link(mark: Mark, shape, label=""):
    """An event as a link to its page, named (for screen readers and as a tooltip) by its date and text."""
    classes = f"event {mark.css}" + (" disputed" if mark.disputed else "")
    title = _title(mark)
    return format_html('<a href="{}" class="{}" data-key="{}" data-period="{}" aria-label="{}">'
                       '<title>{}</title>{}{}</a>',
                       mark.href or f"/events/{mark.key}/", classes, mark.key, mark.period, title, title, shape, label)


def _pack(placed, gap):
    """Lanes for marks sorted by start: each goes in the first lane free at its left edge."""
    lanes_end: list[float] = []
    lanes = []
    for x0, x1 in placed:
        lane = next((i for i, end in enumerate(lanes_end) if end <= x0), len(lanes_end))
        if lane == len(lanes_end):
            lanes_end.append(0)
        lanes_end[lane] = max(x1, x0 + gap) + gap
        lanes.append(lane)
    return lanes, max(len(lanes_end), 1)


def _svg(*, layout: Layout, height: float, title: str, css: str, first_year: int, last_year: int, period: str, body):
    # Not role="img": the drawing holds links, and an image's children are hidden from assistive technology.
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="group" aria-label="{}" '
        'class="timeline {} {}" data-layout="{}" data-first="{}" data-last="{}"{}>'
        '<title>{}</title>{}</svg>',
        layout.width, round(height), title, css, layout.name, layout.name, first_year, last_year,
        format_html(' data-period="{}"', period) if period else "", title, body)


def overview_svg(marks, *, title: str, layout: Layout = WIDE, grouping: Grouping = SERGE_PERIODS) -> str:
    """Every period as its own row, each with its own year scale, so 1917–1921 (dense) and the long years
    before and after (sparse) are all readable, and no period's label can cover another's. Events are dots
    (bars for dates known to a month, a year or a decade, dashed where sources disagree), packed into lanes,
    coloured by mastery and linked to their pages; a click on a row's background zooms into that period."""
    marks = sorted(marks, key=lambda m: (m.start, m.key))
    first_all, last_all = span_years(marks, grouping.first_year)
    rows, y = [], 0.0
    for index, period in enumerate(grouping.periods(m.start.year for m in marks)):
        inside = [m for m in marks if m.period == period.slug]
        if not inside:
            continue
        first_year, last_year = period_span(period, inside, grouping)
        x = _scale(first_year, last_year, MARGIN + 4, layout.width - MARGIN - 4)
        left, right = MARGIN, layout.width - MARGIN  # a decade that runs past its period stops at the row's edge
        spans = [(max(x(m.start), left), min(x(m.end + dt.timedelta(days=1)), right)) for m in inside]
        lanes, count = _pack(spans, layout.gap + (layout.lane / 2 if layout is NARROW else 0))
        top = AXIS + 4
        height = top + count * layout.lane + 8
        events = mark_safe("".join(
            _link(m, _shape(m, x0, x1, y + top + lane * layout.lane + layout.lane / 2, layout))
            for m, (x0, x1), lane in zip(inside, spans, lanes, strict=True)))
        ticks = format_html_join("", '<text x="{}" y="{}" class="tick">{}</text>',
                                 ((tx, round(y + 34), year) for tx, year in _ticks(first_year, last_year, x,
                                                                                    layout.tick_room)))
        count_text = f"{len(inside)} event{'s' if len(inside) != 1 else ''}"
        rows.append(format_html(
            '<g data-period="{}" class="row"><rect x="0" y="{}" width="{}" height="{}" class="{}"/>'
            '<text x="{}" y="{}" class="band-label">{} <tspan class="count">· {}</tspan></text></g>'
            '<g class="ticks">{}</g><line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/><g class="events">{}</g>',
            period.slug, round(y), layout.width, round(height), "band-a" if index % 2 else "band-b",
            MARGIN, round(y + 17), period.label, count_text, ticks, MARGIN, round(y + AXIS - 4),
            layout.width - MARGIN, round(y + AXIS - 4), events))
        y += height
    return _svg(layout=layout, height=max(y, AXIS), title=title, css="overview", first_year=first_all,
                last_year=last_all, period="", body=mark_safe("".join(rows)))


def zoom_svg(marks, *, first_year: int, last_year: int, title: str, period: str, layout: Layout = WIDE) -> str:
    """One period, one event per row with its date and text. Wide: the text beside its mark, on the side with
    more room; narrow (phones): the text on its own line above the mark, so it keeps a readable size."""
    x = _scale(first_year, last_year, MARGIN, layout.width - MARGIN)
    marks = sorted(marks, key=lambda m: (m.start, m.key))
    text_line = 18 if layout is NARROW else 0
    row = layout.lane + text_line
    items = []
    for index, mark in enumerate(marks):
        x0, x1 = max(x(mark.start), MARGIN), min(x(mark.end + dt.timedelta(days=1)), layout.width - MARGIN)
        top = AXIS + index * row
        y = top + text_line + layout.lane / 2
        text = f"{mark.when} · {mark.description}"
        if layout is NARROW:
            label = format_html('<text x="{}" y="{}">{}</text>', MARGIN, top + 14,
                                _fit(text, layout.width - 2 * MARGIN))
        else:
            right = x1 + 6 < layout.width * 0.55
            room = (layout.width - MARGIN - x1 - 8) if right else (x0 - 8 - MARGIN)
            label = format_html('<text x="{}" y="{}" text-anchor="{}">{}</text>', round(x1 + 8 if right else x0 - 8, 1),
                                y + 4, "start" if right else "end", _fit(text, room))
        items.append(_link(mark, _shape(mark, x0, x1, y, layout), label))
    height = AXIS + max(len(marks), 1) * row + 10
    ticks = format_html_join("", '<text x="{}" y="34" class="tick">{}</text>',
                             _ticks(first_year, last_year, x, layout.tick_room))
    body = format_html(
        '<rect x="0" y="0" width="{}" height="{}" class="band-b"/><text x="{}" y="14" class="band-label">{}</text>'
        '<g class="ticks">{}</g><line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/><g class="events">{}</g>',
        layout.width, round(height), MARGIN, title, ticks, MARGIN, AXIS - 4, layout.width - MARGIN, AXIS - 4,
        mark_safe("".join(items)))
    return _svg(layout=layout, height=height, title=title, css="labelled", first_year=first_year,
                last_year=last_year, period=period if layout is WIDE else "", body=body)


def period_span(period: Period, marks, grouping: Grouping = SERGE_PERIODS) -> tuple[int, int]:
    """The years the zoomed view of a period shows (its events' years when it is open-ended)."""
    first, last = span_years(marks, grouping.first_year)
    start = period.start if period.start is not None else first
    end = (period.end + 1) if period.end is not None else last
    return max(start, first), max(min(end, last), max(start, first) + 1)


@dataclass(frozen=True)
class Drawing:
    """The timeline page's pictures: one overview, then each period that has events, zoomed in."""

    what: str  # "12 events with Victor Serge"
    overview: dict[str, str]  # layout name -> SVG
    periods: list[tuple[Period, list[Mark], dict[str, str]]]  # (period, its marks by date, layout name -> SVG)


def drawing(marks, *, filters=(), grouping: Grouping = SERGE_PERIODS) -> Drawing:
    """Every mark in one overview and in the zoomed view of its period, at every layout."""
    first, last = span_years(marks, grouping.first_year)
    what = f"{len(marks)} event{'s' if len(marks) != 1 else ''}" + (f" with {' and '.join(filters)}" if filters else "")
    overview = {layout.name: overview_svg(marks, title=f"Timeline, {first}–{last}: {what}", layout=layout,
                                          grouping=grouping)
                for layout in LAYOUTS}
    periods = []
    for period in grouping.periods(m.start.year for m in marks):
        inside = [m for m in marks if m.period == period.slug]
        if not inside:
            continue
        start, end = period_span(period, inside, grouping)
        periods.append((period, sorted(inside, key=lambda m: (m.start, m.key)), {
            layout.name: zoom_svg(inside, first_year=start, last_year=end, period=period.slug,
                                  title=f"{period.label}: {len(inside)} events", layout=layout)
            for layout in LAYOUTS}))
    return Drawing(what, overview, periods)
