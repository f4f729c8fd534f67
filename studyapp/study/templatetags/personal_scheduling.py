"""The settings page's panel for the user's own FSRS parameters, and the retention suggestion beside the field.

Template tags, so that accounts' settings page can show study's data without accounts importing study.
"""

from django import template

from studyapp.accounts.models import settings_for
from studyapp.charts import labelled_bar_chart
from studyapp.study import optimizer
from studyapp.study.models import ReviewLog
from studyapp.study.selectors import fsrs_optimizations

register = template.Library()


@register.inclusion_tag("study/_personal_scheduling.html")
def personal_scheduling(user):
    prefs = settings_for(user)
    latest, finished = fsrs_optimizations(user)
    reviews = ReviewLog.objects.filter(user=user).count()
    context = {"prefs": prefs, "latest": latest, "finished": finished, "reviews": reviews,
               "needed": max(optimizer.MIN_REVIEWS - reviews, 0), "minimum": optimizer.MIN_REVIEWS,
               "own": bool(prefs.fsrs_parameters), "parameters": prefs.fsrs_parameters or optimizer.DEFAULT_PARAMETERS}
    if finished is not None and finished.simulation:
        points = finished.simulation
        labels = [f"{point['retention']:.2f}" for point in points]
        marked = {f"{prefs.desired_retention:.2f}"} | ({f"{finished.optimal_retention:.2f}"}
                                                         if finished.optimal_retention else set())
        context |= {
            "points": points,
            "reviews_chart": labelled_bar_chart(
                [round(point["reviews_per_day"]) for point in points], labels, unit="reviews a day", marked=marked,
                title="Mean reviews a day over the next year, at each desired retention from 0.70 to 0.97"),
            "remembered_chart": labelled_bar_chart(
                [point["remembered"] for point in points], labels, unit="cards remembered", color="#2f5d50",
                marked=marked, title="Cards remembered after a year, at each desired retention from 0.70 to 0.97"),
        }
    return context


@register.simple_tag
def retention_suggestion(user):
    """The optimal retention of the user's latest finished run, or None."""
    _latest, finished = fsrs_optimizations(user)
    return finished.optimal_retention if finished is not None else None
