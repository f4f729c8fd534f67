"""Charts drawn on the server as SVG: a bar chart of values per day and a year heatmap. Pure: values in, markup out.

Each chart comes in two sizes, a wide one for screens and a narrow one for phones (CSS shows one), each drawn for
the width it is shown at, so its axis labels stay readable instead of shrinking with the drawing. Both carry a
text alternative (role="img" with a label, and a title on every bar or day).
"""

import datetime as dt
import math

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDE, NARROW = 640, 360  # viewBox widths, about the CSS pixels each is shown at


def _day(label) -> dt.date:
    return label if isinstance(label, dt.date) else dt.date.fromisoformat(str(label))


def nice_top(value: float) -> int:
    """The axis maximum: the first of 1, 2, 5 × 10ⁿ (or 3 for small counts) at or above the largest value."""
    if value <= 0:
        return 1
    if value <= 5:
        return max(int(math.ceil(value)), 1)
    power = 10 ** int(math.floor(math.log10(value)))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _steps(top: int) -> list[int]:
    """Gridlines: zero, the top, and one or three between when they fall on whole numbers."""
    for parts in (4, 2, 1):
        if top % parts == 0:
            return [top * i // parts for i in range(parts + 1)]
    return [0, top]


def _bars(values, days, *, width, title, color, unit, label_every):
    height, left, right, top_pad, bottom = 180, 34, 8, 18, 26
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = nice_top(max(values, default=0))
    slot = plot_w / max(len(values), 1)
    gap = 1 if slot < 8 else 2

    def y(v):
        return top_pad + plot_h - v / top * plot_h

    grid = format_html_join("", '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
                                '<text x="{}" y="{}" class="axis-label" text-anchor="end">{}</text>',
                            ((left, round(y(v), 1), width - right, round(y(v), 1), left - 5, round(y(v) + 4, 1), v)
                             for v in _steps(top)))
    bars, values_text = [], []
    for i, (value, day) in enumerate(zip(values, days, strict=True)):
        x = left + i * slot
        what = f"{value} {unit}{'' if value == 1 or not unit else 's'}".strip()
        bars.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
                                round(x + gap / 2, 1), round(y(value), 1), round(max(slot - gap, 1), 1),
                                round(value / top * plot_h, 1), color, day.strftime("%a %-d %b %Y"), what))
        if value and slot >= 14:
            values_text.append(format_html('<text x="{}" y="{}" class="value" text-anchor="middle">{}</text>',
                                           round(x + slot / 2, 1), round(y(value) - 3, 1), value))
    last = len(days) - 1
    ticks = format_html_join("", '<line x1="{}" y1="{}" x2="{}" y2="{}" class="tick"/>'
                                 '<text x="{}" y="{}" class="axis-label" text-anchor="{}">{}</text>', (
        (round(left + i * slot + slot / 2, 1), height - bottom, round(left + i * slot + slot / 2, 1),
         height - bottom + 4, round(left + i * slot + (slot if i == last else slot / 2), 1), height - bottom + 16,
         "end" if i == last else "middle", day.strftime("%-d %b"))
        for i, day in enumerate(days) if i % label_every == 0 or i == last and i % label_every > 2))
    if not any(values):
        values_text.append(format_html('<text x="{}" y="{}" class="empty" text-anchor="middle">None</text>',
                                       round(left + plot_w / 2), round(top_pad + plot_h / 2)))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart bars">'
        '{}<line x1="{}" y1="{}" x2="{}" y2="{}" class="baseline"/>{}{}{}</svg>',
        width, height, title, grid, left, height - bottom, width - right, height - bottom, mark_safe("".join(bars)),
        mark_safe("".join(values_text)), ticks)


def bar_chart(values, labels, *, title, color="#9b2226", unit=""):
    """Values per day as bars: a value axis with gridlines, the date under every seventh bar (every tenth on a
    phone), each value above its bar, and the day and value as each bar's title. `labels` are the days, as dates
    or ISO strings; `unit` names what is counted ("review" gives "1 review", "3 reviews")."""
    days = [_day(label) for label in labels]
    values = list(values)
    return format_html('<span class="chart-wide">{}</span><span class="chart-narrow">{}</span>',
                       _bars(values, days, width=WIDE, title=title, color=color, unit=unit, label_every=7),
                       _bars(values, days, width=NARROW, title=title, color=color, unit=unit, label_every=10))


SHADES = ("#ebe8e0", "#f4c7c3", "#e3837b", "#c0392b", "#7b1d16")


def _shade(n, top):
    return SHADES[0] if n == 0 else SHADES[1 + min(3, int(4 * n / (top + 1)))]


def _heatmap(counts, last_day, *, days, size, gap, font):
    first = last_day - dt.timedelta(days=days - 1)
    top = max(counts.values(), default=0)
    offset, step = first.weekday(), size + gap
    left, head = font * 2.6, font + 6
    cells, months = [], []
    for i in range(days):
        day = first + dt.timedelta(days=i)
        n = counts.get(day, 0)
        column, row = divmod(i + offset, 7)
        x, y = left + column * step, head + row * step
        cells.append((round(x, 1), round(y, 1), size, size, _shade(n, top), day.strftime("%a %-d %b %Y"), n,
                      "" if n == 1 else "s"))
        if day.day == 1 and column * step < (days + offset) // 7 * step - 2 * font:
            months.append((round(x, 1), font, day.strftime("%b")))
    columns = (days + offset - 1) // 7 + 1
    width, height = left + columns * step, head + 7 * step + font + 10
    weekdays = format_html_join("", '<text x="0" y="{}" class="axis-label">{}</text>',
                                ((round(head + row * step + size - 1, 1), name) for row, name in
                                 ((0, "Mon"), (2, "Wed"), (4, "Fri"))))
    legend_y = head + 7 * step + 4
    legend = format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"/>',
                              ((round(width - (5 - i) * step - font * 2.5, 1), legend_y, size, size, shade)
                               for i, shade in enumerate(SHADES)))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'class="chart heatmap heatmap-{}">{}{}{}'
        '<text x="{}" y="{}" class="axis-label" text-anchor="end">Less</text>{}'
        '<text x="{}" y="{}" class="axis-label" text-anchor="end">More</text></svg>',
        round(width, 1), round(height, 1), "Reviews per day over the last year", font,  # heatmap-11: 11 px text
        format_html_join("", '<text x="{}" y="{}" class="axis-label">{}</text>', months), weekdays,
        format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}">'
                             '<title>{}: {} review{}</title></rect>', cells),
        round(width - 5 * step - font * 2.5 - 4, 1), legend_y + size - 1, legend, round(width, 1), legend_y + size - 1)


def heatmap(counts, last_day, *, days=365):
    """A year of reviews, one square per day (weeks as columns, Monday on top), darker for more reviews, with
    the months above, Mon/Wed/Fri at the side and a Less–More key; each day's count is its square's title."""
    return format_html('<span class="chart-wide">{}</span><span class="chart-narrow">{}</span>',
                       _heatmap(counts, last_day, days=days, size=10, gap=2, font=11),
                       _heatmap(counts, last_day, days=days, size=5, gap=1.2, font=10))


def _labelled_bars(values, labels, *, width, title, color, unit, marked):
    height, left, right, top_pad, bottom = 180, 44, 8, 18, 26
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = nice_top(max(values, default=0))
    slot = plot_w / max(len(values), 1)

    def y(v):
        return top_pad + plot_h - v / top * plot_h

    grid = format_html_join("", '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
                                '<text x="{}" y="{}" class="axis-label" text-anchor="end">{}</text>',
                            ((left, round(y(v), 1), width - right, round(y(v), 1), left - 5, round(y(v) + 4, 1),
                              f"{v:,}") for v in _steps(top)))
    bars = format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}><title>{}: {} {}</title></rect>'
                                '<text x="{}" y="{}" class="axis-label" text-anchor="middle">{}</text>', (
        (round(left + i * slot + 2, 1), round(y(value), 1), round(max(slot - 4, 1), 1),
         round(value / top * plot_h, 1), color, mark_safe(' class="marked"') if label in marked else "",
         label, f"{value:,}", unit, round(left + i * slot + slot / 2, 1), height - bottom + 16,
         f"{label}*" if label in marked else label)
        for i, (value, label) in enumerate(zip(values, labels, strict=True))))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart bars">'
        '{}<line x1="{}" y1="{}" x2="{}" y2="{}" class="baseline"/>{}</svg>',
        width, height, title, grid, left, height - bottom, width - right, height - bottom, bars)


def labelled_bar_chart(values, labels, *, title, color="#9b2226", unit="", marked=()):
    """Values against labels (not days), e.g. reviews a day at each desired retention; the labels in `marked`
    get a star and a class (the retention in use, the one suggested). Each bar's title gives label and value."""
    values, labels = list(values), [str(label) for label in labels]
    marked = {str(label) for label in marked}
    return format_html('<span class="chart-wide">{}</span><span class="chart-narrow">{}</span>',
                       _labelled_bars(values, labels, width=WIDE, title=title, color=color, unit=unit,
                                      marked=marked),
                       _labelled_bars(values, labels, width=NARROW, title=title, color=color, unit=unit,
                                      marked=marked))
