"""Study statistics for /stats/; the charts are drawn by studyapp/charts.py (server-side SVG, no JavaScript)."""

import datetime as dt
from collections import Counter

from django.db.models import Count, Q

from studyapp.accounts.models import settings_for
from studyapp.charts import bar_chart, heatmap
from studyapp.decks import DECKS
from studyapp.study.mastery import by_period_and_deck
from studyapp.study.models import FsrsState, Rating, ReviewLog, ReviewState
from studyapp.study.scheduling import StudyDays


def true_retention(logs):
    """Share of reviews of cards in review state that were not forgotten (Anki's 'true retention')."""
    graded = [rating for rating, before in logs if before is not None and before["state"] == FsrsState.REVIEW]
    if not graded:
        return None
    return sum(1 for rating in graded if rating != Rating.AGAIN) / len(graded)


def user_stats(user, now, *, collection=None):
    """The /stats/ page's numbers over all the user's reviews and cards, or `collection`'s alone (a Collection the
    caller has checked the user may study). A fixed number of queries (tests/test_query_budgets.py)."""
    prefs = settings_for(user)
    mine = {"card__collection": collection} if collection is not None else {}
    days = StudyDays(prefs.timezone, prefs.day_starts_at)
    today = days.date_of(now)
    year_ago = now - dt.timedelta(days=366)
    logs = list(ReviewLog.objects.filter(user=user, reviewed_at__gte=year_ago, **mine)
                .values_list("reviewed_at", "rating", "state_before"))
    per_day = Counter(days.date_of(at) for at, _, _ in logs)

    days30 = [today - dt.timedelta(days=29 - i) for i in range(30)]
    reviews30 = [per_day.get(day, 0) for day in days30]

    states = ReviewState.objects.studied().filter(user=user, **mine)
    due_per_day = Counter(
        max(days.date_of(due), today)
        for due in states.filter(suspended=False, due__lt=now + dt.timedelta(days=31)).values_list("due", flat=True)
    )
    forecast_days = [today + dt.timedelta(days=i) for i in range(30)]
    forecast = [due_per_day.get(day, 0) for day in forecast_days]

    week_ago, month_ago = now - dt.timedelta(days=7), now - dt.timedelta(days=30)
    by_state = dict(states.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    suspended = ReviewState.objects.suspended().filter(user=user, **mine).aggregate(
        all=Count("id"), leech=Count("id", filter=Q(leech=True)))  # one query for both
    return {
        "today": today,
        "reviews30": reviews30, "reviews30_total": sum(reviews30),
        "reviews_chart": bar_chart(reviews30, [d.isoformat() for d in days30], title="Reviews per day, last 30 days",
                                   unit="review"),
        "reviews_table": list(zip(days30, reviews30, strict=True)),
        "forecast": forecast, "forecast_total": sum(forecast),
        "forecast_chart": bar_chart(forecast, [d.isoformat() for d in forecast_days],
                                    title="Cards due per day, next 30 days", color="#2d6a4f", unit="card"),
        "forecast_table": list(zip(forecast_days, forecast, strict=True)),
        "retention7": true_retention([(r, b) for at, r, b in logs if at >= week_ago]),
        "retention30": true_retention([(r, b) for at, r, b in logs if at >= month_ago]),
        "desired_retention": prefs.desired_retention,
        "by_state": {
            "learning": by_state.get(FsrsState.LEARNING, 0), "review": by_state.get(FsrsState.REVIEW, 0),
            "relearning": by_state.get(FsrsState.RELEARNING, 0),
            "suspended": suspended["all"], "leech": suspended["leech"],
        },
        "heatmap": heatmap(per_day, today),
        "year_total": sum(n for day, n in per_day.items() if day > today - dt.timedelta(days=365)),
        "active_days": sum(1 for day in per_day if day > today - dt.timedelta(days=365)),
        "mastery_decks": DECKS, "mastery_rows": by_period_and_deck(user, now, collection=collection),
    }
