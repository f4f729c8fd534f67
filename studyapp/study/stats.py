"""Study statistics for /stats/, with the charts drawn as small server-side SVG (no JavaScript, no CDN)."""

import datetime as dt
from collections import Counter

from django.db.models import Count
from django.utils.html import format_html, format_html_join

from studyapp.accounts.models import settings_for
from studyapp.facts.mastery import DECKS, by_period_and_deck
from studyapp.study.models import FsrsState, Rating, ReviewLog, ReviewState
from studyapp.study.scheduling import StudyDays


def true_retention(logs):
    """Share of reviews of cards in review state that were not forgotten (Anki's 'true retention')."""
    graded = [rating for rating, before in logs if before is not None and before["state"] == FsrsState.REVIEW]
    if not graded:
        return None
    return sum(1 for rating in graded if rating != Rating.AGAIN) / len(graded)


def bar_chart(values, labels, *, title, color="#9b2226"):
    """A bar chart as SVG with a text alternative (role=img, <title>, and a caption listing the values)."""
    width, height, gap = 600, 120, 2
    top = max(values) if values and max(values) else 1
    bar = width / max(len(values), 1)
    bars = format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>', (
        (round(i * bar, 1), round(height - v / top * height, 1), round(bar - gap, 1), round(v / top * height, 1),
         color, labels[i], v)
        for i, v in enumerate(values)))
    return format_html('<svg viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart">{}</svg>',
                       width, height, title, bars)


def heatmap(counts, last_day, *, days=365):
    """A GitHub-style year of reviews: one square per day, darker for more reviews."""
    size, first = 11, last_day - dt.timedelta(days=days - 1)
    top = max(counts.values()) if counts else 1
    cells = []
    start_offset = first.weekday()
    for i in range(days):
        day = first + dt.timedelta(days=i)
        n = counts.get(day, 0)
        column, row = divmod(i + start_offset, 7)
        shade = "#ebe8e0" if n == 0 else ("#f4c7c3", "#e3837b", "#c0392b", "#7b1d16")[min(3, int(4 * n / (top + 1)))]
        cells.append((column * (size + 2), row * (size + 2), size, size, shade, day.isoformat(), n))
    squares = format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}">'
                                   '<title>{}: {} reviews</title></rect>', cells)
    width = ((days + start_offset) // 7 + 1) * (size + 2)
    return format_html('<svg viewBox="0 0 {} {}" role="img" aria-label="Reviews per day over the last year" '
                       'class="chart heatmap">{}</svg>', width, 7 * (size + 2), squares)


def user_stats(user, now):
    prefs = settings_for(user)
    days = StudyDays(prefs.timezone, prefs.day_starts_at)
    today = days.date_of(now)
    year_ago = now - dt.timedelta(days=366)
    logs = list(ReviewLog.objects.filter(user=user, reviewed_at__gte=year_ago)
                .values_list("reviewed_at", "rating", "state_before"))
    per_day = Counter(days.date_of(at) for at, _, _ in logs)

    days30 = [today - dt.timedelta(days=29 - i) for i in range(30)]
    reviews30 = [per_day.get(day, 0) for day in days30]

    states = ReviewState.objects.filter(user=user, reps__gt=0)
    due_per_day = Counter(
        max(days.date_of(due), today)
        for due in states.filter(suspended=False, due__lt=now + dt.timedelta(days=31)).values_list("due", flat=True)
    )
    forecast_days = [today + dt.timedelta(days=i) for i in range(30)]
    forecast = [due_per_day.get(day, 0) for day in forecast_days]

    week_ago, month_ago = now - dt.timedelta(days=7), now - dt.timedelta(days=30)
    by_state = dict(states.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return {
        "today": today,
        "reviews30": reviews30, "reviews30_total": sum(reviews30),
        "reviews_chart": bar_chart(reviews30, [d.isoformat() for d in days30], title="Reviews per day, last 30 days"),
        "reviews_table": list(zip(days30, reviews30, strict=True)),
        "forecast": forecast, "forecast_total": sum(forecast),
        "forecast_chart": bar_chart(forecast, [d.isoformat() for d in forecast_days],
                                    title="Cards due per day, next 30 days", color="#2d6a4f"),
        "forecast_table": list(zip(forecast_days, forecast, strict=True)),
        "retention7": true_retention([(r, b) for at, r, b in logs if at >= week_ago]),
        "retention30": true_retention([(r, b) for at, r, b in logs if at >= month_ago]),
        "desired_retention": prefs.desired_retention,
        "by_state": {
            "learning": by_state.get(FsrsState.LEARNING, 0), "review": by_state.get(FsrsState.REVIEW, 0),
            "relearning": by_state.get(FsrsState.RELEARNING, 0),
            "suspended": ReviewState.objects.filter(user=user, suspended=True).count(),
            "leech": ReviewState.objects.filter(user=user, leech=True).count(),
        },
        "heatmap": heatmap(per_day, today),
        "year_total": sum(n for day, n in per_day.items() if day > today - dt.timedelta(days=365)),
        "active_days": sum(1 for day in per_day if day > today - dt.timedelta(days=365)),
        "mastery_decks": DECKS, "mastery_rows": by_period_and_deck(user, now),
    }
