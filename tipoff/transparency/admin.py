"""Transparency in Django's admin (platform operators only)."""

from django.contrib import admin

from tipoff.transparency.models import StatsSettings


@admin.register(StatsSettings)
class StatsSettingsAdmin(admin.ModelAdmin):
    list_display = ("body", "threshold")
