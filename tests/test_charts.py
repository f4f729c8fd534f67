"""Server-drawn charts (studyapp/charts.py): axes, dates and values, readable at both sizes (issue 19)."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from studyapp import charts

SVG = "{http://www.w3.org/2000/svg}"
DAYS = [dt.date(2026, 11, 1) + dt.timedelta(days=i) for i in range(30)]


def _svgs(html):
    return [ET.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", str(html), re.S)]


def _texts(svg, css):
    return [t.text for t in svg.iter(f"{SVG}text") if css in (t.get("class") or "")]


@pytest.mark.parametrize(("largest", "top"), [(0, 1), (1, 1), (3, 3), (5, 5), (7, 10), (12, 20), (40, 50),
                                              (101, 200), (240, 250)])
def test_the_value_axis_ends_on_a_round_number_at_or_above_the_largest_value(largest, top):
    assert charts.nice_top(largest) == top


def test_a_bar_chart_has_a_wide_and_a_narrow_drawing_with_axes_dates_and_values():
    values = [i % 5 for i in range(30)]
    wide, narrow = _svgs(charts.bar_chart(values, [d.isoformat() for d in DAYS], title="Reviews", unit="review"))
    assert (wide.get("viewBox"), narrow.get("viewBox")) == ("0 0 640 180", "0 0 360 180")
    for svg in (wide, narrow):
        assert svg.get("role") == "img" and svg.get("aria-label") == "Reviews"
        assert _texts(svg, "axis-label")[:3] == ["0", "1", "2"]  # the value axis: 0 to 4 in steps of 1
        bars = svg.findall(f"{SVG}rect")
        assert [b.find(f"{SVG}title").text for b in bars][:3] == [
            "Sun 1 Nov 2026: 0 reviews", "Mon 2 Nov 2026: 1 review", "Tue 3 Nov 2026: 2 reviews"]
    assert [t for t in _texts(wide, "axis-label") if " " in t] == ["1 Nov", "8 Nov", "15 Nov", "22 Nov", "29 Nov"]
    assert [t for t in _texts(narrow, "axis-label") if " " in t] == ["1 Nov", "11 Nov", "21 Nov", "30 Nov"]
    assert _texts(wide, "value") == [str(v) for v in values if v]  # each value above its bar


def test_an_empty_chart_says_so():
    wide, _ = _svgs(charts.bar_chart([0] * 30, DAYS, title="Due"))
    assert _texts(wide, "empty") == ["None"]


def test_the_heatmap_has_a_square_per_day_months_weekdays_and_a_key():
    last = dt.date(2026, 11, 29)
    wide, narrow = _svgs(charts.heatmap({last: 3, last - dt.timedelta(days=1): 1}, last))
    for svg in (wide, narrow):
        days = [r for r in svg.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
        assert len(days) == 365
        assert days[-1].find(f"{SVG}title").text == "Sun 29 Nov 2026: 3 reviews"
        assert days[-2].find(f"{SVG}title").text == "Sat 28 Nov 2026: 1 review"
        labels = _texts(svg, "axis-label")
        assert {"Mon", "Wed", "Fri", "Less", "More", "Jan", "Jun"} <= set(labels)
