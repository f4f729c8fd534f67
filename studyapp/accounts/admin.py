from django.contrib import admin

from studyapp.accounts.models import StudySettings


@admin.register(StudySettings)
class StudySettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "timezone", "day_starts_at", "desired_retention", "new_per_day", "reviews_per_day"]
    search_fields = ["user__username"]
