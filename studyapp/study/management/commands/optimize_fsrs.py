import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from studyapp.study import optimizer
from studyapp.study.services import fsrs_optimize


def contract(run) -> dict:
    """The --json line (DESIGN.md): the parameters in use after the run, all 21 even when they are the defaults;
    the scores are null when there was too little history to fit."""
    in_use = run.parameters if run.adopted else (run.parameters_before or list(optimizer.DEFAULT_PARAMETERS))
    return {"adopted": run.adopted, "reviews": run.reviews, "parameters": [float(value) for value in in_use],
            "log_loss_before": run.log_loss_before, "log_loss_after": run.log_loss_after}


class Command(BaseCommand):
    help = ("Fit FSRS to a user's reviews (or every user's) and adopt the parameters if they predict held-out "
            "reviews better than those in use.")

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="The user to optimize.")
        who.add_argument("--all", action="store_true", help="Every user who has reviewed at least once.")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="One JSON object per user, the last line for --user: {adopted, reviews, parameters, "
                                 "log_loss_before, log_loss_after}.")

    def handle(self, *args, user, as_json, **options):
        users = get_user_model().objects.select_related("study_settings").order_by("pk")
        if user:
            users = list(users.filter(username=user))
            if not users:
                raise CommandError(f"--user: no user named {user!r}")
        else:
            users = users.filter(review_logs__isnull=False).distinct()
        for account in users:
            run = fsrs_optimize(user=account, now=timezone.now())
            if as_json:
                line = contract(run) if user else {"user": account.get_username(), **contract(run)}
                self.stdout.write(json.dumps(line))
            else:
                self.stdout.write(_describe(account, run))


def _describe(account, run) -> str:
    if run.needed:
        return (f"{account}: {run.reviews} reviews; {run.needed} more needed before FSRS can be fitted "
                f"(parameters kept)")
    verdict = "adopted" if run.adopted else "kept the parameters in use"
    return (f"{account}: {run.reviews} reviews, log loss {run.log_loss_before:.4f} → {run.log_loss_after:.4f}, "
            f"RMSE {run.rmse_before:.4f} → {run.rmse_after:.4f} on held-out reviews: {verdict}; "
            f"suggested retention {run.optimal_retention:.2f}")
