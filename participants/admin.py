from django.contrib import admin

from .models import Participant, Registration


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["session", "status", "created_at", "confirmed_at", "cancelled_at"]
    readonly_fields = ["created_at", "confirmed_at", "cancelled_at"]
    autocomplete_fields = ["session"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "organisation_name", "category", "country"]
    list_filter = ["category", "language"]
    search_fields = ["last_name", "first_name", "email", "organisation_name"]
    readonly_fields = ["consent_at", "privacy_notice_version", "anonymised_at", "created_at"]
    inlines = [RegistrationInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["participant", "session", "status", "created_at", "confirmed_at"]
    list_filter = ["status", "session__event"]
    list_select_related = ["participant", "session"]
    search_fields = ["participant__last_name", "participant__first_name", "participant__email"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["participant", "session"]
    readonly_fields = ["created_at", "confirmed_at", "waitlisted_at", "cancelled_at", "updated_at"]
