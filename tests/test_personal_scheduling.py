"""A user's own FSRS parameters: the optimize service, the command, the API, the settings page, rescheduling."""

import datetime as dt
import json
import uuid
from io import StringIO

import fsrs
import pytest
from django.core.management import CommandError, call_command
from django.db.models.signals import post_save

from studyapp.accounts.models import StudySettings, settings_for
from studyapp.study import optimizer, scheduling, services
from studyapp.study.models import FsrsOptimization, ReviewLog, ReviewState
from studyapp.study.selectors import study_days
from tests.builders import make_cards
from tests.learners import DEFAULT, FAST_FORGETTER, START, learner_reviews, store_reviews

NOW = START + dt.timedelta(days=91)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """The database backend leaves tasks to `manage.py db_worker`; here they run when enqueued."""
    settings.TASKS = IMMEDIATE


def fast_forgetter_history(user, days=90):
    """About 90 days of a learner who forgets twice as fast as FSRS's default learner (6,651 reviews)."""
    store_reviews(user, learner_reviews(FAST_FORGETTER, days=days, new_per_day=10, seed=3))


def fresh(user):
    """The user's settings as stored (settings_for caches them on the user object)."""
    return StudySettings.objects.get(user=user)


# --- the service ------------------------------------------------------------------------------------

def test_it_adopts_parameters_that_predict_held_out_reviews_better(alice):
    fast_forgetter_history(alice)
    run = services.fsrs_optimize(user=alice, now=NOW)
    assert (run.status, run.adopted, run.reviews, run.items, run.needed) == ("done", True, 6651, 3852, 0)
    assert (round(run.log_loss_before, 4), round(run.log_loss_after, 4)) == (0.4458, 0.4354)
    assert run.rmse_after < run.rmse_before
    assert fresh(alice).fsrs_parameters == run.parameters
    assert run.parameters == list(optimizer.fit(optimizer.training_items(
        [optimizer.Review(*row) for row in ReviewLog.objects.filter(user=alice).order_by("reviewed_at", "pk")
         .values_list("card_id", "reviewed_at", "rating")], scheduling.StudyDays("UTC", 4))))
    assert (run.parameters_before, run.finished_at) == ([], NOW)
    assert [point["retention"] for point in run.simulation] == list(optimizer.RETENTIONS)
    assert 0.70 <= run.optimal_retention <= 0.97


def test_it_saves_the_parameters_through_the_model_so_post_save_listeners_run(alice):
    fast_forgetter_history(alice)
    saved = []

    def listener(sender, instance, update_fields, **kwargs):
        saved.append((instance.user_id, sorted(update_fields or [])))

    post_save.connect(listener, sender=StudySettings)
    try:
        services.fsrs_optimize(user=alice, now=NOW)
    finally:
        post_save.disconnect(listener, sender=StudySettings)
    assert saved == [(alice.pk, ["fsrs_parameters"])]


def test_running_it_again_on_the_same_history_changes_nothing(alice):
    fast_forgetter_history(alice)
    first = services.fsrs_optimize(user=alice, now=NOW)
    second = services.fsrs_optimize(user=alice, now=NOW)
    assert (first.adopted, second.adopted) == (True, False)
    assert second.parameters_before == first.parameters == second.parameters
    assert fresh(alice).fsrs_parameters == first.parameters


def test_too_little_history_keeps_the_parameters_and_says_how_many_more(alice):
    store_reviews(alice, learner_reviews(DEFAULT, days=5, new_per_day=10, seed=1))
    count = ReviewLog.objects.filter(user=alice).count()
    run = services.fsrs_optimize(user=alice, now=NOW)
    assert (run.adopted, run.reviews, run.needed, run.parameters) == (False, count, optimizer.MIN_REVIEWS - count, [])
    # Nothing fitted: the defaults scored on every review, the same before and after.
    assert run.log_loss_before == run.log_loss_after and 0 < run.log_loss_before < 1
    assert fresh(alice).fsrs_parameters == []
    # The advisor works without a fit: the defaults' optimal retention and the year at each retention.
    assert optimizer.RETENTIONS[0] <= run.optimal_retention <= optimizer.RETENTIONS[-1]
    assert [point["retention"] for point in run.simulation] == list(optimizer.RETENTIONS)


def test_the_request_queues_one_run_at_a_time(alice, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    fast_forgetter_history(alice)
    run = services.fsrs_optimize_request(user=alice, now=NOW)
    assert (run.status, run.adopted) == ("queued", False)
    with pytest.raises(services.OptimizationPending) as pending:
        services.fsrs_optimize_request(user=alice, now=NOW)
    assert pending.value.args[0] == run
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs) == ("studyapp.study.services.fsrs_optimize_task",
                                                  {"args": [run.pk], "kwargs": {}})


def test_the_task_runs_the_queued_run(alice, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    fast_forgetter_history(alice)
    run = services.fsrs_optimize_request(user=alice, now=NOW)
    services.fsrs_optimize_task.call(run.pk)  # what `manage.py db_worker` does with the queued task
    run.refresh_from_db()
    assert (run.status, run.adopted) == ("done", True)
    assert fresh(alice).fsrs_parameters == run.parameters


def test_a_failed_run_is_recorded(alice, monkeypatch):
    run = FsrsOptimization.objects.create(user=alice, requested_at=NOW)

    def broken(items, current):
        raise RuntimeError("fsrs-rs refused")

    monkeypatch.setattr(optimizer, "MIN_REVIEWS", 0)
    monkeypatch.setattr(optimizer, "folds", lambda size: [(1, 2)])
    monkeypatch.setattr(optimizer, "optimize", broken)
    with pytest.raises(RuntimeError):
        services.fsrs_optimize_task.call(run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "fsrs-rs refused")


# --- scheduling with the user's parameters ------------------------------------------------------------

def test_reviews_are_scheduled_with_the_users_parameters(alice, bob):
    fast_forgetter_history(alice)
    services.fsrs_optimize(user=alice, now=NOW)
    alice.refresh_from_db()
    card = ReviewLog.objects.filter(user=alice).first().card
    due, stability = {}, {}
    for user in (alice, bob):
        for minutes, rating in ((0, 3), (10, 3)):
            services.review_submit(user=user, card=card, rating=rating, now=NOW + dt.timedelta(minutes=minutes),
                                   review_id=uuid.uuid4())
        state = ReviewState.objects.get(user=user, card=card)
        again = services.review_submit(user=user, card=card, rating=3, now=state.due + dt.timedelta(hours=1),
                                       review_id=uuid.uuid4())
        due[user.username] = (dt.datetime.fromisoformat(again.as_dict()["due"]) - state.due).days
        stability[user.username] = again.as_dict()["stability"]
    # bob has FSRS's defaults; alice forgets faster, so her memory is about half as stable (exact, before fuzz
    # and load balancing, which depend on the card's id) and her card comes back sooner.
    assert stability["alice"] <= 0.6 * stability["bob"]
    assert due["alice"] < due["bob"]


def test_the_scheduler_is_built_once_per_retention_and_parameters():
    parameters = list(FAST_FORGETTER)
    assert scheduling.scheduler_for(0.9, parameters) is scheduling.scheduler_for(0.90, tuple(parameters))
    assert scheduling.scheduler_for(0.9) is scheduling.scheduler_for(0.9, [])
    assert scheduling.scheduler_for(0.9).parameters == tuple(fsrs.Scheduler().parameters)
    assert scheduling.scheduler_for(0.85, parameters).parameters == FAST_FORGETTER


def test_rescheduling_replays_every_card_with_the_users_parameters_in_one_batch(alice):
    cards = make_cards(3, prefix="r")
    for card in cards:
        for minutes, rating in ((0, 3), (10, 3)):
            services.review_submit(user=alice, card=card, rating=rating, now=NOW + dt.timedelta(minutes=minutes),
                                   review_id=uuid.uuid4())
    before = {state.card_id: (state.due, state.version) for state in ReviewState.objects.filter(user=alice)}
    prefs = settings_for(alice)
    prefs.fsrs_parameters = list(FAST_FORGETTER)
    prefs.save()
    assert services.cards_reschedule(user=alice).cards == 3
    after = {state.card_id: (state.due, state.version, state.reps) for state in ReviewState.objects.filter(user=alice)}
    for card in cards:
        assert after[card.pk][0] < before[card.pk][0]  # half the stability: sooner
        assert after[card.pk][1:] == (before[card.pk][1] + 1, 2)
    assert services.cards_reschedule(user=alice).cards == 0  # already there


# --- the command ------------------------------------------------------------------------------------

def command(*args):
    out = StringIO()
    call_command("optimize_fsrs", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_prints_the_json_contract(alice):
    fast_forgetter_history(alice)
    last = json.loads(command("--user", "alice", "--json")[-1])
    run = FsrsOptimization.objects.get(user=alice)
    assert last == {"adopted": True, "reviews": 6651, "parameters": run.parameters,
                    "log_loss_before": run.log_loss_before, "log_loss_after": run.log_loss_after}
    assert len(last["parameters"]) == 21 and all(isinstance(value, float) for value in last["parameters"])
    again = json.loads(command("--user", "alice", "--json")[-1])
    assert (again["adopted"], again["parameters"]) == (False, run.parameters)


def test_the_command_with_too_little_history_keeps_the_defaults_and_scores_them_on_every_review(alice):
    store_reviews(alice, learner_reviews(DEFAULT, days=2, new_per_day=5, seed=1))
    last = json.loads(command("--user", "alice", "--json")[-1])
    reviews = list(ReviewLog.objects.filter(user=alice).order_by("reviewed_at", "pk"))
    items = optimizer.training_items([optimizer.Review(r.card_id, r.reviewed_at, r.rating) for r in reviews],
                                     study_days(alice))
    defaults = optimizer.evaluate([], items)
    assert 0 < defaults.log_loss < 1
    assert last == {"adopted": False, "reviews": len(reviews), "parameters": list(fsrs.Scheduler().parameters),
                    "log_loss_before": defaults.log_loss, "log_loss_after": defaults.log_loss}
    assert "more needed" in command("--user", "alice")[-1]


def test_the_command_runs_for_every_user_with_reviews(alice, bob, charlie):
    fast_forgetter_history(alice)
    store_reviews(bob, learner_reviews(DEFAULT, days=2, new_per_day=5, seed=1), prefix="bob")
    lines = [json.loads(line) for line in command("--all", "--json")]
    assert [(line["user"], line["adopted"]) for line in lines] == [("alice", True), ("bob", False)]


def test_the_command_refuses_an_unknown_user_and_needs_a_choice(db):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        command("--user", "nobody")
    with pytest.raises(CommandError):
        command()


# --- the API ----------------------------------------------------------------------------------------

def test_the_api_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/settings/optimize/").status_code == 401
    assert api_client.post("/api/settings/optimize/").status_code == 401
    assert api_client.post("/api/settings/reschedule/").status_code == 401


def test_the_api_says_404_before_any_run(alice_api):
    response = alice_api.get("/api/settings/optimize/")
    assert response.status_code == 404


def test_with_too_little_history_the_api_fits_nothing_but_suggests_a_retention(alice, alice_api):
    response = alice_api.post("/api/settings/optimize/")
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["adopted"], body["reviews"], body["needed"]) == (
        "done", False, 0, optimizer.MIN_REVIEWS)
    assert (body["log_loss_before"], body["parameters_in_use"]) == (None, [])  # no reviews: nothing to score
    assert optimizer.RETENTIONS[0] <= body["optimal_retention"] <= optimizer.RETENTIONS[-1]
    assert [point["retention"] for point in body["simulation"]] == list(optimizer.RETENTIONS)
    assert fresh(alice).fsrs_parameters == []


def test_the_api_refuses_a_body_and_a_reschedule_without_own_parameters(alice_api):
    assert alice_api.post("/api/settings/optimize/", {"force": True}, format="json").status_code == 400
    response = alice_api.post("/api/settings/reschedule/")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["parameters"])


def test_the_api_optimizes_and_reports(alice, alice_api, charlie_api):
    fast_forgetter_history(alice)
    response = alice_api.post("/api/settings/optimize/")
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["adopted"], body["reviews"], body["needed"]) == ("done", True, 6651, 0)
    assert body["parameters_in_use"] == body["parameters"] == fresh(alice).fsrs_parameters
    assert alice_api.get("/api/settings/optimize/").json() == body
    assert alice_api.post("/api/settings/reschedule/").json() == {"rescheduled": 0}  # no card states here
    assert charlie_api.get("/api/settings/optimize/").status_code == 404  # alice's run is not charlie's


def test_the_api_says_409_while_a_run_is_under_way(alice, alice_api, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    fast_forgetter_history(alice)
    first = alice_api.post("/api/settings/optimize/")
    second = alice_api.post("/api/settings/optimize/")
    assert (first.status_code, first.json()["status"]) == (202, "queued")
    assert (second.status_code, second.json()["id"]) == (409, first.json()["id"])


def test_the_schema_documents_the_endpoints(api_client, db):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert set(schema["paths"]["/api/settings/optimize/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/settings/optimize/"]["post"]["responses"]) == {"202", "400", "409"}
    assert set(schema["paths"]["/api/settings/reschedule/"]["post"]["responses"]) == {"200", "400"}


# --- the settings page ------------------------------------------------------------------------------

def test_the_settings_page_says_how_many_more_reviews_are_needed(client, alice):
    client.force_login(alice)
    page = client.get("/settings/").content.decode()
    assert f"<strong>{optimizer.MIN_REVIEWS} more</strong>" in page
    assert "Optimize my scheduling</button>" not in page
    assert "Suggest a desired retention</button>" in page
    charts_before = page.count("<svg")
    response = client.post("/settings/optimize/", follow=True)
    page = response.content.decode()
    run = FsrsOptimization.objects.get(user=alice)
    assert "Working on it" in page and "0 reviews: too few to fit; parameters kept." in page
    assert f"Suggested for you: <strong>{run.optimal_retention:.2f}</strong>" in page
    assert '<table id="optimize-scores">' not in page  # no fit, no scores
    # The two charts of the year (each drawn wide and for phones) and their table.
    assert page.count("<svg") == charts_before + 4 and page.count('id="simulation-table"') == 1


def test_the_settings_page_optimizes_and_shows_scores_suggestion_and_charts(client, alice):
    fast_forgetter_history(alice)
    client.force_login(alice)
    assert "Optimize my scheduling</button>" in client.get("/settings/").content.decode()
    response = client.post("/settings/optimize/")
    assert (response.status_code, response["Location"]) == (302, "/settings/#personal-scheduling")
    page = client.get("/settings/").content.decode()
    run = FsrsOptimization.objects.get(user=alice)
    assert f"<td>{run.log_loss_before:.4f}</td>" in page and f"<td>{run.log_loss_after:.4f}</td>" in page
    assert "Adopted: you are now scheduled with the fitted parameters." in page
    assert f'id="retention-suggestion">Suggested for you: <strong>{run.optimal_retention:.2f}</strong>' in page
    assert page.count('role="img" aria-label="Mean reviews a day over the next year') == 2  # wide and phone
    assert page.count('aria-label="Cards remembered after a year') == 2
    point = run.simulation[0]
    assert f"<tr><td>0.70</td><td>{point['reviews_per_day']:.1f}</td><td>{point['remembered']}</td></tr>" in page
    assert "Reschedule existing cards to my parameters" in page


def test_the_settings_page_shows_a_run_in_progress(client, alice, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    fast_forgetter_history(alice)
    client.force_login(alice)
    client.post("/settings/optimize/")
    page = client.get("/settings/").content.decode()
    assert 'id="optimize-progress" data-status-url="/api/settings/optimize/"' in page
    assert "Optimizing: <strong>queued</strong>" in page


def test_the_settings_page_reschedules_on_request(client, alice):
    client.force_login(alice)
    response = client.post("/settings/reschedule/", follow=True)
    assert "nothing to reschedule to" in response.content.decode()
    prefs = settings_for(alice)
    prefs.fsrs_parameters = list(FAST_FORGETTER)
    prefs.save()
    response = client.post("/settings/reschedule/", follow=True)
    assert "Rescheduled 0 cards to your parameters." in response.content.decode()
    assert client.get("/settings/optimize/").status_code == 405


def test_the_retention_chart_labels_bars_by_retention_and_stars_the_marked_ones():
    from studyapp.charts import labelled_bar_chart

    svg = str(labelled_bar_chart([10, 20], ["0.70", "0.90"], title="Reviews a day", unit="reviews a day",
                                 marked=["0.90"]))
    assert svg.count('role="img" aria-label="Reviews a day"') == 2  # the wide and the phone drawing
    assert svg.count("<title>0.70: 10 reviews a day</title>") == 2
    assert svg.count('class="marked"><title>0.90: 20 reviews a day</title>') == 2
    assert svg.count(">0.90*</text>") == 2 and svg.count(">0.70</text>") == 2
