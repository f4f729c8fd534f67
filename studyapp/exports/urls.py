from django.urls import path

from studyapp.exports import views

urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/anki/", views.export_anki, name="export-anki"),
    path("export/csv/", views.export_csv, name="export-csv"),
    path("settings/anki-reviews/", views.anki_reviews_page, name="anki-reviews"),
    path("accounts/data/", views.data_download, name="account-data"),  # "Download my data" (exports/userdata.py)
]
