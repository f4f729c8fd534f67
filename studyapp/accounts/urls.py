from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path

from studyapp.accounts import views
from studyapp.accounts.throttles import PASSWORD_CHECK, PASSWORD_RESET, throttle_posts

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(), name="login"),  # failures locked out by django-axes
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("delete/", views.account_delete, name="account-delete"),
    path("password/change/", login_required(throttle_posts(PASSWORD_CHECK)(auth_views.PasswordChangeView.as_view())),
         name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", throttle_posts(PASSWORD_RESET)(auth_views.PasswordResetView.as_view()),
         name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
